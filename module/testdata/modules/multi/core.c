// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "multi.h"

/* Setup helper, called only from multi_init. */
//go:init-section init
static int __maybe_unused multi_setup(int n)
{
	return n + multi_bias;
}

//go:init-section init initcall=late
int multi_init(void)
{
	return multi_setup(0) < 0;
}

//go:init-section exit entry
void multi_exit(void)
{
}

//go:init-section ref reason="called from resident code only before init returns"
static void multi_ref(void)
{
}

MODULE_LICENSE("GPL");

#include "core.initsec.h"
