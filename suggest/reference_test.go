package suggest

import (
	"cmp"
	"debug/elf"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// findReference is Find without its shortcuts: no seed search, every
// relocation of every allocated section adds its references to any node,
// and every code section is scanned from every site for branches to every
// function. It is the graph Find built before it learned what it may
// skip; TestFindMatchesReference holds Find to it.
func findReference(o *sectionrt.Object) ([]Suggestion, error) {
	rels, err := o.RelocSections()
	if err != nil {
		return nil, err
	}
	if err := o.CheckSymbolExtents(); err != nil {
		return nil, err
	}
	g := newRefGraph(o, newPrefilter(o, new(workspace)))
	for _, r := range rels {
		if err := refAddRelocs(g, r); err != nil {
			return nil, err
		}
	}
	for sec := range g.secs {
		sc, err := g.newScan(sec, func(int) bool { return true })
		if err != nil {
			return nil, err
		}
		if sc != nil {
			sc.run(0, uint64(len(sc.code)))
		}
	}
	out := append(g.suggestions(g.members(classInit), classInit), g.suggestions(g.members(classExit), classExit)...)
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.Section, b.Section), cmp.Compare(a.Symbol, b.Symbol))
	})
	return out, nil
}

// refAddRelocs adds every reference of relocation section r.
func refAddRelocs(g *refGraph, r sectionrt.RelocSection) error {
	src := &g.secs[r.Target]
	class := g.p.class[r.Target]
	if src.Flags&elf.SHF_ALLOC == 0 {
		return nil
	}
	rels, err := g.o.Relocations(r)
	if err != nil {
		return err
	}
	exec := src.Flags&elf.SHF_EXECINSTR != 0
	var code []byte
	if exec {
		if code, err = g.sectionCode(r.Target); err != nil {
			return err
		}
		if src.Type == elf.SHT_PROGBITS {
			mask := g.patchMask(r.Target)
			for _, rel := range rels {
				for k := rel.Offset; k < rel.Offset+relocWidth(g.o.Machine(), rel.Type) && k < src.Size; k++ {
					mask[k/64] |= 1 << (k % 64)
				}
			}
		}
	}
	if class == classIgnore {
		return nil
	}
	for _, rel := range rels {
		sym := &g.syms[rel.Sym]
		tsec := g.section(sym.SectionIndex)
		if !sym.Defined() || tsec == nil || class == classSite && tsec.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		var targets []int
		if n := int(g.symNode[rel.Sym]); n != 0 {
			targets = []int{n}
		} else {
			bias := int64(0)
			if exec {
				bias = sectionrt.PCBias(g.o.Machine(), rel.Type)
			}
			t := sym.Value + uint64(rel.Addend) + uint64(bias)
			targets = []int{g.targetNode(sym.SectionIndex, t)}
			if bias != 0 && tsec.Flags&elf.SHF_EXECINSTR == 0 {
				for _, k := range []uint64{1, 2, 4} {
					targets = append(targets, g.targetNode(sym.SectionIndex, t+k))
				}
			}
		}
		from := g.anonNode(r.Target)
		if class != classSite {
			from = g.nodeAt(r.Target, rel.Offset)
		}
		kind := refAddress
		if exec {
			kind = refKindOf(g.o.Machine(), code, rel)
		}
		for _, t := range targets {
			g.use(from, t, kind)
		}
	}
	return nil
}

// TestFindMatchesReference: on the installed Debian trees, Find's
// suggestions are findReference's, object by object (on 6.1 all 4,023
// modules; on 6.12, whose modules are xz-compressed, every fourth).
func TestFindMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		every  int
	}{{"6.1.", 1}, {"6.12.", 4}} {
		t.Run(tc.prefix, func(t *testing.T) {
			rel, ok := kernels.FindRelease(tc.prefix)
			if !ok {
				testenv.SkipOrFail(t, "no Linux %s* modules with headers installed", tc.prefix)
			}
			files, errs := modfile.Expand([]string{rel.Tree + "/kernel"})
			if len(errs) > 0 || len(files) == 0 {
				t.Fatalf("%s: %d objects, errors %v", rel.Tree, len(files), errs)
			}
			var sample []string
			for i := 0; i < len(files); i += tc.every {
				sample = append(sample, files[i])
			}
			n := compareWithReference(t, sample)
			t.Logf("%s: %d objects, %d suggestions", rel.Release, len(sample), n)
			if n == 0 {
				t.Errorf("no suggestion in %d objects: the comparison shows nothing", len(sample))
			}
		})
	}
}

// compareWithReference runs Find and findReference on each object, on
// GOMAXPROCS workers, reports each difference, and returns how many
// suggestions Find made.
func compareWithReference(t *testing.T, files []string) int {
	var mu sync.Mutex
	total := 0
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r modfile.Reader
			for f := range next {
				got, want, err := findBoth(&r, f)
				mu.Lock()
				switch {
				case err != nil:
					t.Error(err)
				case !reflect.DeepEqual(got, want):
					t.Errorf("%s:\nFind:      %+v\nreference: %+v", f, got, want)
				}
				total += len(got)
				mu.Unlock()
			}
			r.Release()
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return total
}

func findBoth(r *modfile.Reader, path string) (got, want []Suggestion, err error) {
	o, err := r.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer o.Close()
	if got, err = Find(o); err != nil {
		return nil, nil, fmt.Errorf("Find: %w", err)
	}
	if want, err = findReference(o); err != nil {
		return nil, nil, fmt.Errorf("reference: %w", err)
	}
	return got, want, nil
}
