#include <linux/module.h>
#include <linux/init.h>

//go:init-section initdata
static int alpha_count = 3;

//go:init-section init initcall=device
static int alpha_init(void)
{
	pr_info("alpha: %d\n", alpha_count);
	return 0;
}

//go:init-section exit entry
static void alpha_exit(void)
{
}

MODULE_LICENSE("GPL");
#include "alpha.initsec.h"
