package corpus

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/sectionrt"
)

// needSid returns the Debian sid build root (kernels.SidSpec), making it
// if the cache has none (about 2.5 minutes). Its modpost needs GLIBC
// 2.38, so it runs only inside the root: that needs root privileges.
func needSid(t *testing.T) *kernels.Sid {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: needs Debian sid's build root (mmdebstrap, minutes the first time) and its kernel packages")
	}
	if os.Geteuid() != 0 {
		testenv.SkipOrFail(t, "sid's modpost runs in a build root: chroot and mounts need root")
	}
	var log strings.Builder
	sid, err := kernels.EnsureSid(t.Context(), &log)
	if err != nil {
		t.Fatalf("sid build root: %v\n%s", err, log.String())
	}
	return sid
}

// TestSidCorpus runs initsec on the host and sid's own modpost (7.x, in
// the build root, with kbuild's flags and -w) over every module of sid's
// linux-modules package at the headers' version, decompressed: no error,
// the 7.x rule set chosen from each vermagic, and the same findings.
func TestSidCorpus(t *testing.T) {
	sid := needSid(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Minute)
	defer cancel()
	var log strings.Builder
	tree, err := sid.EnsureModules(ctx, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	rules, err := rulesFor(sid.Release)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	out, err := RunSid(ctx, sid, tree, work, runtime.GOMAXPROCS(0))
	if err != nil {
		t.Fatal(err)
	}
	// modpost read every module: it wrote NAME.mod.c for each (0
	// findings alone would not show that). Its Module.symvers is empty:
	// 7.x takes exports from .export_symbol, which no .ko has.
	modC, err := filepath.Glob(filepath.Join(work, "*.mod.c"))
	if err != nil {
		t.Fatal(err)
	}
	if len(modC) != len(out.Files) {
		t.Errorf("modpost wrote %d .mod.c files for %d modules: did it read them?", len(modC), len(out.Files))
	}
	errs := out.Errors()
	for i, err := range errs {
		if i == 20 {
			t.Errorf("... and %d more", len(errs)-20)
			break
		}
		t.Errorf("initsec: %v", err)
	}
	for _, r := range out.Results {
		if r.Err == nil && r.Rules != rules {
			t.Errorf("%s: checked with rules %q, want %q (from its vermagic)", r.Object, r.Rules, rules)
			break
		}
	}
	if !out.Diff.Equal() {
		t.Errorf("%s (%d modules): initsec and modpost differ: %s", sid.Release, len(out.Files), out.Diff)
	}
	t.Logf("%s (%s): %d modules (%d .mod.c written), %d error(s), rules %s; initsec %d finding(s) in %v, modpost %d in %v (decompressing %v); %s",
		sid.Release, sid.Version, len(out.Files), len(modC), len(errs), rules, countFindings(out), out.InitsecTime.Round(time.Millisecond),
		len(out.Modpost), out.ModpostTime.Round(time.Millisecond), out.PrepareTime.Round(time.Millisecond), out.Diff)
}

// TestSidModpostArgs: the flags are kbuild's for the root's tree.
func TestSidModpostArgs(t *testing.T) {
	sid := needSid(t)
	args, err := sid.ModpostArgs("/o", "/l", true)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(args, " ")
	for _, want := range []string{"-M", "-w", "-o /o", "-T /l", "-i " + sid.KDIR + "/Module.symvers", "-e"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("modpost %s: want %s", got, want)
		}
	}
	if strings.Contains(" "+got+" ", " -E ") {
		t.Errorf("modpost %s: -E, but Debian's config has CONFIG_SECTION_MISMATCH_WARN_ONLY=y", got)
	}
	t.Logf("modpost %s", got)
}

func countFindings(o *Outcome) int {
	n := 0
	for _, r := range o.Results {
		for _, f := range r.Findings {
			if _, ok := f.Warning(); ok {
				n++
			}
		}
	}
	return n
}

// rulesFor is the rule set a module of release must be checked with.
func rulesFor(release string) (string, error) {
	rs, err := sectionrt.RulesForRelease(release)
	if err != nil {
		return "", err
	}
	return rs.Version, nil
}
