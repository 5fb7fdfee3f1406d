package modpost

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
)

// Invocation is one run of a kernel build directory's own modpost binary
// (KDIR/scripts/mod/modpost) over objects that kbuild has compiled, with
// the flags scripts/Makefile.modpost gives it for an external module build
// of Version (6.1, 6.12) on a distribution kernel (CONFIG_MODULES=y,
// CONFIG_MODVERSIONS=y, CONFIG_SECTION_MISMATCH_WARN_ONLY=y, so no -E:
// section mismatches are warnings).
type Invocation struct {
	KDIR    string
	Version KernelVersion
	Out     string // -o: the Module.symvers modpost writes
	List    string // -T: the file listing the objects (NAME.o), one a line
	// WarnUnresolved passes -w: an unresolved symbol is a warning, as
	// kbuild has it when the module has no Module.symvers of its own.
	WarnUnresolved bool
}

// Path is the modpost binary of KDIR.
func (in Invocation) Path() string { return filepath.Join(in.KDIR, "scripts", "mod", "modpost") }

// Args returns modpost's arguments, in Makefile.modpost's order: -M from
// 6.6 on ($(if $(CONFIG_MODULES),-M)), -m ($(CONFIG_MODVERSIONS)), -e
// (external module: unresolved symbols are checked), -i
// KDIR/Module.symvers when the tree has one, -o Out, -w when
// WarnUnresolved, and -T List.
func (in Invocation) Args() []string {
	var args []string
	if !in.Version.Less(KernelVersion{Version: 6, PatchLevel: 6}) {
		args = append(args, "-M")
	}
	args = append(args, "-m", "-e")
	if symvers := filepath.Join(in.KDIR, "Module.symvers"); exists(symvers) {
		args = append(args, "-i", symvers)
	}
	args = append(args, "-o", in.Out)
	if in.WarnUnresolved {
		args = append(args, "-w")
	}
	return append(args, "-T", in.List)
}

// Command returns the command that runs the Invocation.
func (in Invocation) Command(ctx context.Context) *exec.Cmd {
	return exec.CommandContext(ctx, in.Path(), in.Args()...)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
