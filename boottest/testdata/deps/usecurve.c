// SPDX-License-Identifier: GPL-2.0
/*
 * usecurve calls curve25519_base_arch(), exported by
 * arch/x86/crypto/curve25519-x86_64.ko, which itself needs
 * lib/crypto/libcurve25519-generic.ko: a dependency with a dependency, both
 * modules in Debian's kernel.
 */
#include <crypto/curve25519.h>
#include <linux/init.h>
#include <linux/module.h>

static const u8 usecurve_secret[CURVE25519_KEY_SIZE] __initconst = {
	0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72,
	0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a,
	0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x6a,
};

static int __init usecurve_init(void)
{
	u8 secret[CURVE25519_KEY_SIZE], pub[CURVE25519_KEY_SIZE];

	memcpy(secret, usecurve_secret, sizeof(secret));
	curve25519_clamp_secret(secret);
	curve25519_base_arch(pub, secret);
	/* RFC 7748 6.1: Alice's public key starts 85 20 f0 09. */
	pr_info("usecurve: public key %*phN\n", 4, pub);
	return 0;
}

static void __exit usecurve_exit(void)
{
	pr_info("usecurve: exit\n");
}

module_init(usecurve_init);
module_exit(usecurve_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("boottest fixture: needs curve25519-x86_64.ko and, through it, libcurve25519-generic.ko");
