// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/init.h>

MODULE_LICENSE("GPL");

volatile int noinit_sink;
int noinit_helper(int v);

/* Only noinit_init reaches it, and this file includes <linux/init.h>: becomes __init. */
static noinline int noinit_scale(int v)
{
	noinit_sink = v * 11;
	return noinit_sink;
}

static int __init noinit_init(void)
{
	noinit_sink = noinit_helper(1) + noinit_scale(2);
	return 0;
}

static void __exit noinit_exit(void)
{
	noinit_sink = 0;
}

module_init(noinit_init);
module_exit(noinit_exit);
