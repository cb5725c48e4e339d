// SPDX-License-Identifier: MIT
#include "child_error.h"

#include <stdarg.h>
#include <stdio.h>

int child_error_set(struct child_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	e->err = err;
	va_start(ap, fmt);
	vsnprintf(e->step, sizeof(e->step), fmt, ap);
	va_end(ap);
	return err;
}
