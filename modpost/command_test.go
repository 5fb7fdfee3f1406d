package modpost

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestInvocationArgs(t *testing.T) {
	kdir := t.TempDir()
	in := Invocation{KDIR: kdir, Out: "/w/Module.symvers", List: "/w/modules.order"}
	for _, tt := range []struct {
		v    KernelVersion
		warn bool
		want []string
	}{
		{KernelVersion{6, 1, 192}, true, []string{"-m", "-e", "-o", "/w/Module.symvers", "-w", "-T", "/w/modules.order"}},
		{KernelVersion{6, 5, 0}, false, []string{"-m", "-e", "-o", "/w/Module.symvers", "-T", "/w/modules.order"}},
		{KernelVersion{6, 6, 0}, false, []string{"-M", "-m", "-e", "-o", "/w/Module.symvers", "-T", "/w/modules.order"}},
	} {
		in.Version, in.WarnUnresolved = tt.v, tt.warn
		if got := in.Args(); !slices.Equal(got, tt.want) {
			t.Errorf("%v warn=%v: Args() = %q, want %q", tt.v, tt.warn, got, tt.want)
		}
	}

	// The tree's own Module.symvers is read when it has one.
	symvers := filepath.Join(kdir, "Module.symvers")
	if err := os.WriteFile(symvers, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	in.Version, in.WarnUnresolved = KernelVersion{6, 12, 117}, false
	want := []string{"-M", "-m", "-e", "-i", symvers, "-o", "/w/Module.symvers", "-T", "/w/modules.order"}
	if got := in.Args(); !slices.Equal(got, want) {
		t.Errorf("Args() = %q, want %q", got, want)
	}
	cmd := in.Command(t.Context())
	if cmd.Path != filepath.Join(kdir, "scripts", "mod", "modpost") || !slices.Equal(cmd.Args[1:], want) {
		t.Errorf("Command() = %s %q", cmd.Path, cmd.Args)
	}
}
