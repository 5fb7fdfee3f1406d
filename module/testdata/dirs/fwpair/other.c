#include <linux/module.h>
#include <linux/init.h>

//go:init-section init initcall=device
static int other_init(void)
{
	return 0;
}

MODULE_LICENSE("GPL");
#include "other.initsec.h"
