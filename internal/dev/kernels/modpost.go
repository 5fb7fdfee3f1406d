package kernels

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/modpost"
)

// ModpostRun is a kernel tree's own modpost over a set of compiled objects
// (module .o files, or .ko files presented as NAME.o), run as
// scripts/Makefile.modpost runs it for an external module build
// (modpost.Invocation), in a work directory that holds the -T list and the
// Module.symvers it writes. The corpus tests and internal/dev/corpus (the
// installed-tree comparison and the benchmark) both run modpost this way.
type ModpostRun struct {
	Invocation modpost.Invocation
	Dir        string // the work directory; modpost runs there
}

// NewModpostRun lists objects (paths, one a line) in dir/modules.order and
// returns the run of kdir's modpost, as of kernel version v, over them.
// warnUnresolved passes -w (unresolved symbols are warnings).
func NewModpostRun(kdir string, v modpost.KernelVersion, dir string, objects []string, warnUnresolved bool) (*ModpostRun, error) {
	var list strings.Builder
	for _, o := range objects {
		list.WriteString(o + "\n")
	}
	listFile := filepath.Join(dir, "modules.order")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o644); err != nil {
		return nil, err
	}
	return &ModpostRun{
		Invocation: modpost.Invocation{
			KDIR: kdir, Version: v, Out: filepath.Join(dir, "Module.symvers"), List: listFile,
			WarnUnresolved: warnUnresolved,
		},
		Dir: dir,
	}, nil
}

// Command returns the modpost command; run it to time modpost alone.
func (r *ModpostRun) Command(ctx context.Context) *exec.Cmd {
	cmd := r.Invocation.Command(ctx)
	cmd.Dir = r.Dir
	return cmd
}

// Run runs modpost and returns what it printed (stdout and stderr) and its
// messages, parsed. When modpost exits non-zero the error says so, naming
// the command and quoting the end of the output, and the messages and
// output are returned too: modpost can exit non-zero after printing the
// messages a caller wants (a module without MODULE_LICENSE is an error, for
// one), and whether that is a failure is the caller's call.
func (r *ModpostRun) Run(ctx context.Context) ([]modpost.Warning, string, error) {
	cmd := r.Command(ctx)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	ws, err := modpost.Parse(bytes.NewReader(out.Bytes()))
	if err != nil {
		return nil, out.String(), err
	}
	if runErr != nil {
		return ws, out.String(), fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), runErr, tail(out.String(), 40))
	}
	return ws, out.String(), nil
}
