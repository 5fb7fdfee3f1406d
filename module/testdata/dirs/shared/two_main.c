#include <linux/module.h>
#include <linux/init.h>

int common_setup(void);

//go:init-section init initcall=device
static int two_init(void)
{
	return common_setup();
}

MODULE_LICENSE("GPL");
#include "two_main.initsec.h"
