#include <linux/init.h>
#include <linux/module.h>
#include "blob_initsec_data.h"

//go:init-section initconst blob=fw/table.bin
extern const u8 blob_table[] __aligned(64);

//go:init-section initdata blob=./fw/scratch.bin
extern u8 blob_scratch[];

//go:init-section init initcall=device
static int blob_init(void)
{
	return blob_table[0] + blob_scratch[0] + blob_table_size;
}

MODULE_LICENSE("GPL");

#include "main.initsec.h"
