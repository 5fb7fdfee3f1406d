package sectionrt

import (
	"debug/elf"
	"unsafe"
)

// A SectionMap is a section's bytes mapped read-only from the object's
// file (MapSection): valid until Unmap, after which reading them faults.
type SectionMap struct {
	data   []byte // the section's bytes, in region
	region []byte // the whole mapping, from a page boundary
}

// Bytes returns the section's bytes. They must not be modified (the
// mapping is read-only: a write faults) nor used after Unmap.
func (m SectionMap) Bytes() []byte { return m.data }

// Contains reports whether addr lies inside the mapping: a fault there
// is a fault reading the section (see MapSection).
func (m SectionMap) Contains(addr uintptr) bool {
	if len(m.region) == 0 {
		return false
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(m.region)))
	return addr >= lo && addr-lo < uintptr(len(m.region))
}

// Unmap releases the mapping. The zero SectionMap unmaps nothing.
func (m SectionMap) Unmap() error {
	if m.region == nil {
		return nil
	}
	return unmapRegion(m.region)
}

// MapSection maps section i of o's file read-only and returns it, for a
// caller that reads a large section once and drops it (package suggest's
// code scans): the bytes come from the page cache as they are read, with
// no copy and no fresh memory of the process's own, where SectionDataBuf
// would copy them into a buffer. ok is false, with nothing mapped, when
// the section cannot be: the object is in memory (NewObjectBytes, a
// decompressed module) or read through a reader without a file
// descriptor (Fd) or of unknown size, the section has no bytes in the
// file, lies outside it or is SHF_COMPRESSED, or mmap(2) failed; the
// caller reads it then (SectionDataBuf, which also reports any error).
// A reader with an Fd method is taken to read that descriptor's file from
// its start, as *os.File and the readers of package modfile do.
//
// A file truncated while mapped makes reading past its new end fault
// (SIGBUS). Such a fault crashes the program unless the goroutine reading
// has asked for a panic instead (runtime/debug.SetPanicOnFault): a caller
// must do so, and recover the panic (a runtime.Error whose Addr the map
// Contains) as an error about the file.
func (o *Object) MapSection(i int) (m SectionMap, ok bool) {
	if o.data != nil || o.size < 0 || i <= 0 || i >= len(o.sections) {
		return SectionMap{}, false
	}
	s := &o.sections[i]
	if !s.hasFileData() || s.Flags&elf.SHF_COMPRESSED != 0 || o.checkExtent(s) != nil {
		return SectionMap{}, false
	}
	f, ok := o.r.(interface{ Fd() uintptr })
	if !ok {
		return SectionMap{}, false
	}
	region, off, ok := mapRegion(f.Fd(), s.Offset, s.Size)
	if !ok {
		return SectionMap{}, false
	}
	return SectionMap{data: region[off : off+int(s.Size) : off+int(s.Size)], region: region}, true
}
