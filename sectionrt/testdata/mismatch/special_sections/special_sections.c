// Sections with their own rules: .head.text -> init (whitelisted, pattern
// 3), a *.constprop.* text symbol -> init (pattern 5), .meminit.text ->
// .init.text (6.1's XXXINIT_TO_SOME_INIT), *driver data -> .meminit (6.1
// whitelist), a .pci_fixup_header entry -> .init.text, and an __ex_table
// entry pointing into an executable section that is not a text section.
#include <linux/init.h>
#include <linux/module.h>
#include <linux/pci.h>

static noinline int __init sps_setup(void)
{
	return 2;
}

noinline __section(".head.text") int sps_head(void)
{
	return sps_setup();
}
EXPORT_SYMBOL_GPL(sps_head);

/* A resident function whose symbol looks like a gcc clone. */
int sps_constprop(void) __asm__("sps_helper.constprop.0");
__used noinline int sps_constprop(void)
{
	return sps_setup();
}

noinline __section(".meminit.text") int sps_hotplug(void)
{
	return sps_setup();
}

struct sps_driver_s { int (*add)(void); };
struct sps_driver_s sps_driver = { .add = sps_hotplug };
EXPORT_SYMBOL_GPL(sps_driver);

static void __init sps_quirk(struct pci_dev *dev)
{
}
DECLARE_PCI_FIXUP_HEADER(0x1234, 0x5678, sps_quirk);

asm(".pushsection .sps_fixup,\"ax\"\n"
    "sps_fixup_target: .byte 0x90\n"
    ".popsection\n"
    ".pushsection __ex_table,\"a\"\n"
    ".balign 4\n"
    ".long sps_fixup_target - .\n"
    ".long sps_fixup_target - .\n"
    ".long 0\n"
    ".popsection\n");

static int __init sps_init(void)
{
	return sps_hotplug() ? 0 : -EINVAL;
}

module_init(sps_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: special sections");
