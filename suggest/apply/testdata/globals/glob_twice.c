// SPDX-License-Identifier: GPL-2.0
#include "glob.h"

extern volatile int glob_sink;

/* Two definitions, one per #if branch: a skip, never a guess. */
#ifdef CONFIG_GLOB_FAST
int glob_twice(int v)
{
	return v << 1;
}
#else
int glob_twice(int v)
{
	glob_sink = v;
	return v * 2;
}
#endif
