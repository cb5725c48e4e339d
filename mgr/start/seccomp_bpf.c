// SPDX-License-Identifier: MIT
/* The cell's seccomp filter as cellmgr carries it: compiled at build time
 * (cell_seccomp.h, seccomp_gen.c). */
#include "cell_seccomp.h"

#include "cell_seccomp_bpf.h"

void seccomp_prog_cell(struct seccomp_prog *out, bool io_uring)
{
	if (io_uring) {
		out->insns = cell_seccomp_bpf_io_uring;
		out->len = (unsigned short)(sizeof(cell_seccomp_bpf_io_uring) /
					    sizeof(cell_seccomp_bpf_io_uring[0]));
		return;
	}
	out->insns = cell_seccomp_bpf;
	out->len = (unsigned short)(sizeof(cell_seccomp_bpf) / sizeof(cell_seccomp_bpf[0]));
}
