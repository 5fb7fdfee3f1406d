#include <linux/init.h>
#include <linux/module.h>
#include "fw_initsec_data.h"

//go:init-section initconst blob=fw/table.bin
extern const u8 fw_table[];

//go:init-section init initcall=device
static int fw_init(void)
{
	return fw_table[0] + fw_table_size - fw_table_size;
}

MODULE_LICENSE("GPL");

#include "fw_main.initsec.h"
