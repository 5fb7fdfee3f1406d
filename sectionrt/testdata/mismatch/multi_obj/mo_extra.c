#include <linux/init.h>

int mo_setup(void);

int __init mo_setup(void)
{
	return 0;
}

/* Resident data of the second object holding its __init function's address. */
int (*mo_hook)(void) = mo_setup;
