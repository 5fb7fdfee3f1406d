#include <linux/init.h>
#include <linux/kernel.h>

//go:init-section init
int common_setup(void)
{
	return 0;
}

#include "common.initsec.h"
