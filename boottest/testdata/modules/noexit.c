// SPDX-License-Identifier: GPL-2.0
/*
 * noexit: an init function and no exit function. It loads, its init
 * memory is freed, and delete_module refuses to unload it (EBUSY), since
 * the kernel cannot undo an init it has no exit for.
 */
#include <linux/init.h>
#include <linux/module.h>

static const char noexit_msg[] __initconst = "noexit: init ran, no exit function";

static int __init noexit_init(void)
{
	pr_info("%s\n", noexit_msg);
	return 0;
}
module_init(noexit_init);

MODULE_DESCRIPTION("boottest fixture: no exit function");
MODULE_LICENSE("GPL");
