package sectionrt

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/modpost"
)

var rebuildCorpus = flag.Bool("rebuild-corpus", false, "rebuild testdata/mismatch with kbuild instead of using the cached build under os.UserCacheDir()/initsec-corpus")

// requireTarget returns the kernel tree find locates; without it the test
// skips, or fails under CI=true (CI installs them first: kernels.EnsureAll).
func requireTarget(t *testing.T, find func() (kernels.Target, error)) kernels.Target {
	t.Helper()
	tg, err := find()
	if err != nil {
		testenv.SkipOrFail(t, "kernel tree not available: %v (kernels.EnsureAll installs it)", err)
	}
	return tg
}

// warningKey identifies a modpost message for comparison: the module's
// base name, the kind, both ends and, where the format prints one, the
// offset.
func warningKey(w modpost.Warning, rules string) string {
	off := ""
	if w.HasOff && (rules != "6.1" || w.FromSec == "__ex_table") {
		off = fmt.Sprintf("+%#x", w.FromOff)
	}
	return fmt.Sprintf("%s: %s %s%s (%s) -> %s (%s)", ModuleName(w.Module), w.Kind, w.FromSym, off, w.FromSec, w.ToSym, w.ToSec)
}

// knownDiffs lists the differences between modpost and CheckMismatch that
// are accepted, per target, with the reason. Empty: every case agrees.
var knownDiffs = map[string]map[string]string{}

// exactNames: where sectionrt names a reference differently from modpost,
// on purpose. Keyed by target, then by the modpost message key; the value
// is sectionrt's "from -> to".
var exactNames = map[string]map[string]string{
	"6.1-amd64": {
		// modpost 6.1 takes the relocation's .init.data+8 at face value
		// (the PC-relative -4 included) and names the object there,
		// nb_first; the load reads nb_second at +0xc.
		"neighbour: section-mismatch nb_read_second (.text) -> nb_first (.init.data)": "nb_read_second -> nb_second",
	},
	"6.12-amd64": {
		"neighbour: section-mismatch nb_read_second+0xb (.text) -> nb_first (.init.data)": "nb_read_second -> nb_second",
		// symsearch finds the module_init pointer object 4 bytes below the
		// real target.
		"exit_to_init: section-mismatch eti_exit+0xb (.exit.text) -> __UNIQUE_ID___addressable_init_module457 (.init.data)": "eti_exit -> eti_count",
		"text_to_init: section-mismatch tti_resident+0x10 (.text) -> __UNIQUE_ID___addressable_init_module458 (.init.data)": "tti_resident -> tti_limit",
	},
}

// newerRules: how a newer rule set's findings on the corpus differ from
// what the target's own modpost reports (keys as warningKey makes them),
// and why.
var newerRules = map[string]struct {
	added []string
	why   string
}{
	"7.0": {
		added: []string{
			"whitelist_names: section-mismatch wln_probe+0x0 (.data) -> wln_setup (.init.text)",
			"whitelist_names: section-mismatch wln_probe+0x8 (.data) -> wln_teardown (.exit.text)",
			"ops_first: section-mismatch opf_dev_probe+0x0 (.data) -> opf_setup (.init.text)",
			"ops_first: section-mismatch opf_dev_probe+0x8 (.data) -> opf_teardown (.exit.text)",
		},
		why: `commit a4df2071f1a2 (Linux 7.0) dropped "*_probe" from secref_whitelist's data symbols`,
	},
}

// TestMismatchCorpus is the build-time parity test: the corpus is built
// with the target's real kbuild, and the findings expected of each module
// are the modpost lines kbuild printed during that build (build.log), when
// modpost read the module's .o. CheckMismatch must report exactly those on
// the linked .ko (what users verify) and on the .o, under the target's
// rules; the newer rule sets are checked on the same objects against the
// same lines plus their documented additions (newerRules).
func TestMismatchCorpus(t *testing.T) {
	for _, tc := range []struct {
		name string
		find func() (kernels.Target, error)
	}{
		{"6.1-amd64", kernels.Find61},
		{"6.12-amd64", kernels.Find612},
		{"6.1-arm64", kernels.FindArm64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := requireTarget(t, tc.find)
			ctx := context.Background()
			var log strings.Builder
			c, err := kernels.BuildCorpus(ctx, "testdata/mismatch", tg, *rebuildCorpus, &log)
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			ws, raw, err := c.BuildWarnings()
			if err != nil {
				t.Fatal(err)
			}
			versions := []string{tg.Rules}
			if tg.Rules == "6.12" {
				// The newer sets against 6.12's modpost on the same
				// objects. 6.19's is 6.12.117's (no 6.19 tree was read;
				// the section-mismatch code of 6.17-rc1,
				// CachyOS/linux@d5fac7d4a201777d15dcafbfaa8051625f349272,
				// is 6.12.117's), so it expects exactly 6.12's findings;
				// 7.0's (Aarav90-cpu/linux-kotlin@a663adb68e0e, a
				// 7.1-rc4/7.0.9 merge, and commit a4df2071f1a2) expects
				// them plus newerRules["7.0"].added.
				versions = append(versions, "6.19", "7.0")
			}
			for _, v := range versions {
				for _, obj := range []string{"ko", "o"} {
					t.Run("rules-"+v+"/"+obj, func(t *testing.T) {
						compareCorpus(t, c, tg, v, obj, ws, raw)
					})
				}
			}
		})
	}
}

// compareCorpus checks every case's .ko or .o (obj) with the rules of
// version against the modpost lines of the build (ws, from build.log).
func compareCorpus(t *testing.T, c *kernels.Corpus, tg kernels.Target, version, obj string, ws []modpost.Warning, raw string) {
	rs, err := Rules(version)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	wantLine := map[string]string{}
	for _, w := range ws {
		if w.Kind == modpost.KindOther {
			continue
		}
		k := warningKey(w, tg.Rules)
		want = append(want, k)
		wantLine[k] = strings.ReplaceAll(w.Raw, c.Dir+"/", "")
	}
	if version != tg.Rules {
		if n, ok := newerRules[version]; ok {
			want = append(want, n.added...)
			t.Logf("rules %s expect %d findings more than modpost %s: %s", version, len(n.added), tg.Rules, n.why)
		}
	}
	perCase := map[string]int{}
	for _, name := range c.Cases {
		path := c.Object(name)
		if obj == "ko" {
			path = c.Module(name)
		}
		o, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if obj == "ko" && version == tg.Rules {
			// What verify picks for a .ko: its vermagic's rules.
			if own, err := RulesForRelease(o.KernelRelease()); err != nil || own.Version != tg.Rules {
				t.Errorf("%s: vermagic %q selects rules %v (%v), want %s", path, o.Vermagic(), own, err, tg.Rules)
			}
		}
		fs, err := CheckMismatch(o, rs)
		o.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		perCase[name] = len(fs)
		for _, f := range fs {
			w, _ := f.Warning()
			k := warningKey(w, tg.Rules)
			got = append(got, k)
			// The rendered line is modpost's, byte for byte (the module
			// path aside).
			if l, ok := wantLine[k]; ok && f.ModpostLine(tg.Rules) != l {
				t.Errorf("ModpostLine:\n got %s\nwant %s", f.ModpostLine(tg.Rules), l)
			}
			if f.Ref.NamesDiffer() {
				if f.Ref.NamesWhy == "" || !strings.Contains(f.Message, f.Ref.NamesWhy) {
					t.Errorf("%s: names differ (%s) but the finding does not say why: %s", k, f.Ref.FromSym+" -> "+f.Ref.ToSym, f.Message)
				}
				if f.Rule == RuleExportInit || f.Rule == RuleExportExit {
					continue // the .o's export entry, reconstructed on a .ko
				}
				exact := f.Ref.FromSym + " -> " + f.Ref.ToSym
				wantExact, listed := exactNames[tg.Name][k]
				if tg.Rules == "6.1" && (f.Ref.ModpostFromSym == "init_module" || f.Ref.ModpostFromSym == "cleanup_module") {
					listed, wantExact = true, exact // 6.1 names the module_init/module_exit alias
				}
				switch {
				case !listed:
					t.Logf("names differ (not listed): %s: sectionrt says %s", k, exact)
				case exact != wantExact:
					t.Errorf("%s: sectionrt names %s, want %s", k, exact, wantExact)
				}
			}
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	var missing, extra []string
	for _, k := range want {
		if !slices.Contains(got, k) {
			missing = append(missing, k)
		}
	}
	for _, k := range got {
		if !slices.Contains(want, k) {
			extra = append(extra, k)
		}
	}
	filter := func(l []string) []string {
		var out []string
		for _, k := range l {
			if r, ok := knownDiffs[tg.Name][k]; ok {
				t.Logf("known difference: %s: %s", k, r)
				continue
			}
			out = append(out, k)
		}
		return out
	}
	m, e := filter(missing), filter(extra)
	if len(m)+len(e) > 0 {
		t.Errorf("findings on the .%s differ from the build's modpost lines (rules %s on %s):\nonly modpost:\n  %s\nonly sectionrt:\n  %s\nbuild log:\n%s",
			obj, version, tg.Name, strings.Join(m, "\n  "), strings.Join(e, "\n  "), raw)
	}
	t.Logf("PARITY %s rules %s on .%s: %d cases, %d findings expected (build log), %d reported, %d differences; per case %v",
		tg.Name, version, obj, len(c.Cases), len(want), len(got), len(m)+len(e), perCase)
}
