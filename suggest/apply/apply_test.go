package apply

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
)

func requireKernel(t *testing.T) kernels.Target {
	t.Helper()
	tg, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "kernel tree not available: %v", err)
	}
	return tg
}

// copyFixture copies testdata/NAME into a temporary directory.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if _, err := srctree.Copy(filepath.Join("testdata", name), dst, srctree.CopyOptions{Perm: true}); err != nil {
		t.Fatal(err)
	}
	return dst
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

// planFixture plans a copy of testdata/NAME with the kernel's kbuild,
// requiring that planning wrote nothing into the copy.
func planFixture(t *testing.T, name string) (*Result, string) {
	t.Helper()
	tg := requireKernel(t)
	dir := copyFixture(t, name)
	before := snapshot(t, dir)
	var log bytes.Buffer
	res, err := Plan(context.Background(), dir, Options{Kbuild: tg.Options(), Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Errorf("Plan wrote to the directory")
	}
	return res, dir
}

func TestPlanMacro(t *testing.T) {
	res, _ := planFixture(t, "macro")
	var d bytes.Buffer
	res.Diff(&d)
	t.Logf("rounds %d\n%s", res.Rounds, d.String())
	for _, s := range res.Skips {
		t.Logf("skip %+v", s)
	}
	got := map[string]string{}
	for _, e := range res.Edits {
		got[e.Symbol] = e.Text
	}
	want := map[string]string{
		"parse_opts": "__init", "parse_opts2": "__init", "leaf": "__init",
		"mac_table": "__initconst", "mac_scratch": "__initdata", "mac_teardown": "__exit",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	for _, never := range []string{"mac_open", "hook_cb", "ref_helper", "mac_exported", "mac_fops", "mac_misc", "hook"} {
		if _, ok := got[never]; ok {
			t.Errorf("%s annotated", never)
		}
	}
	for _, l := range []string{
		"+static noinline int __init parse_opts(int v)",
		"+static noinline void __init leaf(int v) { sink = v ^ 5; }",
		"+static const int mac_table[8] __initconst = { 3, 1, 4, 1, 5, 9, 2, 6 };",
		"+static int mac_scratch[16] __initdata = { 1 };",
		"+static noinline void __exit mac_teardown(int v)",
	} {
		if !strings.Contains(d.String(), l+"\n") {
			t.Errorf("diff lacks %q", l)
		}
	}
}

// TestProveMacro plans, proves with a boot, and writes.
func TestProveMacro(t *testing.T) {
	tg := requireKernel(t)
	dir := copyFixture(t, "macro")
	var log bytes.Buffer
	res, err := Plan(context.Background(), dir, Options{Kbuild: tg.Options(), Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	p, err := Prove(context.Background(), dir, res, ProveOptions{Targets: []kbuild.Options{tg.Options()}, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if p.Failed != "" {
		t.Fatalf("proof failed: %s\n%s", p.Failed, log.String())
	}
	for _, tp := range p.Targets {
		for _, m := range tp.Modules {
			t.Logf("%s %s: moved %d, init %d -> %d, core %d -> %d, boot coresize %d -> %d, pages saved %d",
				tp.Release, m.Module, m.Moved, m.InitBefore, m.InitAfter, m.CoreBefore, m.CoreAfter, m.BootCoreBefore, m.BootCoreAfter, m.PagesSaved)
			if m.Moved == 0 || !tp.Booted {
				t.Errorf("nothing moved or not booted: %+v", tp)
			}
			if m.BootSeen != "live, initsize 0, unloaded" {
				t.Errorf("%s: boot seen %q", m.Module, m.BootSeen)
			}
		}
	}
}

// applyFails runs Apply on fixture with the given proof and checks that the
// proof failed with want in its reason and left every file as it was.
func applyFails(t *testing.T, fixture string, opts Options, popts ProveOptions, want string) {
	t.Helper()
	dir := copyFixture(t, fixture)
	before := snapshot(t, dir)
	var log bytes.Buffer
	popts.Log = &log
	opts.Log = &log
	res, p, err := Apply(context.Background(), dir, opts, &popts)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(res.Edits) == 0 {
		t.Fatalf("no edit planned: the fixture no longer tests the rollback")
	}
	if p == nil || !strings.Contains(p.Failed, want) {
		t.Fatalf("proof %+v, want a failure with %q\n%s", p, want, log.String())
	}
	t.Logf("failed: %s", p.Failed)
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("files added or removed: %d -> %d", len(before), len(after))
	}
	for path, b := range before {
		if after[path] != b {
			t.Errorf("%s changed", path)
		}
	}
}

// TestApplyInitFailsAtBoot: the edited module's init fails at boot (so
// does the original's): nothing is written.
func TestApplyInitFailsAtBoot(t *testing.T) {
	tg := requireKernel(t)
	applyFails(t, "initfails", Options{Kbuild: tg.Options()}, ProveOptions{Targets: []kbuild.Options{tg.Options()}}, "boot:")
}

// TestApplyInitENODEVExpected: the module's init fails with ENODEV (no
// device) before and after, and its initsec-boot.json says it must: the
// proof passes and the edits are written. Without the file the same
// module fails the proof (TestApplyInitFailsAtBoot).
func TestApplyInitENODEVExpected(t *testing.T) {
	tg := requireKernel(t)
	dir := copyFixture(t, "initfails")
	if err := os.WriteFile(filepath.Join(dir, pipeline.BootFile), []byte(`{"init_errno":"ENODEV"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	var log bytes.Buffer
	res, p, err := Apply(context.Background(), dir, Options{Kbuild: tg.Options(), Log: &log},
		&ProveOptions{Targets: []kbuild.Options{tg.Options()}, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(res.Edits) == 0 {
		t.Fatalf("no edit planned: the fixture no longer tests the proof")
	}
	if p == nil || p.Failed != "" {
		t.Fatalf("proof %+v, want it to pass\n%s", p, log.String())
	}
	for _, tp := range p.Targets {
		if !tp.Booted || !tp.BootPassed {
			t.Errorf("%s: booted %v, passed %v", tp.Release, tp.Booted, tp.BootPassed)
		}
		for _, m := range tp.Modules {
			if m.BootSeen != "init failed with ENODEV (expected)" {
				t.Errorf("%s %s: boot seen %q", tp.Release, m.Module, m.BootSeen)
			}
		}
	}
	after := snapshot(t, dir)
	changed := 0
	for path, b := range before {
		if after[path] != b {
			changed++
		}
	}
	if changed == 0 {
		t.Errorf("the proof passed and nothing was written")
	}
}

// TestApplyBuildBreaksOnATarget: the module builds on 6.1, where the plan
// is made, and not on 6.12: nothing is written.
func TestApplyBuildBreaksOnATarget(t *testing.T) {
	t61 := requireKernel(t)
	t612, err := kernels.Find612()
	if err != nil {
		testenv.SkipOrFail(t, "6.12 tree not available: %v", err)
	}
	applyFails(t, "breaks612", Options{Kbuild: t61.Options()},
		ProveOptions{Targets: []kbuild.Options{t61.Options(), t612.Options()}, NoBoot: true}, "build as it is")
}

// TestProveBootUnknownModule: -boot naming a module the directory does
// not build fails the proof, and Apply writes nothing.
func TestProveBootUnknownModule(t *testing.T) {
	tg := requireKernel(t)
	applyFails(t, "macro", Options{Kbuild: tg.Options()},
		ProveOptions{Targets: []kbuild.Options{tg.Options()}, NoBoot: true, Boot: []string{"no-such"}}, "no module built to boot: no_such")
}

// TestPlanScriptInMakefile: a Makefile that runs a script of the module's
// directory (rtpengine's gen-rtpengine-kmod-flags) builds in Plan's and
// Prove's copies: they keep the files' permission bits.
func TestPlanScriptInMakefile(t *testing.T) {
	tg := requireKernel(t)
	dir := copyFixture(t, "genscript")
	var log bytes.Buffer
	res, err := Plan(context.Background(), dir, Options{Kbuild: tg.Options(), Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(res.Edits) != 1 || res.Edits[0].Symbol != "scale" || res.Edits[0].Text != "__init" || res.Edits[0].Line != 8 {
		t.Fatalf("edits %+v, want scale __init at line 8", res.Edits)
	}
	p, err := Prove(context.Background(), dir, res, ProveOptions{Targets: []kbuild.Options{tg.Options()}, NoBoot: true, Log: &log})
	if err != nil || p.Failed != "" {
		t.Fatalf("proof %+v, %v\n%s", p, err, log.String())
	}
}
