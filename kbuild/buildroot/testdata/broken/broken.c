// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>

static int __init broken_init(void)
{
	return 0 /* missing semicolon */
}

module_init(broken_init);
MODULE_LICENSE("GPL");
