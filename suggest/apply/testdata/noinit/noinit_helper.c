// SPDX-License-Identifier: GPL-2.0
/* Includes no header that declares __init (<linux/init.h>). */
#include <linux/types.h>

extern volatile int noinit_sink;

/* Called only from noinit_init, but annotated it would not compile here. */
int noinit_helper(int v)
{
	noinit_sink = v * 3;
	return noinit_sink + 1;
}
