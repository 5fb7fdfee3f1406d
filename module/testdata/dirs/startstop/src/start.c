#include <linux/module.h>
#include <linux/init.h>

//go:init-section init initcall=device
static int startstop_init(void)
{
	pr_info("start\n");
	return 0;
}

MODULE_LICENSE("GPL");
#include "start.initsec.h"
