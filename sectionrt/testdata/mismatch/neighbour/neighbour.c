// Two small __initdata objects read from resident code: the relocation
// names .init.data plus an offset, and modpost's nearest-symbol search
// names the object before the one really read.
#include <linux/init.h>
#include <linux/module.h>

static int nb_second __initdata = 2;
static int nb_first __initdata = 1;

noinline int nb_read_second(void)
{
	return READ_ONCE(nb_second);
}
EXPORT_SYMBOL_GPL(nb_read_second);

static int __init nb_init(void)
{
	return nb_first + nb_read_second() == 3 ? 0 : -EINVAL;
}

module_init(nb_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: target named by a neighbour");
