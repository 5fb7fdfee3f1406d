package target

import (
	"context"
	"fmt"
	"os"
)

// Index answers what a release's package lists hold, for one release's
// suites together. Both methods take many names at once because each
// apt-cache run costs a second or more on a loaded machine.
type Index interface {
	// Candidates returns, by name, the version of each package apt would
	// install for arch (the highest version in the suites; Architecture
	// arch or "all"). Names the index does not hold are absent.
	Candidates(ctx context.Context, arch string, names []string) (map[string]Stanza, error)
	// Versions returns, by name, every version of each package the index
	// holds for arch (or "all").
	Versions(ctx context.Context, arch string, names []string) (map[string][]Stanza, error)
}

// Source opens the index of a release's suites for the architectures
// given (sorted, without duplicates).
type Source interface {
	Open(ctx context.Context, rel Release, archs []string) (Index, error)
}

// PackagesIndex is an Index over parsed Packages files, in memory: what
// apt would answer with the same lists and no pinning (the highest
// version wins). Tests use it with small fake archives.
type PackagesIndex struct {
	stanzas []Stanza
}

// NewPackagesIndex parses Packages files (deb822 paragraphs, as in an
// archive's dists/SUITE/main/binary-ARCH/Packages).
func NewPackagesIndex(files ...[]byte) (*PackagesIndex, error) {
	ix := &PackagesIndex{}
	for i, f := range files {
		s, err := parseStanzas(f)
		if err != nil {
			return nil, fmt.Errorf("Packages file %d: %w", i+1, err)
		}
		ix.stanzas = append(ix.stanzas, s...)
	}
	return ix, nil
}

// ReadPackagesIndex is NewPackagesIndex over files on disk.
func ReadPackagesIndex(paths ...string) (*PackagesIndex, error) {
	var files [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files = append(files, b)
	}
	return NewPackagesIndex(files...)
}

func (ix *PackagesIndex) Versions(_ context.Context, arch string, names []string) (map[string][]Stanza, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string][]Stanza{}
	for _, s := range ix.stanzas {
		if want[s.Package] && (s.Architecture == arch || s.Architecture == "all") {
			out[s.Package] = append(out[s.Package], s)
		}
	}
	return out, nil
}

func (ix *PackagesIndex) Candidates(ctx context.Context, arch string, names []string) (map[string]Stanza, error) {
	all, err := ix.Versions(ctx, arch, names)
	if err != nil {
		return nil, err
	}
	out := map[string]Stanza{}
	for name, vs := range all {
		best := vs[0]
		for _, s := range vs[1:] {
			if CompareVersions(s.Version, best.Version) > 0 {
				best = s
			}
		}
		out[name] = best
	}
	return out, nil
}

// MapSource serves fixed indexes by release name ("debian-12").
type MapSource map[string]Index

func (m MapSource) Open(_ context.Context, rel Release, _ []string) (Index, error) {
	ix, ok := m[rel.Name]
	if !ok {
		return nil, fmt.Errorf("no index for %s", rel.Name)
	}
	return ix, nil
}
