// SPDX-License-Identifier: GPL-2.0
/*
 * slowinit: its init function sleeps for 10 minutes, so the guest's step
 * timeout must end the wait and report it as a result. The guest powers
 * off while init is still sleeping.
 */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init slowinit_init(void)
{
	pr_info("slowinit: init sleeping\n");
	msleep(600 * 1000);
	return 0;
}
module_init(slowinit_init);

MODULE_DESCRIPTION("boottest fixture: init that does not return in time");
MODULE_LICENSE("GPL");
