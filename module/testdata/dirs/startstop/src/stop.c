#include <linux/module.h>
#include <linux/init.h>

//go:init-section exit entry
static void startstop_exit(void)
{
	pr_info("stop\n");
}

#include "stop.initsec.h"
