// SPDX-License-Identifier: GPL-2.0
/*
 * usecrc8 calls crc8_populate_msb() and crc8(), exported by lib/crc8.ko,
 * which Debian builds as a module (CONFIG_CRC8=m): modpost records
 * depends=crc8, and finit_module fails with "Unknown symbol" unless crc8 is
 * loaded first. Its parameters show in the init message.
 */
#include <linux/crc8.h>
#include <linux/init.h>
#include <linux/module.h>

static int seed;
module_param(seed, int, 0444);
MODULE_PARM_DESC(seed, "initial CRC value");

static char *tag = "none";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "a word to print");

static u8 usecrc8_table[CRC8_TABLE_SIZE];

static const u8 usecrc8_check[] __initconst = "123456789";

static int __init usecrc8_init(void)
{
	u8 crc;

	crc8_populate_msb(usecrc8_table, 0x07);
	crc = crc8(usecrc8_table, usecrc8_check, 9, (u8)seed);
	pr_info("usecrc8: seed=%d tag=%s crc=0x%02x\n", seed, tag, crc);
	return 0;
}

static void __exit usecrc8_exit(void)
{
	pr_info("usecrc8: exit\n");
}

module_init(usecrc8_init);
module_exit(usecrc8_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("boottest fixture: needs crc8.ko, takes parameters");
