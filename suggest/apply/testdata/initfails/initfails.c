// SPDX-License-Identifier: GPL-2.0
/* initfails: its init probes for a device that is never there. */
#include <linux/module.h>
#include <linux/init.h>

MODULE_LICENSE("GPL");

static volatile int sink;

static noinline int probe_port(int port)
{
	sink = port * 2;
	return -ENODEV;
}

static int __init initfails_init(void)
{
	return probe_port(0x2e);
}

static void __exit initfails_exit(void)
{
}

module_init(initfails_init);
module_exit(initfails_exit);
