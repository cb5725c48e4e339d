// SPDX-License-Identifier: MIT
/* Unit tests for init/moddep.c: load order from modules.dep / .softdep /
 * .alias / .builtin text, with a fake insert function that records calls. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "moddep.h"

/* Excerpts of the Debian 6.1 index files, plus made-up modules. */
static const char dep_text[] =
    "kernel/fs/erofs/erofs.ko: kernel/lib/libcrc32c.ko\n"
    "kernel/lib/libcrc32c.ko:\n"
    "kernel/crypto/crc32c_generic.ko:\n"
    "kernel/arch/x86/crypto/crc32c-intel.ko:\n"
    "kernel/drivers/block/loop.ko:\n"
    "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
    "kernel/lib/crc16.ko:\n"
    "kernel/fs/mbcache.ko:\n"
    "kernel/fs/jbd2/jbd2.ko:\n"
    "kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko\n"
    "kernel/net/802/stp.ko: kernel/net/llc/llc.ko\n"
    "kernel/net/llc/llc.ko:\n"
    "kernel/x/needs-orphan.ko: kernel/x/orphan.ko\n"
    "kernel/x/softy.ko:\n"
    "kernel/x/before.ko:\n"
    "kernel/x/after.ko:\n"
    "kernel/x/cyc_a.ko: kernel/x/cyc_b.ko\n"
    "kernel/x/cyc_b.ko: kernel/x/cyc_a.ko\n"
    "kernel/x/ping.ko:\n"
    "kernel/x/pong.ko:\n"
    "kernel/x/zipped.ko.xz:\n"
    "kernel/x/bad_dep.ko: kernel/x/broken.ko\n"
    "kernel/x/broken.ko:"; /* no final newline */

static const char softdep_text[] = "# Soft dependencies extracted from modules themselves.\n"
				   "softdep libcrc32c pre: crc32c\n"
				   "softdep ext4 pre: crypto-crc32c\n"
				   "softdep softy pre: before post: after\n"
				   "softdep ping pre: pong\n"
				   "softdep pong pre: ping\n"
				   "softdep cifs gcm\n";

static const char alias_text[] = "# Aliases extracted from modules themselves.\n"
				 "alias crypto-crc32c-intel crc32c_intel\n"
				 "alias crypto-crc32c crc32c_intel\n"
				 "alias crc32c crc32c_intel\n"
				 "alias cpu:type:x86,ven*fam*mod*:feature:*0094* crc32c_intel\n"
				 "alias crypto-crc32c crc32c_generic\n"
				 "alias crc32c crc32c_generic\n"
				 "alias fs-erofs erofs\n"
				 "alias block-major-7-* loop\n"
				 "alias devname:loop-control loop\n";

static const char builtin_text[] = "kernel/crypto/sha256_generic.ko\n"
				   "kernel/fs/binfmt_script.ko\n";

#define MAX_CALLS 32

struct fake {
	char names[MAX_CALLS][MODDEP_NAME_MAX];
	char paths[MAX_CALLS][MODDEP_PATH_MAX];
	unsigned calls;
	const char *fail_name[2]; /* these modules fail with fail_err */
	int fail_err[2];
	const char *exists_name; /* this one returns -EEXIST */
	const char *in_kernel;	 /* space-separated: what fake_loaded says is there */
	unsigned asked;		 /* fake_loaded calls */
};

static int fake_insert(void *ctx, const char *name, const char *path)
{
	struct fake *f = ctx;

	assert_true(f->calls < MAX_CALLS);
	strcpy(f->names[f->calls], name);
	strcpy(f->paths[f->calls], path);
	f->calls++;
	for (int i = 0; i < 2; i++)
		if (f->fail_name[i] && strcmp(name, f->fail_name[i]) == 0)
			return f->fail_err[i];
	if (f->exists_name && strcmp(name, f->exists_name) == 0)
		return -EEXIST;
	return 0;
}

/* The kernel of a second pass: the modules listed in in_kernel. */
static bool fake_loaded(void *ctx, const char *name)
{
	struct fake *f = ctx;
	size_t n = strlen(name);
	const char *p = f->in_kernel;

	f->asked++;
	while (p && (p = strstr(p, name))) {
		if ((p == f->in_kernel || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

struct fixture {
	struct moddep m;
	struct fake f;
};

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	moddep_init(&fx.m, fake_insert, &fx.f);
	fx.m.dep = (struct moddep_text){dep_text, sizeof(dep_text) - 1};
	fx.m.softdep = (struct moddep_text){softdep_text, sizeof(softdep_text) - 1};
	fx.m.alias = (struct moddep_text){alias_text, sizeof(alias_text) - 1};
	fx.m.builtin = (struct moddep_text){builtin_text, sizeof(builtin_text) - 1};
	*state = &fx;
	return 0;
}

/* Asserts the insert calls so far, as a NULL-terminated list of names. */
static void expect_calls(const struct fake *f, const char *const *names)
{
	unsigned i;

	for (i = 0; names[i]; i++) {
		assert_true(i < f->calls);
		assert_string_equal(f->names[i], names[i]);
	}
	assert_int_equal(f->calls, i);
}

static void test_hard_deps_deepest_first(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "bridge"), 0);
	expect_calls(&fx->f, (const char *const[]){"llc", "stp", "bridge", NULL});
	assert_string_equal(fx->f.paths[2], "kernel/net/bridge/bridge.ko");
}

static void test_erofs_through_libcrc32c_and_alias(void **state)
{
	struct fixture *fx = *state;

	/* QEMU's TCG CPU has no SSE4.2: crc32c_intel refuses to load. */
	fx->f.fail_name[0] = "crc32c_intel";
	fx->f.fail_err[0] = -ENODEV;
	assert_int_equal(moddep_load(&fx->m, "erofs"), 0);
	expect_calls(&fx->f, (const char *const[]){"crc32c_intel", "crc32c_generic", "libcrc32c",
						   "erofs", NULL});
	assert_true(moddep_is_loaded(&fx->m, "erofs"));
	assert_true(moddep_is_loaded(&fx->m, "crc32c_generic"));
	assert_false(moddep_is_loaded(&fx->m, "crc32c_intel"));
}

static void test_alias_first_target_wins(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "crc32c"), 0);
	expect_calls(&fx->f, (const char *const[]){"crc32c_intel", NULL});
}

static void test_alias_all_targets_fail(void **state)
{
	struct fixture *fx = *state;

	fx->f.fail_name[0] = "crc32c_intel";
	fx->f.fail_err[0] = -ENODEV;
	fx->f.fail_name[1] = "crc32c_generic";
	fx->f.fail_err[1] = -EPERM;
	/* The error is the last target's. */
	assert_int_equal(moddep_load(&fx->m, "crc32c"), -EPERM);
	expect_calls(&fx->f, (const char *const[]){"crc32c_intel", "crc32c_generic", NULL});
	/* Both are remembered as failed: no second attempt. */
	assert_int_equal(moddep_load(&fx->m, "crypto-crc32c"), -EPERM);
	assert_int_equal(fx->f.calls, 2);
}

static void test_alias_to_unknown_modules(void **state)
{
	struct fixture *fx = *state;

	/* Cut modules.dep before the crc32c modules: the aliases lead nowhere. */
	fx->m.dep.len = (size_t)(strstr(dep_text, "kernel/crypto/crc32c_generic") - dep_text);
	assert_int_equal(moddep_load(&fx->m, "crc32c"), -ENOENT);
	assert_int_equal(fx->f.calls, 0);
}

static void test_softdep_pre_and_post(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "softy"), 0);
	expect_calls(&fx->f, (const char *const[]){"before", "softy", "after", NULL});
}

static void test_softdep_failure_is_not_fatal(void **state)
{
	struct fixture *fx = *state;

	fx->f.fail_name[0] = "before";
	fx->f.fail_err[0] = -EINVAL;
	assert_int_equal(moddep_load(&fx->m, "softy"), 0);
	expect_calls(&fx->f, (const char *const[]){"before", "softy", "after", NULL});
}

static void test_softdep_through_alias_then_hard_deps(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "ext4"), 0);
	expect_calls(&fx->f, (const char *const[]){"crc32c_intel", "jbd2", "mbcache", "crc16",
						   "ext4", NULL});
}

static void test_dash_and_underscore_are_equal(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "crc32c-intel"), 0);
	expect_calls(&fx->f, (const char *const[]){"crc32c_intel", NULL});
	assert_string_equal(fx->f.paths[0], "kernel/arch/x86/crypto/crc32c-intel.ko");
	/* Same module under the other spelling: not inserted again. */
	assert_int_equal(moddep_load(&fx->m, "crc32c_intel"), 0);
	assert_int_equal(fx->f.calls, 1);
	/* Aliases too: "crypto_crc32c" is "crypto-crc32c". */
	assert_int_equal(moddep_load(&fx->m, "crypto_crc32c"), 0);
	assert_int_equal(fx->f.calls, 1);
	assert_true(moddep_is_loaded(&fx->m, "crc32c-intel"));
}

static void test_unknown_module(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "no_such_module"), -ENOENT);
	assert_int_equal(moddep_load(&fx->m, ""), -ENOENT);
	/* Wildcard aliases match only literally. */
	assert_int_equal(moddep_load(&fx->m, "block-major-7-0"), -ENOENT);
	assert_int_equal(fx->f.calls, 0);
}

static void test_builtin_needs_no_insert(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "sha256-generic"), 0);
	assert_int_equal(fx->f.calls, 0);
	assert_true(moddep_is_loaded(&fx->m, "sha256_generic"));
}

static void test_loaded_once_and_eexist(void **state)
{
	struct fixture *fx = *state;

	fx->f.exists_name = "loop"; /* e.g. loaded by the kernel on its own */
	assert_int_equal(moddep_load(&fx->m, "loop"), 0);
	assert_int_equal(moddep_load(&fx->m, "loop"), 0);
	assert_int_equal(moddep_load(&fx->m, "devname:loop-control"), 0);
	assert_int_equal(fx->f.calls, 1);
	assert_true(moddep_is_loaded(&fx->m, "loop"));
}

static void test_failure_is_remembered(void **state)
{
	struct fixture *fx = *state;

	fx->f.fail_name[0] = "loop";
	fx->f.fail_err[0] = -ENOEXEC;
	assert_int_equal(moddep_load(&fx->m, "loop"), -ENOEXEC);
	assert_int_equal(moddep_load(&fx->m, "loop"), -ENOEXEC);
	assert_int_equal(fx->f.calls, 1);
	assert_false(moddep_is_loaded(&fx->m, "loop"));
}

static void test_failed_hard_dep_fails_module(void **state)
{
	struct fixture *fx = *state;

	fx->f.fail_name[0] = "broken";
	fx->f.fail_err[0] = -ENOEXEC;
	assert_int_equal(moddep_load(&fx->m, "bad_dep"), -ENOEXEC);
	expect_calls(&fx->f, (const char *const[]){"broken", NULL});
	assert_false(moddep_is_loaded(&fx->m, "bad_dep"));
}

static void test_dep_without_own_line_uses_listed_path(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "needs-orphan"), 0);
	expect_calls(&fx->f, (const char *const[]){"orphan", "needs_orphan", NULL});
	assert_string_equal(fx->f.paths[0], "kernel/x/orphan.ko");
}

static void test_compressed_path_is_passed_through(void **state)
{
	struct fixture *fx = *state;

	/* The insert function decides (init refuses compressed modules). */
	assert_int_equal(moddep_load(&fx->m, "zipped"), 0);
	assert_string_equal(fx->f.paths[0], "kernel/x/zipped.ko.xz");
}

static void test_cycles_terminate(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(moddep_load(&fx->m, "cyc_a"), 0);
	expect_calls(&fx->f, (const char *const[]){"cyc_b", "cyc_a", NULL});
	assert_int_equal(moddep_load(&fx->m, "ping"), 0);
	expect_calls(&fx->f, (const char *const[]){"cyc_b", "cyc_a", "pong", "ping", NULL});
}

static void test_alias_loop_terminates(void **state)
{
	struct fixture *fx = *state;
	static const char loop_alias[] = "alias a b\nalias b a\nalias c c\n";

	fx->m.alias = (struct moddep_text){loop_alias, sizeof(loop_alias) - 1};
	assert_int_equal(moddep_load(&fx->m, "a"), -ENOENT);
	assert_int_equal(moddep_load(&fx->m, "c"), -ENOENT);
	assert_int_equal(fx->f.calls, 0);
}

static void test_softdep_chain_is_bounded(void **state)
{
	struct fixture *fx = *state;
	/* m0 pre: m1, m1 pre: m2 ... deeper than MODDEP_DEPTH_MAX. */
	static char dep[2048], soft[2048];
	size_t dn = 0, sn = 0;

	for (int i = 0; i < 40; i++) {
		dn += (size_t)snprintf(dep + dn, sizeof(dep) - dn, "m%d.ko:\n", i);
		sn += (size_t)snprintf(soft + sn, sizeof(soft) - sn, "softdep m%d pre: m%d\n", i,
				       i + 1);
	}
	fx->m.dep = (struct moddep_text){dep, dn};
	fx->m.softdep = (struct moddep_text){soft, sn};
	assert_int_equal(moddep_load(&fx->m, "m0"), 0);
	assert_true(fx->f.calls > 0 && fx->f.calls <= MODDEP_DEPTH_MAX + 1);
	assert_string_equal(fx->f.names[fx->f.calls - 1], "m0");
}

static void test_malformed_lines_are_skipped(void **state)
{
	struct fixture *fx = *state;
	static const char dep[] = "\n"
				  "no colon here\n"
				  ": orphan-deps.ko\n"
				  "# comment: x.ko\n"
				  "   \t\r\n"
				  "kernel/ok.ko:   \r\n"
				  "kernel/two.ko: \t kernel/ok.ko  ";
	static const char soft[] = "softdep\n"
				   "softdep two\n"
				   "softdep two pre:\n"
				   "softdep cifs gcm\n"
				   "softdepp two pre: nothing\n"
				   "two pre: nothing\n";
	static const char alias[] = "alias\nalias lonely\naliasx two ok\n";

	fx->m.dep = (struct moddep_text){dep, sizeof(dep) - 1};
	fx->m.softdep = (struct moddep_text){soft, sizeof(soft) - 1};
	fx->m.alias = (struct moddep_text){alias, sizeof(alias) - 1};
	assert_int_equal(moddep_load(&fx->m, "two"), 0);
	expect_calls(&fx->f, (const char *const[]){"ok", "two", NULL});
	assert_string_equal(fx->f.paths[1], "kernel/two.ko");
	assert_int_equal(moddep_load(&fx->m, "lonely"), -ENOENT);
	assert_int_equal(moddep_load(&fx->m, "no"), -ENOENT);
	assert_int_equal(moddep_load(&fx->m, "x"), -ENOENT);
}

/* A second pass over the same list (modules of cellar.config= after the
 * first pass loaded the initramfs's): a module already in the kernel is
 * done, its soft dependencies are not tried again (crc32c_intel failed
 * with ENODEV the first time and would fail, and be logged, again). */
static void test_second_pass_skips_modules_in_kernel(void **state)
{
	struct fixture *fx = *state;

	fx->m.loaded = fake_loaded;
	fx->f.in_kernel = "crc32c_generic libcrc32c erofs llc stp bridge";
	assert_int_equal(moddep_load(&fx->m, "erofs"), 0);
	assert_int_equal(moddep_load(&fx->m, "bridge"), 0);
	assert_int_equal(fx->f.calls, 0);
	assert_true(moddep_is_loaded(&fx->m, "erofs"));
	/* A new module goes in with what it needs that is not there. */
	fx->f.in_kernel = "crc32c_intel crc16";
	assert_int_equal(moddep_load(&fx->m, "ext4"), 0);
	expect_calls(&fx->f, (const char *const[]){"jbd2", "mbcache", "ext4", NULL});
	/* Through an alias: its target is there. */
	fx->f.calls = 0;
	assert_int_equal(moddep_load(&fx->m, "fs-erofs"), 0);
	assert_int_equal(fx->f.calls, 0);
}

/* Without the callback (or with an empty kernel) every module is tried:
 * the first pass's behaviour. */
static void test_loaded_callback_is_asked_per_module(void **state)
{
	struct fixture *fx = *state;

	fx->m.loaded = fake_loaded;
	fx->f.in_kernel = "";
	assert_int_equal(moddep_load(&fx->m, "bridge"), 0);
	expect_calls(&fx->f, (const char *const[]){"llc", "stp", "bridge", NULL});
	/* bridge, stp, llc: once each, then remembered. */
	assert_int_equal(fx->f.asked, 3);
	assert_int_equal(moddep_load(&fx->m, "bridge"), 0);
	assert_int_equal(fx->f.asked, 3);
}

static void test_long_name(void **state)
{
	struct fixture *fx = *state;
	char name[MODDEP_NAME_MAX + 10];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(moddep_load(&fx->m, name), -ENAMETOOLONG);
}

static void test_missing_files_mean_empty(void **state)
{
	struct fixture *fx = *state;

	moddep_init(&fx->m, fake_insert, &fx->f);
	assert_int_equal(moddep_load(&fx->m, "erofs"), -ENOENT);
	fx->m.dep = (struct moddep_text){dep_text, sizeof(dep_text) - 1};
	/* No softdep file: libcrc32c goes in without crc32c. */
	assert_int_equal(moddep_load(&fx->m, "erofs"), 0);
	expect_calls(&fx->f, (const char *const[]){"libcrc32c", "erofs", NULL});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_hard_deps_deepest_first, setup),
	    cmocka_unit_test_setup(test_erofs_through_libcrc32c_and_alias, setup),
	    cmocka_unit_test_setup(test_alias_first_target_wins, setup),
	    cmocka_unit_test_setup(test_alias_all_targets_fail, setup),
	    cmocka_unit_test_setup(test_alias_to_unknown_modules, setup),
	    cmocka_unit_test_setup(test_softdep_pre_and_post, setup),
	    cmocka_unit_test_setup(test_softdep_failure_is_not_fatal, setup),
	    cmocka_unit_test_setup(test_softdep_through_alias_then_hard_deps, setup),
	    cmocka_unit_test_setup(test_dash_and_underscore_are_equal, setup),
	    cmocka_unit_test_setup(test_unknown_module, setup),
	    cmocka_unit_test_setup(test_builtin_needs_no_insert, setup),
	    cmocka_unit_test_setup(test_loaded_once_and_eexist, setup),
	    cmocka_unit_test_setup(test_failure_is_remembered, setup),
	    cmocka_unit_test_setup(test_failed_hard_dep_fails_module, setup),
	    cmocka_unit_test_setup(test_dep_without_own_line_uses_listed_path, setup),
	    cmocka_unit_test_setup(test_compressed_path_is_passed_through, setup),
	    cmocka_unit_test_setup(test_cycles_terminate, setup),
	    cmocka_unit_test_setup(test_alias_loop_terminates, setup),
	    cmocka_unit_test_setup(test_softdep_chain_is_bounded, setup),
	    cmocka_unit_test_setup(test_malformed_lines_are_skipped, setup),
	    cmocka_unit_test_setup(test_second_pass_skips_modules_in_kernel, setup),
	    cmocka_unit_test_setup(test_loaded_callback_is_asked_per_module, setup),
	    cmocka_unit_test_setup(test_long_name, setup),
	    cmocka_unit_test_setup(test_missing_files_mean_empty, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
