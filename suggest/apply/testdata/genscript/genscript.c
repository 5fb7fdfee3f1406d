// SPDX-License-Identifier: GPL-2.0
/* genscript: built with a flag a script writes; one init-only helper. */
#include <linux/module.h>
#include <linux/init.h>

MODULE_LICENSE("GPL");

static noinline int scale(int v)
{
	return v * GENSCRIPT_SCALE;
}

static int __init genscript_init(void)
{
	return scale(2) == 6 ? 0 : -EINVAL;
}

static void __exit genscript_exit(void)
{
}

module_init(genscript_init);
module_exit(genscript_exit);
