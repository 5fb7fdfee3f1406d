package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestModuleDirs(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a", "Kbuild"), "obj-m += a.o\n")
	write(t, filepath.Join(root, "b", "c", "Makefile"), "obj-m := c.o\n")
	write(t, filepath.Join(root, "b", "notmod", "Makefile"), "all:\n\techo\n")
	write(t, filepath.Join(root, ".hidden", "Kbuild"), "obj-m += h.o\n")
	write(t, filepath.Join(root, "testdata", "Kbuild"), "obj-m += t.o\n")
	got, err := ModuleDirs([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "a"), filepath.Join(root, "b", "c")}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ModuleDirs = %v, want %v", got, want)
	}
	// A module directory given directly is kept as is.
	if got, _ := ModuleDirs([]string{filepath.Join(root, "a")}); len(got) != 1 || got[0] != filepath.Join(root, "a") {
		t.Errorf("ModuleDirs(a) = %v", got)
	}
	if _, err := ModuleDirs([]string{filepath.Join(root, "b", "notmod")}); err == nil || !strings.Contains(err.Error(), "no module directory") {
		t.Errorf("ModuleDirs(notmod) error = %v", err)
	}
	// A symbolic link to a directory of modules is searched like the
	// directory (filepath.WalkDir alone does not follow a root link).
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(root, "b"), link); err != nil {
		t.Fatal(err)
	}
	got, err = ModuleDirs([]string{link})
	if err != nil || len(got) != 1 || got[0] != filepath.Join(link, "c") {
		t.Errorf("ModuleDirs(link to b) = %v, %v; want [%s]", got, err, filepath.Join(link, "c"))
	}
}

func TestReadBootExpect(t *testing.T) {
	dir := t.TempDir()
	e, err := readBootExpect(dir)
	if err != nil || !reflect.DeepEqual(e, BootExpect{}) {
		t.Fatalf("no file: %+v, %v", e, err)
	}
	write(t, filepath.Join(dir, BootFile), `{"init_message":"x: up","init_errno":"ENODEV"}`)
	e, err = readBootExpect(dir)
	if err != nil || e.InitMessage != "x: up" || errnos[e.InitErrno] != syscall.ENODEV {
		t.Fatalf("got %+v, %v", e, err)
	}
	name := filepath.Join(dir, BootFile)
	for _, tc := range []struct{ bad, want string }{
		{`{"init_errno":"EWHAT"}`, name + `: unknown init_errno "EWHAT" (hint: one of EBUSY, EEXIST,`},
		{`{"typo":1}`, name + `: json: unknown field "typo" (hint: one object with keys init_message,`},
		{"{\n  \"init_message\": \"a\",\n  \"exit_message\": 3\n}", name + ":3:19: json: cannot unmarshal number"},
		{"{\n  \"init_message\" \"a\"}", name + ":2:18: invalid character"},
		{`{`, name + ":1:2: unexpected EOF"},
		{`{"init_message":"a"} {"init_message":"b"}`, name + ":1:22: unexpected text after the JSON object"},
	} {
		write(t, name, tc.bad)
		if _, err := readBootExpect(dir); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one starting %q", tc.bad, err, tc.want)
		}
	}
}

// TestBuildAndVerifyMismatch builds, with the real kbuild and mismatches
// made non-fatal, a module whose resident data points at an init function:
// verify must still report it, naming both symbols, as not failing.
func TestBuildAndVerifyMismatch(t *testing.T) {
	kdir, err := kbuild.FindKDIR()
	if err != nil {
		testenv.SkipOrFail(t, "no kernel build directory: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "bad")
	write(t, filepath.Join(dir, "Kbuild"), "obj-m += bad.o\ninclude $(src)/Kbuild.initsec\n")
	write(t, filepath.Join(dir, "bad.c"), `#include <linux/module.h>

//go:init-section init
static int bad_setup(void)
{
	return 0;
}

/* Resident, and still pointing at bad_setup after init memory is freed. */
int (*bad_hook)(void) = bad_setup;

//go:init-section init initcall=device
static int bad_init(void)
{
	return bad_hook ? 0 : -1;
}

MODULE_LICENSE("GPL");

#include "bad.initsec.h"
`)
	var log strings.Builder
	res, err := BuildAndVerify(context.Background(), dir, kbuild.Options{KDIR: kdir, MismatchWarnOnly: true}, &log)
	if err != nil {
		t.Fatalf("BuildAndVerify: %v\n%s", err, log.String())
	}
	var found bool
	for _, f := range res.Findings {
		if f.Rule == "mismatch/data-to-init" && f.Ref != nil && f.Ref.FromSym == "bad_hook" && f.Ref.ToSym == "bad_setup" {
			found = true
		}
	}
	if !found || res.Failing() != 0 {
		t.Errorf("findings %v (%d failing): want mismatch/data-to-init bad_hook -> bad_setup, not failing with MismatchWarnOnly", res.Findings, res.Failing())
	}
	// With mismatches fatal (the default), kbuild's own modpost stops the
	// build; the .o it read is checked instead, and the finding fails.
	log.Reset()
	res, err = BuildAndVerify(context.Background(), dir, kbuild.Options{KDIR: kdir}, &log)
	if err != nil {
		t.Fatalf("BuildAndVerify with fatal mismatches: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "Section mismatches detected") || !res.ModpostFailed {
		t.Errorf("build went through (ModpostFailed %v), not stopped by modpost's section mismatch:\n%s", res.ModpostFailed, log.String())
	}
	if res.Failing() == 0 || len(res.Objects) != 1 || !strings.HasSuffix(res.Objects[0], "bad.o") {
		t.Errorf("objects %v, findings %v: want bad.o checked, with a failing finding", res.Objects, res.Findings)
	}
}

// TestBuildExitStatus: `initsec build` (pipeline.Build) exits 1 on every
// section-mismatch finding modpost printed at build time, on each
// installed series: a data -> init reference (fatal in modpost, so the
// build stops there and the .o is checked) and EXPORT_SYMBOL of an __init
// function (6.1 fatal; 6.12 only warns, so the .ko is linked and checked).
// With -mismatch-warn-only the findings are still printed, and exit 0.
func TestBuildExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds modules with kbuild")
	}
	for _, tc := range []struct {
		series string
		find   func() (kernels.Target, error)
	}{
		{"6.1", kernels.Find61},
		{"6.12", kernels.Find612},
	} {
		t.Run(tc.series, func(t *testing.T) {
			tg, err := tc.find()
			if err != nil {
				testenv.SkipOrFail(t, "kernel tree not available: %v", err)
			}
			root := t.TempDir()
			dirs := map[string]string{
				"datainit": "int (*di_hook)(void) = di_setup;\n",
				"expinit":  "EXPORT_SYMBOL(di_setup);\n",
			}
			var paths []string
			for name, tail := range dirs {
				dir := filepath.Join(root, name)
				write(t, filepath.Join(dir, "Kbuild"), "obj-m += "+name+".o\n")
				write(t, filepath.Join(dir, name+".c"), `#include <linux/init.h>
#include <linux/module.h>

int __init di_setup(void)
{
	return 0;
}
`+tail+`
static int __init di_init(void)
{
	return di_setup();
}
module_init(di_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec exit status test");
`)
				paths = append(paths, dir)
			}
			slices.Sort(paths)
			for _, warnOnly := range []bool{false, true} {
				var results, log strings.Builder
				opts := tg.Options()
				opts.MismatchWarnOnly = warnOnly
				s := Build(context.Background(), paths, opts, Output{Results: &results, Log: &log, Generate: "initsec generate", Build: "initsec build"})
				want := ExitFindings
				if warnOnly {
					want = ExitOK
				}
				if got := s.ExitCode(); got != want {
					t.Errorf("mismatch-warn-only=%v: exit %d, want %d\nresults:\n%s\nlog:\n%s", warnOnly, got, want, results.String(), log.String())
				}
				for _, w := range []string{"di_hook", "EXPORT_SYMBOL(di_setup)"} {
					if !strings.Contains(results.String(), w) {
						t.Errorf("mismatch-warn-only=%v: no finding naming %s:\n%s\nlog:\n%s", warnOnly, w, results.String(), log.String())
					}
				}
			}
		})
	}
}

// TestMultiDirErrors: the runs behind the CLI and the Mage targets print
// an annotation error once, at dir/file:line:col with its hint, go on to
// the next directory, and exit 2; a module that is not built is
// ErrNotBuilt with the hint naming the build command.
func TestMultiDirErrors(t *testing.T) {
	root := t.TempDir()
	bad := filepath.Join(root, "bad")
	write(t, filepath.Join(bad, "Kbuild"), "obj-m += bad.o\n")
	write(t, filepath.Join(bad, "bad.c"), "//go:init-section initt\nstatic int x = 1;\n#include \"bad.initsec.h\"\n")
	good := filepath.Join(root, "good")
	write(t, filepath.Join(good, "Kbuild"), "obj-m += good.o\n")
	write(t, filepath.Join(good, "good.c"), "//go:init-section init initcall=device\nstatic int good_init(void) { return 0; }\n#include \"good.initsec.h\"\n")

	wantPos := filepath.Join(bad, "bad.c") + `:1:19: unknown kind "initt" (hint: did you mean init?`
	run := func(name string, f func(Output) Summary) (Summary, string, string) {
		t.Helper()
		var res, log strings.Builder
		s := f(Output{Results: &res, Log: &log, Generate: "GEN", Build: "BUILD"})
		return s, res.String(), log.String()
	}
	for name, f := range map[string]func(Output) Summary{
		"Generate": func(o Output) Summary { return Generate([]string{bad, good}, false, o) },
		"Verify":   func(o Output) Summary { return Verify([]string{bad}, o) },
		"Build":    func(o Output) Summary { return Build(context.Background(), []string{bad}, kbuild.Options{}, o) },
	} {
		s, _, log := run(name, f)
		if s.ExitCode() != ExitError || len(s.Errs) != 1 || strings.Count(log, wantPos) != 1 || !strings.HasPrefix(log, wantPos) {
			t.Errorf("%s(bad): exit %d, %d error(s), log:\n%s\nwant exit 2, one error, the log starting %q once", name, s.ExitCode(), len(s.Errs), log, wantPos)
		}
		if errors.Is(s.Errs[0], ErrNotBuilt) {
			t.Errorf("%s(bad): %v is ErrNotBuilt", name, s.Errs[0])
		}
		var st *ExitStatusError
		if err := s.Err(name); !errors.As(err, &st) || st.ExitStatus() != ExitError {
			t.Errorf("%s(bad).Err() = %v, want status 2", name, err)
		}
	}
	// Generate went on past bad: good's files were written.
	if _, err := os.Stat(filepath.Join(good, "good.initsec.h")); err != nil {
		t.Errorf("Generate(bad, good) did not go on to good: %v", err)
	}
	s, _, log := run("Verify", func(o Output) Summary { return Verify([]string{good}, o) })
	if len(s.Errs) != 1 || !errors.Is(s.Errs[0], ErrNotBuilt) || !strings.Contains(log, filepath.Join(good, "good.ko")) || !strings.Contains(log, "hint: run `BUILD` first") {
		t.Errorf("Verify(good, not built) = %v, log %q; want ErrNotBuilt naming good.ko and the BUILD hint", s.Errs, log)
	}
	// A clean run is exit 0 and Err nil; -check counts stale files.
	s, res, _ := run("Generate", func(o Output) Summary { return Generate([]string{good}, true, o) })
	if s.ExitCode() != ExitOK || s.Err("generate") != nil || res != "" {
		t.Errorf("Generate -check after generate: exit %d, results %q; want 0 and nothing", s.ExitCode(), res)
	}
	os.Remove(filepath.Join(good, "good.initsec.h"))
	s, res, log = run("Generate", func(o Output) Summary { return Generate([]string{good}, true, o) })
	if s.ExitCode() != ExitFindings || s.Failing != 1 || !strings.Contains(res, "stale: "+filepath.Join(good, "good.initsec.h")+" (would create)") || !strings.Contains(log, "run `GEN`") {
		t.Errorf("Generate -check with a missing file: exit %d, results %q, log %q", s.ExitCode(), res, log)
	}
}

// TestGenerateGoesOn: a directory initsec cannot handle is reported once,
// and the others, one with three modules among them, are still generated.
func TestGenerateGoesOn(t *testing.T) {
	root := t.TempDir()
	bad := filepath.Join(root, "bad")
	write(t, filepath.Join(bad, "Kbuild"), "obj-m += bad.o\n")
	write(t, filepath.Join(bad, "bad.c"), "//go:init-section initt\nstatic int x = 1;\n#include \"bad.initsec.h\"\n")
	trio := filepath.Join(root, "trio")
	write(t, filepath.Join(trio, "Kbuild"), "obj-m += a.o b.o c.o\n")
	write(t, filepath.Join(trio, "a.c"), "//go:init-section init initcall=device\nstatic int a_init(void) { return 0; }\n#include \"a.initsec.h\"\n")
	write(t, filepath.Join(trio, "b.c"), "//go:init-section init initcall=device\nstatic int b_init(void) { return 0; }\n#include \"b.initsec.h\"\n")
	write(t, filepath.Join(trio, "c.c"), "static int c;\n")
	dirs, err := ModuleDirs([]string{root})
	if err != nil || len(dirs) != 2 {
		t.Fatalf("ModuleDirs = %v, %v", dirs, err)
	}
	var res, log strings.Builder
	s := Generate(dirs, false, Output{Results: &res, Log: &log})
	if len(s.Errs) != 1 || s.ExitCode() != ExitError || strings.Count(log.String(), filepath.Join(bad, "bad.c")) != 1 || strings.Contains(log.String(), trio) {
		t.Errorf("Generate: %d error(s), exit %d, log %q; want one error, for %s only", len(s.Errs), s.ExitCode(), log.String(), bad)
	}
	for _, f := range []string{"a.initsec.h", "b.initsec.h", "initsec/initsec_gen.go"} {
		if _, err := os.Stat(filepath.Join(trio, f)); err != nil {
			t.Errorf("trio not generated: %v", err)
		}
	}
}
