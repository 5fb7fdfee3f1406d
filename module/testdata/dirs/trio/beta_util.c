#include <linux/init.h>
#include <linux/kernel.h>

//go:init-section initconst
static const char beta_banner[] = "beta";

//go:init-section init
int beta_setup(void)
{
	pr_info("%s\n", beta_banner);
	return 0;
}

#include "beta_util.initsec.h"
