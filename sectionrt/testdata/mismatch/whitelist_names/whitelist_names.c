// Resident data whose names secref_whitelist() knows. 6.1 whitelists all of
// *_template, *_timer, *_sht, *_ops, *_probe, *_probe_one, *_console (data
// -> init/exit), *driver (data -> .exit without W=1), __param* (data ->
// init data), __param_ops_* (data -> .init.text); 6.12 keeps only *_ops,
// *_probe, *_console and the __param ones.
#include <linux/init.h>
#include <linux/module.h>

struct wln_ops {
	int (*setup)(void);
	void (*teardown)(void);
};

static int __init wln_setup(void) { return 0; }
static void __exit wln_teardown(void) { }
static int wln_initval __initdata = 5;

#define WLN(name) struct wln_ops name = { .setup = wln_setup, .teardown = wln_teardown }; \
	EXPORT_SYMBOL_GPL(name)

WLN(wln_template);
WLN(wln_timer);
WLN(wln_sht);
WLN(wln_ops);
WLN(wln_probe);
WLN(wln_probe_one);
WLN(wln_console);

struct wln_exit_only { void (*teardown)(void); };
struct wln_exit_only wln_driver = { .teardown = wln_teardown };
EXPORT_SYMBOL_GPL(wln_driver);

int *__param_wln_fake = &wln_initval;
EXPORT_SYMBOL_GPL(__param_wln_fake);
int (*__param_ops_wln_fake)(void) = wln_setup;
EXPORT_SYMBOL_GPL(__param_ops_wln_fake);

/* Pattern 4: a reference to __init_begin (declared by asm/sections.h). */
char __init_begin[8] __initdata;
noinline char *wln_init_begin(void) { return __init_begin; }
EXPORT_SYMBOL_GPL(wln_init_begin);

static int __init wln_init(void) { return wln_setup(); }
static void __exit wln_exit(void) { wln_teardown(); }
module_init(wln_init);
module_exit(wln_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: whitelisted symbol names");
