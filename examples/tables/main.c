// SPDX-License-Identifier: GPL-2.0
/*
 * tables: a module whose init code uses a table computed in Go. The
 * CRC-32 lookup table, the check input and its expected CRC are Go vars in
 * tables/ (the table written by `go generate`); initsec defines them in C,
 * in .init.rodata, in tables_initsec_data.c, and declares them in
 * tables_initsec_data.h. init checksums the input with the table and
 * compares; the module loader then frees the table with the rest of .init.*.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/types.h>

#include "tables_initsec_data.h"

/* The table-driven, LSB-first CRC-32 of Ethernet and zlib. */
//go:init-section init
static u32 tables_crc32(const u8 *p, size_t n)
{
	u32 crc = ~0U;

	while (n--)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

//go:init-section init initcall=device
static int tables_init(void)
{
	u32 crc = tables_crc32((const u8 *)crc32_check_input,
			       CRC32_CHECK_INPUT_LEN);

	pr_info("tables: crc32(\"%s\") = 0x%08x, expected 0x%08x (table of %d entries)\n",
		crc32_check_input, crc, crc32_check_value, CRC32_TABLE_LEN);
	if (crc != crc32_check_value)
		return -EINVAL;
	return 0;
}

//go:init-section exit entry
static void tables_exit(void)
{
	pr_info("tables: unloaded\n");
}

MODULE_DESCRIPTION("initsec example: an init table computed in Go");
MODULE_LICENSE("GPL");

#include "main.initsec.h"
