// SPDX-License-Identifier: MIT
/* Unit tests for the verity superblock, the dm-verity table and the file
 * system sizes that say where the tree is (mgr/start/verity.c, mgr/start/image.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image.h"
#include "verity.h"

/* The first 0x68 bytes of the superblock `veritysetup format
 * --salt=00112233445566778899aabbccddeeff --uuid=12345678-1234-1234-1234-
 * 123456789abc` wrote (cryptsetup 2.6.1) for a one-block erofs image. */
static const unsigned char real_sb[] = {
    0x76, 0x65, 0x72, 0x69, 0x74, 0x79, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x56, 0x78,
    0x9a, 0xbc, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11,
    0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static void real(unsigned char sb[VERITY_SB_SIZE])
{
	memset(sb, 0, VERITY_SB_SIZE);
	memcpy(sb, real_sb, sizeof(real_sb));
}

static void test_sb_from_veritysetup(void **state)
{
	unsigned char sb[VERITY_SB_SIZE];
	struct verity_params p;

	(void)state;
	real(sb);
	assert_int_equal(verity_sb_parse(sb, &p), 0);
	assert_string_equal(p.algorithm, "sha256");
	assert_int_equal(p.digest_size, 32);
	assert_int_equal(p.data_block_size, 4096);
	assert_int_equal(p.hash_block_size, 4096);
	assert_int_equal(p.data_blocks, 1);
	assert_int_equal(p.salt_size, 16);
	assert_int_equal(p.salt[0], 0x00);
	assert_int_equal(p.salt[15], 0xff);
}

static void test_sb_refused(void **state)
{
	unsigned char sb[VERITY_SB_SIZE];
	struct verity_params p;

	(void)state;
	memset(sb, 0, sizeof(sb));
	assert_int_equal(verity_sb_parse(sb, &p), -ENODATA); /* no tree */
	real(sb);
	sb[8] = 2; /* version */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	sb[12] = 0; /* Chrome OS hash type */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	memcpy(sb + 32, "md5\0\0\0", 6);
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	memset(sb + 32, 'a', 32); /* no NUL in the algorithm */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	sb[65] = 0x30; /* data blocks of 12288 bytes */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	sb[69] = 0x20; /* hash blocks of 8192 bytes */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	sb[72] = 0; /* no data blocks */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	sb[80] = 0x01;
	sb[81] = 0x01; /* 257 bytes of salt */
	assert_int_equal(verity_sb_parse(sb, &p), -EINVAL);
	real(sb);
	memcpy(sb + 32, "sha512", 6);
	assert_int_equal(verity_sb_parse(sb, &p), 0);
	assert_int_equal(p.digest_size, 64);
}

static void test_table(void **state)
{
	static const char root[] =
	    "9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf56";
	unsigned char sb[VERITY_SB_SIZE];
	struct verity_params p;
	char t[1024];

	(void)state;
	real(sb);
	assert_int_equal(verity_sb_parse(sb, &p), 0);
	/* The superblock at 4096 takes hash block 1; the tree starts at 2. */
	assert_true(verity_table(t, sizeof(t), &p, "7:3", 4096, root) > 0);
	assert_string_equal(t, "1 7:3 7:3 4096 4096 1 2 sha256 "
			       "9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf56 "
			       "00112233445566778899aabbccddeeff");
	p.salt_size = 0;
	p.data_blocks = 300;
	assert_true(verity_table(t, sizeof(t), &p, "7:3", 300 * 4096, root) > 0);
	assert_string_equal(t,
			    "1 7:3 7:3 4096 4096 300 301 sha256 "
			    "9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf56 -");
	assert_int_equal(verity_table(t, 40, &p, "7:3", 4096, root), -ENAMETOOLONG);
}

static int image_of(const unsigned char *sb, size_t len)
{
	int fd = memfd_create("sb", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 8192), 0);
	assert_int_equal(pwrite(fd, sb, len, 1024), (ssize_t)len);
	return fd;
}

static void test_fs_size(void **state)
{
	unsigned char sb[1024];
	uint64_t size;
	int fd;

	(void)state;
	memset(sb, 0, sizeof(sb));
	memcpy(sb, "\xe2\xe1\xf5\xe0", 4); /* erofs */
	sb[12] = 12;
	sb[36] = 3;
	fd = image_of(sb, sizeof(sb));
	assert_int_equal(image_fs_size(fd, &size), 0);
	assert_int_equal(size, 3 * 4096);
	close(fd);

	memset(sb, 0, sizeof(sb));
	sb[56] = 0x53;
	sb[57] = 0xef; /* ext4 */
	sb[4] = 0x10;  /* 16 blocks ... */
	sb[24] = 2;    /* ... of 4096 bytes */
	fd = image_of(sb, sizeof(sb));
	assert_int_equal(image_fs_size(fd, &size), 0);
	assert_int_equal(size, 16 * 4096);
	close(fd);
	sb[0x60] = 0x80; /* 64bit: the high word counts */
	sb[0x150] = 1;
	fd = image_of(sb, sizeof(sb));
	assert_int_equal(image_fs_size(fd, &size), 0);
	assert_int_equal(size, ((1ull << 32) + 16) * 4096);
	close(fd);

	memset(sb, 0, sizeof(sb));
	fd = image_of(sb, sizeof(sb));
	assert_int_equal(image_fs_size(fd, &size), -EMEDIUMTYPE);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sb_from_veritysetup),
	    cmocka_unit_test(test_sb_refused),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_fs_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
