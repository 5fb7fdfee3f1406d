// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/module.h>

#define MY_INIT __init
static int __init helper(void);
static char *mutable_strings[] __initconst = { "x" };
DEFINE_THING(static int __init made_by_macro);
static int __init __exit confused(void) { return 0; }
#ifdef CONFIG_FOO
static int __init only_foo(void) { return 0; }
#endif
static void plain_exit(void) { }
static struct platform_driver drv = { .remove = __exit_p(plain_exit) };
static int __ref keeps(void) { return 0; }

static int __init helper(void)
{
	return 0;
}

module_init(helper); /* registered here */
module_exit(plain_exit);
late_initcall_sync(helper);
MODULE_LICENSE("GPL");
