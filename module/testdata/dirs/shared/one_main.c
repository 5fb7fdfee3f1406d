#include <linux/module.h>
#include <linux/init.h>

int common_setup(void);

//go:init-section init initcall=device
static int one_init(void)
{
	return common_setup();
}

MODULE_LICENSE("GPL");
#include "one_main.initsec.h"
