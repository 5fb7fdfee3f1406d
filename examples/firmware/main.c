// SPDX-License-Identifier: GPL-2.0
/*
 * firmware: a module that embeds a file (fw/blob.bin) in its init memory
 * and checks it once, at load. The blob= directive below makes initsec
 * generate an assembler stub (firmware_initsec_blob.S) that puts the file's
 * bytes in .init.rodata with .incbin, and firmware_blob_size beside it. The
 * module loader frees both, with the rest of .init.*, once firmware_init
 * returns 0: the blob costs no memory afterwards, so nothing may touch it
 * after init.
 *
 * fw/blob.bin is 2048 bytes from the C library's example rand() LCG
 * (x = x * 1103515245 + 12345 mod 2^32, seed 1, byte (x >> 16) & 0xff).
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/types.h>

#include "firmware_initsec_data.h"	/* firmware_blob_size */

/* What the committed fw/blob.bin holds. */
#define FIRMWARE_BLOB_LEN	2048UL
#define FIRMWARE_BLOB_FNV1A	0x077f44b3U

//go:init-section initconst blob=fw/blob.bin
extern const u8 firmware_blob[];

/* 32-bit FNV-1a: simple, and any changed byte changes it. */
//go:init-section init
static u32 firmware_fnv1a(const u8 *p, unsigned long n)
{
	u32 h = 2166136261U;

	while (n--) {
		h ^= *p++;
		h *= 16777619U;
	}
	return h;
}

//go:init-section init initcall=device
static int firmware_init(void)
{
	unsigned long n = firmware_blob_size;
	u32 sum = firmware_fnv1a(firmware_blob, n);

	pr_info("firmware: blob %lu bytes, fnv1a 0x%08x\n", n, sum);
	if (n != FIRMWARE_BLOB_LEN || sum != FIRMWARE_BLOB_FNV1A) {
		pr_err("firmware: expected %lu bytes with fnv1a 0x%08x\n",
		       FIRMWARE_BLOB_LEN, FIRMWARE_BLOB_FNV1A);
		return -EINVAL;
	}
	return 0;
}

//go:init-section exit entry
static void firmware_exit(void)
{
	pr_info("firmware: unloaded\n");
}

MODULE_DESCRIPTION("initsec example: a blob embedded in init memory");
MODULE_LICENSE("GPL");

#include "main.initsec.h"
