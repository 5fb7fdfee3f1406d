// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/module.h>

/* Only init reads this table. */
static const char * const names[] __initconst = { "a", "b" };
static int __initdata count = 2;
static char buf[16] __exitdata;

static int __init
spread_init(void)
{
	return count + buf[0] + (names[0] != 0);
}

static void __exit spread_exit(void) { }

late_initcall(spread_init);
module_exit(spread_exit);
MODULE_LICENSE("GPL");
