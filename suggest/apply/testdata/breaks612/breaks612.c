// SPDX-License-Identifier: GPL-2.0
/* breaks612: builds on 6.1, not on 6.12 (not ported). */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#error "breaks612 is not ported to 6.12"
#endif

MODULE_LICENSE("GPL");

static volatile int sink;

static noinline void setup_once(int v)
{
	sink = v + 1;
}

static int __init breaks612_init(void)
{
	setup_once(1);
	return 0;
}

static void __exit breaks612_exit(void)
{
}

module_init(breaks612_init);
module_exit(breaks612_exit);
