#include <linux/init.h>
#include <linux/module.h>
#include "gotables_initsec_data.h"

//go:init-section init initcall=device
static int gotables_init(void)
{
	return crc_table[0] + banner[0];
}

MODULE_LICENSE("GPL");

#include "main.initsec.h"
