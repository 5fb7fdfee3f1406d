package apply

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
)

// dccpDiff is what suggest writes into Linux 6.1's net/dccp (Debian's
// linux-source-6.1, vendored unchanged in internal/dev/realtrees/testdata:
// four modules from one Makefile, dccp linked from 17 objects).
const dccpDiff = `diff a/ccid.c b/ccid.c
--- a/ccid.c
+++ b/ccid.c
@@ -76,7 +76,7 @@
 	return err;
 }
 
-static __printf(3, 4) struct kmem_cache *ccid_kmem_cache_create(int obj_size, char *slab_name_fmt, const char *fmt,...)
+static __printf(3, 4) struct kmem_cache *__init ccid_kmem_cache_create(int obj_size, char *slab_name_fmt, const char *fmt,...)
 {
 	struct kmem_cache *slab;
 	va_list args;
`

// TestApplyProveDccp runs Apply with a proof on a copy of the kernel's
// DCCP directory, a real multi-module tree we did not write: W=1 builds of
// its four modules, then one boot of the module the edit changes (named by
// ProveOptions.Boot; the other three are built and measured, not booted:
// the kernel refuses to unload dccp_ipv4 and dccp_ipv6, whose control
// sockets hold their own module, and the proof requires the unload).
// ccid_kmem_cache_create is only called by ccid_initialize_builtins, an
// __init function. It checks the symbol, the moved bytes, the boot and
// that what was written is exactly dccpDiff.
func TestApplyProveDccp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four modules four times and boots a kernel under QEMU (-short)")
	}
	tg := requireKernel(t)
	if _, err := boottest.FindKernel(tg.Release); err != nil {
		testenv.SkipOrFail(t, "needs linux-image-%s: %v", tg.Release, err)
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		testenv.SkipOrFail(t, "needs qemu-system-x86: %v", err)
	}
	orig := filepath.Join("..", "..", "internal", "dev", "realtrees", "testdata", "dccp")
	dir := filepath.Join(t.TempDir(), "dccp")
	if _, err := srctree.Copy(orig, dir, srctree.CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	var log bytes.Buffer
	kopts := tg.Options()
	kopts.Jobs = 2
	res, p, err := Apply(context.Background(), dir, Options{Kbuild: kopts, Log: &log},
		&ProveOptions{Targets: []kbuild.Options{kopts}, Boot: []string{"dccp"}, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if p == nil || p.Failed != "" {
		t.Fatalf("proof %+v\n%s", p, log.String())
	}

	if len(res.Edits) != 1 || res.Edits[0].Symbol != "ccid_kmem_cache_create" || res.Edits[0].Text != "__init" {
		t.Errorf("edits %+v, want ccid_kmem_cache_create __init", res.Edits)
	}
	var d bytes.Buffer
	if err := res.Diff(&d); err != nil {
		t.Fatal(err)
	}
	if d.String() != dccpDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d.String(), dccpDiff)
	}
	// Written: exactly the diff's line, nothing else.
	checkWritten(t, before, snapshot(t, dir), map[string][2]string{"ccid.c": {
		"static __printf(3, 4) struct kmem_cache *ccid_kmem_cache_create(int obj_size, char *slab_name_fmt, const char *fmt,...)\n",
		"static __printf(3, 4) struct kmem_cache *__init ccid_kmem_cache_create(int obj_size, char *slab_name_fmt, const char *fmt,...)\n"}})

	moved := map[string]uint64{"dccp": 162}
	for _, tp := range p.Targets {
		if !tp.Booted || !tp.BootPassed {
			t.Errorf("%s: booted %v, passed %v", tp.Release, tp.Booted, tp.BootPassed)
		}
		if len(tp.Modules) != 4 {
			t.Errorf("%s: %d modules measured, want 4", tp.Release, len(tp.Modules))
		}
		for _, m := range tp.Modules {
			w, named := moved[m.Module]
			if m.Moved != w || m.NotBooted == named {
				t.Errorf("%s %s: moved %d (want %d), not booted %v", tp.Release, m.Module, m.Moved, w, m.NotBooted)
			}
			if named {
				t.Logf("%s %s: moved %d, init %d -> %d, core %d -> %d, pages %d -> %d, boot coresize %d -> %d, pages saved %d, %s",
					tp.Release, m.Module, m.Moved, m.InitBefore, m.InitAfter, m.CoreBefore, m.CoreAfter,
					m.Before.CorePages, m.After.CorePages, m.BootCoreBefore, m.BootCoreAfter, m.PagesSaved, m.BootSeen)
				if m.BootSeen != seenLive {
					t.Errorf("%s: the guest saw %q, want %q", m.Module, m.BootSeen, seenLive)
				}
				if m.BootCoreBefore != int64(m.Before.CorePages)*4096 || m.BootCoreAfter != int64(m.After.CorePages)*4096 || m.PagesSaved != 1 {
					t.Errorf("%s: guest coresize %d -> %d, predicted %d -> %d pages, %d saved (want 1)",
						m.Module, m.BootCoreBefore, m.BootCoreAfter, m.Before.CorePages, m.After.CorePages, m.PagesSaved)
				}
			}
		}
	}
}

// realTarget is one kernel a real tree is proved on, and what the proof
// must show there for the tree's one module.
type realTarget struct {
	find func() (kernels.Target, error)
	// moved is ModuleProof.Moved (init bytes); exit the growth of the
	// .exit sections.
	moved, exit uint64
	seen        string // ModuleProof.BootSeen
}

// realTree is a vendored tree (internal/dev/realtrees/testdata) with one
// module (or modules, one of which has edits) and what suggest -apply
// -prove must do with it.
type realTree struct {
	name string
	sub  string   // Options.Sub: the module's directory in the tree ("": the tree)
	vars []string // kbuild.Options.Vars of every target
	// modules is how many modules the tree builds (0: one); module the
	// one the targets' numbers are for, the others must move nothing.
	modules  int
	module   string
	bootFile string // initsec-boot.json written into the copy ("": none)
	targets  []realTarget
	// diff is Result.Diff; edited the text the write changes in each
	// file (file: old, new).
	diff   string
	edited map[string][2]string
	// undone are the symbols whose edits the next build rejected with a
	// section mismatch (Skips naming one), sorted.
	undone []string
}

// applyProveTree runs Apply with a proof on a copy of rt's tree and checks
// the diff, the files written, and each target's proof.
func applyProveTree(t *testing.T, rt realTree) {
	if testing.Short() {
		t.Skip("builds a real tree four times per target and boots it under QEMU (-short)")
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		testenv.SkipOrFail(t, "needs qemu-system-x86: %v", err)
	}
	var targets []kbuild.Options
	for _, rtg := range rt.targets {
		tg, err := rtg.find()
		if err != nil {
			testenv.SkipOrFail(t, "kernel tree not available: %v", err)
		}
		if _, err := boottest.FindKernel(tg.Release); err != nil {
			testenv.SkipOrFail(t, "needs linux-image-%s: %v", tg.Release, err)
		}
		o := tg.Options()
		o.Jobs = 2
		o.Vars = rt.vars
		targets = append(targets, o)
	}
	orig := filepath.Join("..", "..", "internal", "dev", "realtrees", "testdata", rt.name)
	dir := filepath.Join(t.TempDir(), rt.name)
	if _, err := srctree.Copy(orig, dir, srctree.CopyOptions{Perm: true}); err != nil {
		t.Fatal(err)
	}
	if rt.bootFile != "" {
		if err := os.WriteFile(filepath.Join(dir, rt.sub, pipeline.BootFile), []byte(rt.bootFile), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, dir)
	var log bytes.Buffer
	// Planned with the first target's kbuild, as -kdir does.
	res, p, err := Apply(context.Background(), dir, Options{Kbuild: targets[0], Log: &log, Sub: rt.sub},
		&ProveOptions{Targets: targets, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if p == nil || p.Failed != "" {
		t.Fatalf("proof %+v\n%s", p, log.String())
	}
	var d bytes.Buffer
	if err := res.Diff(&d); err != nil {
		t.Fatal(err)
	}
	if d.String() != rt.diff {
		t.Errorf("diff:\n%s\nwant:\n%s", d.String(), rt.diff)
	}
	checkWritten(t, before, snapshot(t, dir), rt.edited)
	var undone []string
	for _, s := range res.Skips {
		if strings.Contains(s.Why, "section mismatch") {
			undone = append(undone, s.Symbol)
		}
	}
	slices.Sort(undone)
	if !slices.Equal(undone, rt.undone) {
		t.Errorf("undone %v, want %v; skips %+v", undone, rt.undone, res.Skips)
	}

	if len(p.Targets) != len(rt.targets) {
		t.Fatalf("%d targets proved, want %d", len(p.Targets), len(rt.targets))
	}
	for i, tp := range p.Targets {
		want := rt.targets[i]
		if !tp.Booted || !tp.BootPassed || len(tp.Modules) != max(rt.modules, 1) {
			t.Errorf("%s: booted %v, passed %v, %d modules", tp.Release, tp.Booted, tp.BootPassed, len(tp.Modules))
			continue
		}
		m := tp.Modules[0]
		for _, o := range tp.Modules {
			switch {
			case o.Module == rt.module:
				m = o
			case rt.module != "" && (o.Moved != 0 || o.After.Exit != o.Before.Exit || o.BootSeen != want.seen):
				t.Errorf("%s %s: moved %d, exit %d -> %d, %s; want nothing moved", tp.Release, o.Module, o.Moved, o.Before.Exit, o.After.Exit, o.BootSeen)
			}
		}
		t.Logf("%s %s: moved %d, exit %d -> %d, init %d -> %d, core %d -> %d, pages %d -> %d (saved %d), boot coresize %d -> %d, %s",
			tp.Release, m.Module, m.Moved, m.Before.Exit, m.After.Exit, m.InitBefore, m.InitAfter, m.CoreBefore, m.CoreAfter,
			m.Before.CorePages, m.After.CorePages, m.PagesSaved, m.BootCoreBefore, m.BootCoreAfter, m.BootSeen)
		if m.Moved != want.moved || m.After.Exit-m.Before.Exit != want.exit {
			t.Errorf("%s: moved %d init and %d exit bytes, want %d and %d", tp.Release, m.Moved, m.After.Exit-m.Before.Exit, want.moved, want.exit)
		}
		if m.BootSeen != want.seen {
			t.Errorf("%s: the guest saw %q, want %q", tp.Release, m.BootSeen, want.seen)
		}
		if m.PagesSaved != int64(m.Before.CorePages)-int64(m.After.CorePages) {
			t.Errorf("%s: pages saved %d, core pages %d -> %d", tp.Release, m.PagesSaved, m.Before.CorePages, m.After.CorePages)
		}
		if want.seen == seenLive && (m.BootCoreBefore != int64(m.Before.CorePages)*4096 || m.BootCoreAfter != int64(m.After.CorePages)*4096) {
			t.Errorf("%s: guest coresize %d -> %d, predicted %d -> %d pages", tp.Release, m.BootCoreBefore, m.BootCoreAfter, m.Before.CorePages, m.After.CorePages)
		}
	}
}

const seenLive = "live, initsize 0, unloaded"

// checkWritten requires after to be before with exactly the edited lines
// changed, once each; a key of edited names the file by its base name,
// or by more of its path's tail ("common/atomic_config.c") where the base
// name is not unique.
func checkWritten(t *testing.T, before, after map[string]string, edited map[string][2]string) {
	t.Helper()
	if len(after) != len(before) {
		t.Errorf("files added or removed: %d -> %d", len(before), len(after))
	}
	for path, b := range before {
		w := b
		for k, e := range edited {
			if !strings.HasSuffix(filepath.ToSlash(path), "/"+k) {
				continue
			}
			if strings.Count(b, e[0]) != 1 {
				t.Fatalf("%s: the original no longer has %q once", path, e[0])
			}
			w = strings.Replace(b, e[0], e[1], 1)
		}
		if after[path] != w {
			t.Errorf("%s: not as the diff says", path)
		}
	}
}

// TestApplyProveBonding: the kernel's bonding driver (Debian's
// linux-source-6.1, drivers/net/bonding, eight objects, Makefile
// unchanged), built out of tree: bond_check_params (2,848 bytes) is only
// called by bonding_init, and the global bond_opt_get (bond_options.c)
// only by bond_check_params (30 more bytes); bond_create_debugfs (an
// empty stub with Debian's CONFIG_NET_NS) has a definition in each #if
// branch of bond_debugfs.c, so it is not written. The module loads in the
// guest (it makes bond0), goes live, frees its init and unloads. 6.1
// only: these sources do not build against 6.12's headers.
func TestApplyProveBonding(t *testing.T) {
	applyProveTree(t, realTree{
		name:    "bonding",
		targets: []realTarget{{find: kernels.Find61, moved: 2879, seen: seenLive}},
		diff: `diff a/bond_main.c b/bond_main.c
--- a/bond_main.c
+++ b/bond_main.c
@@ -6081,7 +6081,7 @@
 
 /*------------------------- Module initialization ---------------------------*/
 
-static int bond_check_params(struct bond_params *params)
+static int __init bond_check_params(struct bond_params *params)
 {
 	int arp_validate_value, fail_over_mac_value, primary_reselect_value, i;
 	struct bond_opt_value newval;
diff a/bond_options.c b/bond_options.c
--- a/bond_options.c
+++ b/bond_options.c
@@ -869,7 +869,7 @@
  * This function checks if option is valid and if so returns a pointer
  * to its entry in the bond_opts[] option array.
  */
-const struct bond_option *bond_opt_get(unsigned int option)
+const struct bond_option *__init bond_opt_get(unsigned int option)
 {
 	if (!BOND_OPT_VALID(option))
 		return NULL;
`,
		edited: map[string][2]string{
			"bond_main.c": {
				"static int bond_check_params(struct bond_params *params)\n",
				"static int __init bond_check_params(struct bond_params *params)\n"},
			"bond_options.c": {
				"const struct bond_option *bond_opt_get(unsigned int option)\n",
				"const struct bond_option *__init bond_opt_get(unsigned int option)\n"}},
	})
}

// TestApplyProveRtpengine: rtpengine's kernel module (Debian's
// rtpengine-kernel-dkms, one 6,700-line file, a Makefile that runs a
// script of its directory): auto_array_free is only called by the module's
// exit function, so it becomes __exit (suggest counts 139 bytes on 6.1 and
// 144 on 6.12; as __exit, which is also cold, gcc emits 134 and 160). With CONFIG_MODULE_UNLOAD exit code
// stays resident, so no init bytes move and no page is saved; the proof is
// that both builds load, go live and unload on both series.
func TestApplyProveRtpengine(t *testing.T) {
	applyProveTree(t, realTree{
		name: "rtpengine",
		targets: []realTarget{
			{find: kernels.Find61, exit: 134, seen: seenLive},
			{find: kernels.Find612, exit: 160, seen: seenLive},
		},
		diff: `diff a/xt_RTPENGINE.c b/xt_RTPENGINE.c
--- a/xt_RTPENGINE.c
+++ b/xt_RTPENGINE.c
@@ -817,7 +817,7 @@
 	DBG("popped %u from free list\n", ret);
 	return ret;
 }
-static void auto_array_free(struct re_auto_array *a) {
+static void __exit auto_array_free(struct re_auto_array *a) {
 
 	if (a->array)
 		kfree(a->array);
`,
		edited: map[string][2]string{"xt_RTPENGINE.c": {
			"static void auto_array_free(struct re_auto_array *a) {\n",
			"static void __exit auto_array_free(struct re_auto_array *a) {\n"}},
	})
}

// TestApplyProveBbswitch: bbswitch (Debian's bbswitch-dkms): has_dsm_func
// (119 bytes with 6.1's headers) is only called by bbswitch_init. There
// is no discrete GPU under QEMU, so init fails with ENODEV before and after
// (initsec-boot.json says so); the module never goes live. With 6.12's
// headers gcc inlines has_dsm_func into bbswitch_init: nothing moves there.
func TestApplyProveBbswitch(t *testing.T) {
	const seen = "init failed with ENODEV (expected)"
	applyProveTree(t, realTree{
		name:     "bbswitch",
		bootFile: `{"init_errno": "ENODEV"}` + "\n",
		targets: []realTarget{
			{find: kernels.Find61, moved: 119, seen: seen},
			{find: kernels.Find612, seen: seen},
		},
		diff: `diff a/bbswitch.c b/bbswitch.c
--- a/bbswitch.c
+++ b/bbswitch.c
@@ -174,7 +174,7 @@
 }
 
 // Returns 1 if a _DSM function and its function index exists and 0 otherwise
-static int has_dsm_func(const char muid[16], int revid, int sfnc) {
+static int __init has_dsm_func(const char muid[16], int revid, int sfnc) {
     u32 result = 0;
 
     // fail if the _DSM call failed
`,
		edited: map[string][2]string{"bbswitch.c": {
			"static int has_dsm_func(const char muid[16], int revid, int sfnc) {\n",
			"static int __init has_dsm_func(const char muid[16], int revid, int sfnc) {\n"}},
	})
}
