package suggest

import (
	"debug/elf"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// seededObjects opens the modules of the installed 6.1 tree that Clean
// does not clear (those initsec suggest runs Find on), for the caller to
// close; it skips the benchmark when the tree is not installed.
func seededObjects(b *testing.B) []*sectionrt.Object {
	b.Helper()
	all := installedModules(b)
	var s sectionrt.Screen
	var objs []*sectionrt.Object
	for _, path := range all {
		f, size, ok := modfile.OpenRaw(path)
		if !ok {
			b.Fatalf("%s: cannot open", path)
		}
		clean := Clean(&s, f, size)
		f.Close()
		if clean {
			continue
		}
		o, err := sectionrt.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		objs = append(objs, o)
	}
	b.Cleanup(func() {
		for _, o := range objs {
			o.Close()
		}
	})
	return objs
}

// BenchmarkFindSeeded times Find, one core, on the modules of the
// installed 6.1 tree with a seed (about 850 of its 4,023), held open:
// the graph initsec suggest builds for them, without the screen and the
// opening. cpu-ns/run is the process's CPU time for the whole set:
// go test -bench FindSeeded -run XXX ./suggest.
func BenchmarkFindSeeded(b *testing.B) {
	objs := seededObjects(b)
	cpu0 := cpuTime()
	for b.Loop() {
		for _, o := range objs {
			if _, err := Find(o); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/run")
	b.ReportMetric(float64(len(objs)), "objects")
}

// BenchmarkScanAmdgpu times the scan for resolved branches over all of
// amdgpu.ko's .text (4.7 MB), its relocations marked, for branches to n
// of its functions spread over it (newScan included). Its static
// functions have no endbr64, so that n functions are n starts: up to two
// take x86Rel32Few, more x86Rel32Low. cpu-ns/op is the process's CPU
// time: go test -bench ScanAmdgpu -run XXX ./suggest.
func BenchmarkScanAmdgpu(b *testing.B) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		b.Skip("no installed 6.1 kernel with modules")
	}
	o, err := sectionrt.Open(filepath.Join(rel.Tree, "kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko"))
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	rels, err := o.RelocSections()
	if err != nil {
		b.Fatal(err)
	}
	g := newRefGraph(o, newPrefilter(o, new(workspace)))
	for _, r := range rels {
		if err := g.addRelocs(r); err != nil {
			b.Fatal(err)
		}
	}
	text := slices.IndexFunc(g.secs, func(s sectionrt.Section) bool { return s.Name == ".text" })
	var funcs []int // the nodes of .text's functions, by address
	seen := make([]bool, len(g.nodes))
	for _, e := range g.symTab.section(text, true) {
		if n := int(g.symNode[e.sym]); n != 0 && g.syms[e.sym].Type == elf.STT_FUNC && !seen[n] {
			seen[n] = true
			funcs = append(funcs, n)
		}
	}
	// Resident, so that a hit adds nothing: each scan does the same.
	for _, n := range funcs {
		g.nodes[n].resident = true
	}
	w := g.p.w
	g.allStarts(text) // kept for the graph, before the scans' storage
	bits, nears, starts, lows := w.usedBits, w.usedNears, w.usedStarts, w.usedLows
	for _, n := range []int{1, 2, 4, 6, 16, 256, len(funcs)} {
		// Spread over the section, each a function of its own.
		want := make([]bool, len(g.nodes))
		for k := range n {
			want[funcs[k*len(funcs)/n]] = true
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				// Each scan's storage is given back; the patch mask the
				// relocations took stays.
				w.usedBits, w.usedNears, w.usedStarts, w.usedLows = bits, nears, starts, lows
				sc, err := g.newScan(text, func(n int) bool { return want[n] })
				if err != nil || sc == nil {
					b.Fatal(sc, err)
				}
				sc.run(0, uint64(len(sc.code)))
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.SetBytes(int64(g.secs[text].Size))
		})
	}
}

// BenchmarkNewRefGraph times newRefGraph, one core, on the modules
// BenchmarkFindSeeded runs Find on, against the seed search's tables it
// starts from (newPrefilter), which the first sub-benchmark times alone.
func BenchmarkNewRefGraph(b *testing.B) {
	objs := seededObjects(b)
	w := new(workspace)
	for _, graph := range []bool{false, true} {
		b.Run(map[bool]string{false: "prefilter", true: "prefilter+graph"}[graph], func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				for _, o := range objs {
					p := newPrefilter(o, w)
					if graph {
						g := newRefGraph(o, p)
						w.nodes, w.edges, w.roots, w.cands, w.labels = g.nodes, g.edges, g.roots, g.cands, g.labels // as findWith
					}
					w.release()
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/run")
		})
	}
}
