// Package realtrees holds initsec's tests on kernel-module trees it did not
// write: public out-of-tree repositories and directories of the kernel's
// own drivers/, vendored under testdata with their files and makefiles
// unchanged (testdata/ORIGINS.md says where each came from, at which
// commit or package version, and under which licence).
//
// For each tree the tests find its modules as kbuild does (module.Scan,
// make evaluating the unchanged Makefile against Debian's 6.1 headers),
// build it as it is and compare `initsec verify` with what the kernel's
// modpost printed in that build, convert its __init/__exit/__initdata/
// __initconst macros into directives (convert.Prove: every symbol of every
// module in the same ELF section before and after), build the converted
// copy the way `initsec build` does (pipeline.BuildAndVerify: placement
// checked against the directives) and, without -short, boot the converted
// modules with their dependencies under QEMU.
//
// rtpengine (testdata/rtpengine) is not in the table: its Makefile makes
// an included file by running a script in the directory, so evaluating it
// in place writes into testdata (and module.Scan reads two
// "initsec-obj-m:" lines from make's restart). suggest/apply's tests build
// copies of it.
//
// The package has no code of its own beyond the table of trees: it exists
// for its tests.
package realtrees

// Tree is one vendored tree and what the tests expect of it.
type Tree struct {
	Name string // directory under testdata
	// Modules is the number of modules kbuild builds there with the
	// Debian 6.1 amd64 configuration.
	Modules int
	// Objects lists, for some modules, the objects kbuild links into them
	// (paths relative to the tree), as module.Scan must report them.
	Objects map[string][]string
	// MinConverted is the least number of macros convert must rewrite.
	MinConverted int
	// What the tree exercises, for the test log and the README.
	Exercises string
}

// Trees are the vendored trees.
var Trees = []Tree{
	{
		Name:    "lkmpg",
		Modules: 42,
		Objects: map[string][]string{
			"startstop": {"start.o", "stop.o"},
			"hello-1":   {"hello-1.o"},
		},
		MinConverted: 81,
		Exercises:    "42 modules in one Makefile (startstop-objs := start.o stop.o), Makefile with its own all/clean/indent targets",
	},
	{
		Name:         "it87",
		Modules:      1,
		Objects:      map[string][]string{"it87": {"it87.o"}},
		MinConverted: 5,
		Exercises:    "obj-m = $(patsubst %,%.o,$(DRIVER)) computed by make; __initconst DMI table; depends on hwmon-vid and wmi at boot",
	},
	{
		Name:    "xpadneo",
		Modules: 1,
		Objects: map[string][]string{"hid-xpadneo": {
			"xpadneo/consumer.o", "xpadneo/core.o", "xpadneo/debug.o", "xpadneo/device.o",
			"xpadneo/events.o", "xpadneo/keyboard.o", "xpadneo/mappings.o", "xpadneo/mouse.o",
			"xpadneo/power.o", "xpadneo/quirks.o", "xpadneo/rumble.o", "xpadneo/synthetic.o",
		}},
		MinConverted: 2,
		Exercises:    "12 sources in a subdirectory (hid-xpadneo-y += xpadneo/*.o), init and exit in xpadneo/core.c; depends on hid and crc16 at boot",
	},
	{
		Name:         "hw_random",
		Modules:      4,
		MinConverted: 9,
		Exercises:    "Linux 6.1 drivers/char/hw_random: obj-$(CONFIG_...) resolved through the tree's auto.conf (4 of 42 lines are =m on amd64), __initdata",
	},
	{
		Name:    "ipmi",
		Modules: 6,
		Objects: map[string][]string{"ipmi_si": {
			"ipmi_si_intf.o", "ipmi_kcs_sm.o", "ipmi_smic_sm.o", "ipmi_bt_sm.o",
			"ipmi_si_hotmod.o", "ipmi_si_hardcode.o", "ipmi_si_platform.o",
			"ipmi_si_port_io.o", "ipmi_si_mem_io.o", "ipmi_si_pci.o",
		}},
		MinConverted: 20,
		Exercises:    "Linux 6.1 drivers/char/ipmi: six modules, ipmi_si linked from ten objects under ifdef CONFIG_PCI, __initdata module parameters",
	},
	{
		Name:         "bbswitch",
		Modules:      1,
		Objects:      map[string][]string{"bbswitch": {"bbswitch.o"}},
		MinConverted: 2,
		Exercises:    "Debian's bbswitch-dkms: a Makefile with its own Makefile mode (ifneq KERNELRELEASE), brace on the function's line",
	},
	{
		Name:    "bonding",
		Modules: 1,
		Objects: map[string][]string{"bonding": {
			"bond_main.o", "bond_3ad.o", "bond_alb.o", "bond_sysfs.o", "bond_sysfs_slave.o",
			"bond_debugfs.o", "bond_netlink.o", "bond_options.o", "bond_procfs.o",
		}},
		MinConverted: 3,
		Exercises:    "Linux 6.1 drivers/net/bonding: bonding-objs from nine objects, one through proc-$(CONFIG_PROC_FS); a global __init function (bond_netlink_init) called from another object",
	},
}
