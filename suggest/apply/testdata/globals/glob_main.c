// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/init.h>
#include "glob.h"

MODULE_LICENSE("GPL");

volatile int glob_sink;

static int __init glob_init(void)
{
	int i;

	glob_sink = glob_setup(1) + glob_twice(2) + glob_macro(3);
	for (i = 0; i < 8; i++)
		glob_sink += glob_table[glob_sink & 7];
	glob_exported(4);
	return 0;
}

static void __exit glob_exit(void)
{
	glob_exported(5);
}

module_init(glob_init);
module_exit(glob_exit);
