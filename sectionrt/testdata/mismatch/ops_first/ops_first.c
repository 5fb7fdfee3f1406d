// Whitelisted data first in .data, at offset 0: on a 6.12 .ko the link puts
// the zero-size __start_alloc_tags/__stop_alloc_tags there too, a name
// modpost never saw in the .o. *_ops, *_console and *_probe pass (6.1 and
// 6.12; 7.0 dropped *_probe); a plain name after them does not.
#include <linux/init.h>
#include <linux/module.h>

struct opf_ops {
	int (*setup)(void);
	void (*teardown)(void);
};

static int __init opf_setup(void) { return 0; }
static void __exit opf_teardown(void) { }

/* Initialised, non-const: .data. gcc emits them last first, so
 * opf_bus_ops is at .data+0. */
struct opf_ops opf_plain = { .setup = opf_setup };
struct opf_ops opf_dev_probe = { .setup = opf_setup, .teardown = opf_teardown };
struct opf_ops opf_serial_console = { .setup = opf_setup, .teardown = opf_teardown };
struct opf_ops opf_bus_ops = { .setup = opf_setup, .teardown = opf_teardown };
EXPORT_SYMBOL_GPL(opf_bus_ops);
EXPORT_SYMBOL_GPL(opf_serial_console);
EXPORT_SYMBOL_GPL(opf_dev_probe);
EXPORT_SYMBOL_GPL(opf_plain);

static int __init opf_init(void) { return opf_setup(); }
static void __exit opf_exit(void) { opf_teardown(); }
module_init(opf_init);
module_exit(opf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: whitelisted data at .data+0");
