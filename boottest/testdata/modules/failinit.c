// SPDX-License-Identifier: GPL-2.0
/*
 * failinit: its init function fails with -ENODEV, so finit_module must
 * return ENODEV and the loader must free the whole module, leaving no
 * /sys/module/failinit behind.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init failinit_init(void)
{
	pr_info("failinit: init returning -ENODEV\n");
	return -ENODEV;
}
module_init(failinit_init);

static void __exit failinit_exit(void)
{
	pr_info("failinit: exit (must never run)\n");
}
module_exit(failinit_exit);

MODULE_DESCRIPTION("boottest fixture: init fails with -ENODEV");
MODULE_LICENSE("GPL");
