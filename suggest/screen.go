package suggest

import (
	"debug/elf"
	"io"

	"github.com/initsec/initsec/sectionrt"
)

// Clean reports whether Find would return no suggestion and no error for
// the object r holds (size bytes, a regular file's size), deciding from
// the file's bytes through s without opening an Object: the seed search
// (seeded) run on the sectionrt.RawView s reads, which has the tables
// Open would make. It answers false, "not known", for an object with a
// seed or a mixed node, and for anything the view does not read or Find
// would refuse (see sectionrt.Screen.View); open the object and call Find
// then. Most modules have no seed: they are cleared for about the cost of
// reading their headers, symbol table and init and exit relocations.
func Clean(s *sectionrt.Screen, r io.ReaderAt, size int64) bool {
	v, ok := s.View(r, size)
	return ok && CleanView(v)
}

// CleanView is Clean for a view the caller read (s.View): when it
// answers false, the caller can make the Object from the view
// (RawView.Object) rather than open the file again.
func CleanView(v *sectionrt.RawView) bool {
	clean, sd := ScreenView(v)
	sd.Release()
	return clean
}

// ScreenView is CleanView that keeps, when the view has a seed, what the
// seed search found: Seeded.Find on the Object made from the view
// (RawView.Object) then skips the search Find would run again. sd is nil
// when clean, and when the search met an error or the object is one Find
// would refuse (open it and call Find for the error).
func ScreenView(v *sectionrt.RawView) (clean bool, sd *Seeded) {
	// As Find's first checks: ET_REL, a symbol table, RelocSections and
	// CheckSymbolExtents are the view's.
	if !supported(v.Machine()) {
		return false, nil
	}
	w := getWorkspace()
	p := newPrefilter(v, w)
	if !p.mixed {
		p.readAhead(v)
	}
	seeded, err := p.seeded(v.RelocSections())
	if err != nil || !seeded {
		putWorkspace(w)
		return err == nil, nil
	}
	// The view's Object's RelocSections, which Find need not list again;
	// in w, since the Screen's next View refills the view's.
	w.rels = append(w.rels[:0], v.RelocSections()...)
	p.rels = w.rels
	// The table is decoded by the view's Object (RawView.Object: with its
	// names, in one pass), which Seeded.Find takes.
	return false, &Seeded{p: p}
}

// A Seeded is the seed search's tables for one view, in a workspace it
// holds until Find or Release.
type Seeded struct{ p *prefilter }

// Find is Find(o) for o, the Object made from the view sd was found on:
// the same checks first and the same results, without the seed search.
// For any other Object it runs the search as Find does. sd is spent.
func (sd *Seeded) Find(o *sectionrt.Object) ([]Suggestion, error) {
	p := sd.p
	sd.p = nil
	if p == nil || !sameTables(o, p) {
		if p != nil {
			putWorkspace(p.w)
		}
		return Find(o)
	}
	return findWith(o, p)
}

// Release returns sd's workspace when Find is not called; nil does
// nothing.
func (sd *Seeded) Release() {
	if sd != nil && sd.p != nil {
		putWorkspace(sd.p.w)
		sd.p = nil
	}
}

// sameTables reports whether o's tables are the ones p was built on: its
// section table p's (RawView.Object takes the view's), with as many
// symbols; of an Object's prefilter, its symbol table p's too.
func sameTables(o *sectionrt.Object, p *prefilter) bool {
	secs, syms := o.SectionTable(), o.SymbolTable()
	n := len(p.syms)
	if p.ents != nil {
		n = len(p.ents) / elf.Sym64Size
	}
	return len(secs) == len(p.secs) && len(syms) == n && len(secs) > 0 && len(syms) > 0 &&
		&secs[0] == &p.secs[0] && (p.ents != nil || &syms[0] == &p.syms[0])
}

// supported reports whether Find decodes machine m's instructions.
func supported(m elf.Machine) bool { return m == elf.EM_X86_64 || m == elf.EM_AARCH64 }

// readAhead has v read what the seed search may read (seeded), with a
// call for each run of it: the relocations of init and exit code, which
// lie side by side, and that code, which does too.
func (p *prefilter) readAhead(v *sectionrt.RawView) {
	idx := p.w.ahead[:0]
	for _, r := range v.RelocSections() {
		if p.rootCode(r.Target) {
			idx = append(idx, r.Index, r.Target)
		}
	}
	p.w.ahead = idx
	v.ReadAhead(idx...)
}
