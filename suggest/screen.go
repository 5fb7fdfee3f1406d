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
	// As Find's first checks: ET_REL, a symbol table, RelocSections and
	// CheckSymbolExtents are the view's.
	if !supported(v.Machine()) {
		return false
	}
	w := getWorkspace()
	defer putWorkspace(w)
	seeded, err := newPrefilter(v, w).seeded(v.RelocSections())
	return err == nil && !seeded
}

// supported reports whether Find decodes machine m's instructions.
func supported(m elf.Machine) bool { return m == elf.EM_X86_64 || m == elf.EM_AARCH64 }
