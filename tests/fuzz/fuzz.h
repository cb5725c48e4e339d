/* SPDX-License-Identifier: MIT */
/*
 * What every harness of tests/fuzz/ shares.  A harness feeds libFuzzer's
 * input to one parser and checks what the parser promises in its header;
 * a broken promise aborts, which libFuzzer reports as a crash with the
 * input that caused it (kept in tests/fuzz/regress/NAME/ once fixed).
 */
#ifndef CELLAR_FUZZ_H
#define CELLAR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
