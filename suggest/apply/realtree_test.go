package apply

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
)

// lkmpgDiff is what suggest writes into lkmpg's examples (vendored
// unchanged in internal/dev/realtrees/testdata, 42 modules, one Makefile).
const lkmpgDiff = `diff a/procfs3.c b/procfs3.c
--- a/procfs3.c
+++ b/procfs3.c
@@ -19,7 +19,7 @@
 #define PROCFS_MAX_SIZE 2048UL
 #define PROCFS_ENTRY_FILENAME "buffer2k"
 
-static struct proc_dir_entry *our_proc_file;
+static struct proc_dir_entry *our_proc_file __initdata;
 static char procfs_buffer[PROCFS_MAX_SIZE];
 static unsigned long procfs_buffer_size = 0;
 
diff a/syscall-steal.c b/syscall-steal.c
--- a/syscall-steal.c
+++ b/syscall-steal.c
@@ -161,7 +161,7 @@
 #endif
 }
 
-static unsigned long **acquire_sys_call_table(void)
+static unsigned long **__init acquire_sys_call_table(void)
 {
 #ifdef HAVE_KSYS_CLOSE
     unsigned long int offset = PAGE_OFFSET;
`

// TestApplyProveLkmpg runs Apply with a proof on a copy of lkmpg's
// examples, a real tree we did not write: W=1 builds of all 42 modules,
// then one boot of the two the edits change (the others include GPIO
// drivers that cannot load in the guest, so ProveOptions.Boot names the
// two). It checks the symbols, the moved bytes, the boot and that what
// was written is exactly lkmpgDiff.
func TestApplyProveLkmpg(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 42 modules four times and boots a kernel under QEMU (-short)")
	}
	tg := requireKernel(t)
	if _, err := boottest.FindKernel(tg.Release); err != nil {
		testenv.SkipOrFail(t, "needs linux-image-%s: %v", tg.Release, err)
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		testenv.SkipOrFail(t, "needs qemu-system-x86: %v", err)
	}
	orig := filepath.Join("..", "..", "internal", "dev", "realtrees", "testdata", "lkmpg")
	dir := filepath.Join(t.TempDir(), "lkmpg")
	if _, err := srctree.Copy(orig, dir, srctree.CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	var log bytes.Buffer
	kopts := tg.Options()
	kopts.Jobs = 2
	res, p, err := Apply(context.Background(), dir, Options{Kbuild: kopts, Log: &log},
		&ProveOptions{Targets: []kbuild.Options{kopts}, Boot: []string{"procfs3", "syscall-steal"}, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if p == nil || p.Failed != "" {
		t.Fatalf("proof %+v\n%s", p, log.String())
	}

	got := map[string]string{}
	for _, e := range res.Edits {
		got[e.Symbol] = e.Text
	}
	want := map[string]string{"our_proc_file": "__initdata", "acquire_sys_call_table": "__init"}
	if len(got) != len(want) {
		t.Errorf("edits %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	var d bytes.Buffer
	if err := res.Diff(&d); err != nil {
		t.Fatal(err)
	}
	if d.String() != lkmpgDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d.String(), lkmpgDiff)
	}

	// Written: exactly the diff's two lines, nothing else.
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("files added or removed: %d -> %d", len(before), len(after))
	}
	edited := map[string][2]string{
		"procfs3.c":       {"static struct proc_dir_entry *our_proc_file;\n", "static struct proc_dir_entry *our_proc_file __initdata;\n"},
		"syscall-steal.c": {"static unsigned long **acquire_sys_call_table(void)\n", "static unsigned long **__init acquire_sys_call_table(void)\n"},
	}
	for path, b := range before {
		w := b
		if e, ok := edited[filepath.Base(path)]; ok {
			if strings.Count(b, e[0]) != 1 {
				t.Fatalf("%s: the original no longer has %q once", path, e[0])
			}
			w = strings.Replace(b, e[0], e[1], 1)
		}
		if after[path] != w {
			t.Errorf("%s: not as the diff says", path)
		}
	}

	moved := map[string]uint64{"procfs3": 8, "syscall-steal": 134}
	for _, tp := range p.Targets {
		if !tp.Booted || !tp.BootPassed {
			t.Errorf("%s: booted %v, passed %v", tp.Release, tp.Booted, tp.BootPassed)
		}
		if len(tp.Modules) != 42 {
			t.Errorf("%s: %d modules measured, want 42", tp.Release, len(tp.Modules))
		}
		for _, m := range tp.Modules {
			w, named := moved[m.Module]
			if m.Moved != w || m.NotBooted == named {
				t.Errorf("%s %s: moved %d (want %d), not booted %v", tp.Release, m.Module, m.Moved, w, m.NotBooted)
			}
			if named {
				t.Logf("%s %s: moved %d, init %d -> %d, core %d -> %d, boot coresize %d -> %d, pages saved %d",
					tp.Release, m.Module, m.Moved, m.InitBefore, m.InitAfter, m.CoreBefore, m.CoreAfter, m.BootCoreBefore, m.BootCoreAfter, m.PagesSaved)
				if m.BootCoreBefore == 0 || m.BootCoreAfter == 0 {
					t.Errorf("%s: no coresize from the guest", m.Module)
				}
			}
		}
	}
}
