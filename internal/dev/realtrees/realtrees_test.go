package realtrees

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/initsec/initsec/convert"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/pipeline"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/modpost"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
)

// workRoot holds the proved copies of the trees for the whole test binary:
// the boot test reuses what the prove test built.
var workRoot string

func TestMain(m *testing.M) {
	var err error
	if workRoot, err = os.MkdirTemp("", "initsec-realtrees-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(workRoot)
	os.Exit(code)
}

// target is Debian's 6.1 amd64 tree, with $KDIR pointing at it so that
// module.Scan evaluates the makefiles against the same tree kbuild builds
// with (kbuild.FindKDIR would take the newest headers installed).
func target(t *testing.T) kernels.Target {
	t.Helper()
	k, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "Debian 6.1 headers: %v", err)
	}
	t.Setenv("KDIR", k.KDIR)
	return k
}

func treeDir(name string) string { return filepath.Join("testdata", name) }

// TestDiscovery: make finds every tree's modules, and the objects linked
// into them, from the makefiles as they are.
func TestDiscovery(t *testing.T) {
	target(t)
	for _, tr := range Trees {
		t.Run(tr.Name, func(t *testing.T) {
			d, err := module.Scan(treeDir(tr.Name))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d modules (%s)", tr.Name, len(d.Modules), d.Discovery)
			if d.Discovery.Method != module.ByMake {
				t.Errorf("discovery %v, want make", d.Discovery)
			}
			if len(d.Modules) != tr.Modules {
				t.Errorf("%d modules %v, want %d", len(d.Modules), d.Names(), tr.Modules)
			}
			for name, want := range tr.Objects {
				m := d.Module(name)
				if m == nil {
					t.Errorf("no module %s among %v", name, d.Names())
					continue
				}
				if !reflect.DeepEqual(m.KbuildObjects, want) {
					t.Errorf("%s: objects %q, want %q", name, m.KbuildObjects, want)
				}
			}
			// LoadDir on the unconverted tree: no directive, nothing to
			// complain about, whatever the number of modules.
			if _, err := module.LoadDir(treeDir(tr.Name)); err != nil {
				t.Errorf("LoadDir: %v", err)
			}
		})
	}
}

// proved is one tree converted and built before and after, shared by the
// tests of this binary.
type proved struct {
	once  sync.Once
	proof *convert.Proof
	err   error
}

var provedTrees sync.Map // name -> *proved

// prove runs convert.Prove on the tree once per test binary.
func prove(t *testing.T, k kernels.Target, tr Tree) *convert.Proof {
	t.Helper()
	v, _ := provedTrees.LoadOrStore(tr.Name, &proved{})
	p := v.(*proved)
	p.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		opts := k.Options()
		opts.Jobs = 2
		p.proof, p.err = convert.Prove(ctx, treeDir(tr.Name), convert.ProveOptions{
			Kbuild: opts, WorkDir: filepath.Join(workRoot, tr.Name), Keep: true,
		})
	})
	if p.err != nil {
		t.Fatalf("prove %s: %v", tr.Name, p.err)
	}
	return p.proof
}

// mismatchKey is a modpost message with the module named by its file
// name: what both modpost and initsec must agree on.
func mismatchKey(w modpost.Warning) string {
	mod := strings.TrimSuffix(filepath.Base(w.Module), ".o")
	return strings.Join([]string{w.Kind, mod, w.FromSym, w.FromSec, w.ToSym, w.ToSec}, " ")
}

// modpostFindings are the section-mismatch and export messages modpost
// printed during a build.
func modpostFindings(ws []modpost.Warning) []string {
	var out []string
	for _, w := range ws {
		if w.Kind != modpost.KindOther {
			out = append(out, mismatchKey(w))
		}
	}
	slices.Sort(out)
	return out
}

// verifyFindings are initsec verify's mismatch findings on the built
// objects, written as modpost of their release writes them and read back.
func verifyFindings(t *testing.T, kos []string) []string {
	t.Helper()
	var out []string
	for _, r := range verify.Files(kos, verify.Options{Placement: "never", Jobs: 2}) {
		if r.Err != nil {
			t.Fatalf("verify %s: %v", r.Object, r.Err)
		}
		for _, f := range r.Findings {
			line, err := f.FormatModpost(r.Rules)
			if err != nil {
				t.Fatalf("%s: %v", r.Object, err)
			}
			if line == "" {
				t.Errorf("%s: a finding modpost has no line for: %s", r.Object, f)
				continue
			}
			w, ok := modpost.ParseLine(line)
			if !ok {
				t.Fatalf("%s: cannot read back %q", r.Object, line)
			}
			out = append(out, mismatchKey(w))
		}
	}
	slices.Sort(out)
	return out
}

// TestRealTrees builds each tree as it is and converted (convert.Prove),
// requires initsec verify to report what modpost printed in both builds,
// every symbol in the same section, and the converted copy to build the
// way `initsec build` does with every directive's symbol where it says.
func TestRealTrees(t *testing.T) {
	k := target(t)
	for _, tr := range Trees {
		t.Run(tr.Name, func(t *testing.T) {
			p := prove(t, k, tr)
			var table bytes.Buffer
			p.WriteTable(&table)
			defer func() {
				if t.Failed() {
					t.Logf("generated by %s\n%s", p.Generated, table.String())
				}
			}()
			if p.Generated != "gen.GenerateDir" {
				t.Errorf("generated by %s, want gen.GenerateDir (as `initsec generate`)", p.Generated)
			}
			if len(p.Modules) != tr.Modules {
				t.Errorf("%d modules built, want %d", len(p.Modules), tr.Modules)
			}
			if d := p.Differences(); len(d) > 0 {
				t.Errorf("%d symbols moved: %v", len(d), d)
			}
			changes := p.Result.Changes()
			if len(changes) < tr.MinConverted {
				t.Errorf("%d macros converted, want at least %d", len(changes), tr.MinConverted)
			}

			// verify equals modpost, on the tree as it is and converted.
			for _, side := range []struct {
				name string
				ws   []modpost.Warning
				kos  []string
			}{{"as it is", p.Before.Warnings, p.Before.Modules}, {"converted", p.After.Warnings, p.After.Modules}} {
				mp, vf := modpostFindings(side.ws), verifyFindings(t, side.kos)
				if !reflect.DeepEqual(mp, vf) {
					t.Errorf("%s: modpost printed %q, initsec verify found %q", side.name, mp, vf)
				}
				t.Logf("%s: %d objects, modpost %d finding(s), verify %d", side.name, len(side.kos), len(mp), len(vf))
			}

			// initsec build on the converted copy: generate (nothing
			// changes), build, and place every directive's symbol.
			after := filepath.Join(p.WorkDir, "after")
			var log bytes.Buffer
			opts := k.Options()
			opts.Jobs = 2
			res, err := pipeline.BuildAndVerify(context.Background(), after, opts, &log)
			if err != nil {
				t.Fatalf("initsec build: %v\n%s", err, log.String())
			}
			notes := 0
			for _, f := range res.Findings {
				if sectionrt.Failing([]sectionrt.Finding{f}) > 0 {
					t.Errorf("initsec build: %s", f)
				} else {
					notes++
				}
			}
			placed := 0
			for _, m := range res.Modules.Modules {
				placed += len(module.Manifest(m).Entries)
			}
			if placed < len(changes)/2 {
				t.Errorf("%d symbols placed by the manifests, for %d conversions", placed, len(changes))
			}
			checked, absent := checkPlacementELF(t, res.Modules, p)
			t.Logf("%s: %d modules (%s), %d macros converted (%d left), %d of %d symbols in the same section, %d manifest entries: %d read back from the ELF files in their section, %d absent before and after (inlined by gcc; %d notes)",
				tr.Name, len(res.Modules.Modules), res.Modules.Discovery.Method, len(changes), len(p.Result.Skips()), len(p.Rows)-len(p.Differences()), len(p.Rows), placed, checked, len(absent), notes)
			if len(absent) > 0 {
				t.Logf("absent: %s", strings.Join(absent, ", "))
			}
		})
	}
}

// checkPlacementELF reads each manifest entry's symbol back from the
// built .ko with debug/elf (what readelf -s shows) and requires the
// section the directive asked for. A symbol gcc left out of the object
// (a static __init function inlined into its only caller) must be absent
// from the unconverted build too. It returns the number of symbols found
// in their section, and the absent ones.
func checkPlacementELF(t *testing.T, d *module.Dir, p *convert.Proof) (checked int, absent []string) {
	t.Helper()
	before := map[string]bool{} // "module.ko symbol" present before
	for _, r := range p.Rows {
		if r.Before != "" {
			before[r.Module+" "+r.Symbol] = true
		}
	}
	for _, m := range d.Modules {
		ko := filepath.Join(d.Path, m.Name+".ko")
		f, err := elf.Open(ko)
		if err != nil {
			t.Fatal(err)
		}
		syms, err := f.Symbols()
		if err != nil {
			t.Fatal(err)
		}
		secs := map[string]string{}
		for _, s := range syms {
			if s.Section != elf.SHN_UNDEF && int(s.Section) < len(f.Sections) {
				secs[s.Name] = f.Sections[s.Section].Name
			}
		}
		f.Close()
		for _, e := range module.Manifest(m).Entries {
			got, ok := secs[e.Symbol]
			switch {
			case !ok && !before[m.Name+".ko "+e.Symbol]:
				absent = append(absent, m.Name+":"+e.Symbol)
			case got != e.Section:
				t.Errorf("%s: %s (%s) is in section %q, want %q", ko, e.Symbol, e.Kind, got, e.Section)
			default:
				checked++
			}
		}
	}
	return checked, absent
}
