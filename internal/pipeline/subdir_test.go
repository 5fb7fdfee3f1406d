package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// TestSubdirBuiltOnce: a directory that its parent builds through
// obj-m += sub/ is found by the repository walk too, but built once, with
// the parent; its trailer is generated before that build, and its module
// is verified against its own directives.
func TestSubdirBuiltOnce(t *testing.T) {
	k, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "Debian 6.1 headers: %v", err)
	}
	t.Setenv("KDIR", k.KDIR)
	root := t.TempDir()
	parent := filepath.Join(root, "parent")
	sub := filepath.Join(parent, "sub")
	write(t, filepath.Join(parent, "Kbuild"), "obj-m += top.o sub/\n")
	write(t, filepath.Join(parent, "top.c"), `#include <linux/module.h>

//go:init-section init initcall=device
static int top_init(void) { return 0; }

MODULE_LICENSE("GPL");

#include "top.initsec.h"
`)
	write(t, filepath.Join(sub, "Kbuild"), "obj-m += leaf.o\n")
	write(t, filepath.Join(sub, "leaf.c"), `#include <linux/module.h>

//go:init-section initconst
static const char leaf_name[] = "leaf";

//go:init-section init initcall=device
static int leaf_init(void)
{
	pr_info("%s\n", leaf_name);
	return 0;
}

MODULE_LICENSE("GPL");

#include "leaf.initsec.h"
`)
	dirs, err := ModuleDirs([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(dirs, " ") != parent+" "+sub {
		t.Fatalf("ModuleDirs = %v, want the parent and sub", dirs)
	}
	var res, log strings.Builder
	s := Build(context.Background(), dirs, k.Options(), Output{Results: &res, Log: &log, Generate: "GEN", Build: "BUILD"})
	t.Logf("log:\n%s", log.String())
	if s.ExitCode() != ExitOK || s.Dirs != 1 {
		t.Fatalf("Build: exit %d over %d directories, want 0 over 1 (results: %s)", s.ExitCode(), s.Dirs, res.String())
	}
	if n := strings.Count(log.String(), "LD [M]  "+filepath.Join(sub, "leaf.ko")); n != 1 {
		t.Errorf("leaf.ko linked %d times, want once", n)
	}
	if !strings.Contains(log.String(), sub+": built with "+parent+" (obj-m += sub/ there), not on its own") {
		t.Error("the log does not say that sub was built with its parent")
	}
	if !strings.Contains(log.String(), "initsec: create "+filepath.Join(sub, "leaf.initsec.h")) {
		t.Error("sub's trailer was not generated before the parent's build")
	}
	if _, err := os.Stat(filepath.Join(sub, "leaf.ko")); err != nil {
		t.Error(err)
	}
	if res.Len() != 0 {
		t.Errorf("findings: %s", res.String())
	}
}
