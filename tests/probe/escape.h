/* probe escape: the attacks of the escape suite (tests/escape/run) that the
 * report mode does not make, and two resource hogs.  See README.md, "probe
 * escape".  Outcomes follow the report format (attack.NAME=...). */
#pragma once

#include "probe.h"

/* A scratch directory made for one attack (in the attack's child). */
int escape_scratch(char *path, size_t size, const char *tag);

void escapes_fs(struct probe *p);
void escapes_proc(struct probe *p);
void escapes_dev(struct probe *p);
void escapes_kernel(struct probe *p);
void escapes_net(struct probe *p);
void escapes_io_uring(struct probe *p);

/* probe escape-forkbomb / escape-memhog: exit status as main's. */
int escape_forkbomb(int argc, char **argv);
int escape_memhog(int argc, char **argv);
int escape_cgroupbomb(int argc, char **argv);
