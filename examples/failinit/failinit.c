// SPDX-License-Identifier: GPL-2.0
/*
 * failinit: an init entry that fails. The boot test expects finit_module to
 * return ENODEV and the loader to free the whole module (init and core),
 * leaving no /sys/module/failinit behind: a failing init must not leak.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

//go:init-section initconst
static const char failinit_reason[] = "no device present";

//go:init-section init initcall=device
static int failinit_init(void)
{
	pr_info("failinit: %s, returning -ENODEV\n", failinit_reason);
	return -ENODEV;
}

//go:init-section exit entry
static void failinit_exit(void)
{
	pr_info("failinit: exit (must never run)\n");
}

MODULE_DESCRIPTION("initsec example: an init entry that fails with -ENODEV");
MODULE_LICENSE("GPL");

#include "failinit.initsec.h"
