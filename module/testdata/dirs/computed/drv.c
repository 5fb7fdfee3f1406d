#include <linux/module.h>
#include <linux/init.h>

//go:init-section init initcall=device
static int drv_init(void)
{
	return 0;
}

//go:init-section exit entry
static void drv_exit(void)
{
}

MODULE_LICENSE("GPL");
#include "drv.initsec.h"
