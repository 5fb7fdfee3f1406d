// Package realtrees holds initsec's tests on kernel-module trees it did not
// write: out-of-tree modules of Debian's *-dkms packages and directories
// of the kernel's own sources (Debian's linux-source-6.1), vendored under
// testdata with their files and makefiles unchanged (testdata/ORIGINS.md
// says which package and version each came from, and under which
// licence).
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
		Name:    "nls",
		Modules: 51,
		Objects: map[string][]string{
			"nls_cp437":     {"nls_cp437.o"},
			"nls_iso8859-1": {"nls_iso8859-1.o"},
			"mac-roman":     {"mac-roman.o"},
		},
		MinConverted: 102,
		Exercises:    "Linux 6.1 fs/nls: 51 modules from one Makefile (every obj-$(CONFIG_NLS_...) line =m in Debian's amd64 auto.conf, nls_base built in)",
	},
	{
		Name:    "tp_smapi",
		Modules: 2,
		Objects: map[string][]string{
			"thinkpad_ec": {"thinkpad_ec.o"},
			"tp_smapi":    {"tp_smapi.o"},
		},
		MinConverted: 8,
		Exercises:    "Debian's tp-smapi-dkms: obj-m := $(TP_MODULES) computed by make (hdaps.o only with HDAPS=1); thinkpad_ec's init fails with ENODEV off a ThinkPad; tp_smapi needs thinkpad_ec",
	},
	{
		Name:    "dccp",
		Modules: 4,
		Objects: map[string][]string{
			"dccp": {
				"ccid.o", "feat.o", "input.o", "minisocks.o", "options.o", "output.o", "proto.o", "timer.o",
				"qpolicy.o", "ccids/ccid2.o", "ackvec.o", "ccids/ccid3.o", "ccids/lib/tfrc.o",
				"ccids/lib/tfrc_equation.o", "ccids/lib/packet_history.o", "ccids/lib/loss_interval.o", "sysctl.o",
			},
			"dccp_diag": {"diag.o"},
		},
		MinConverted: 18,
		Exercises:    "Linux 6.1 net/dccp: dccp linked from 17 objects, five of them in ccids/ and ccids/lib/; four modules; dccp_diag needs inet_diag from the kernel and dccp at boot",
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
