#include <linux/module.h>
#include <linux/init.h>
static int __init p3_init(void) { return 0; }
module_init(p3_init);
MODULE_LICENSE("GPL");
