#include <linux/module.h>
#include <linux/init.h>

int beta_setup(void);

//go:init-section init initcall=device
static int beta_init(void)
{
	return beta_setup();
}

//go:init-section exit entry
static void beta_exit(void)
{
}

MODULE_LICENSE("GPL");
#include "beta_main.initsec.h"
