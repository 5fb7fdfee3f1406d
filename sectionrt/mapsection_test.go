package sectionrt

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// TestMapSection maps every section of a compiled object opened from its
// file: those with bytes in the file map, with the bytes SectionData
// reads; the others, and every section of an object in memory or read
// through a reader without a file descriptor, do not.
func TestMapSection(t *testing.T) {
	data := smallObject(t)
	path := filepath.Join(t.TempDir(), "small.o")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	o := mustOpen(t, path)
	mapped := 0
	for _, s := range o.SectionTable() {
		m, ok := o.MapSection(s.Index)
		want := s.Index > 0 && s.Type != elf.SHT_NOBITS && s.Size > 0
		if ok != want {
			t.Errorf("section %d (%s, %s, %d bytes): mapped %v, want %v", s.Index, s.Name, s.Type, s.Size, ok, want)
		}
		if !ok {
			if m.Bytes() != nil || m.Unmap() != nil {
				t.Errorf("section %d (%s): an unmapped SectionMap has bytes or fails to unmap", s.Index, s.Name)
			}
			continue
		}
		mapped++
		read, err := o.SectionData(s.Index)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Bytes(), read) {
			t.Errorf("section %d (%s): mapped bytes differ from SectionData's", s.Index, s.Name)
		}
		first := uintptr(unsafe.Pointer(&m.Bytes()[0]))
		if !m.Contains(first) || !m.Contains(first+uintptr(s.Size-1)) || m.Contains(uintptr(unsafe.Pointer(&read[0]))) {
			t.Errorf("section %d (%s): Contains is wrong about its own bytes or a copy", s.Index, s.Name)
		}
		if err := m.Unmap(); err != nil {
			t.Errorf("section %d (%s): Unmap: %v", s.Index, s.Name, err)
		}
	}
	if mapped < 5 {
		t.Errorf("%d sections mapped, want every one with bytes (at least .text, .init.text, .exit.text, .symtab, .strtab)", mapped)
	}
	if _, ok := o.MapSection(len(o.SectionTable())); ok {
		t.Error("a section index past the table mapped")
	}
	inMemory, err := NewObjectBytes(data, "small.o")
	if err != nil {
		t.Fatal(err)
	}
	noFd, err := NewObject(bytes.NewReader(data), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []*Object{inMemory, noFd} {
		for i := range other.SectionTable() {
			if _, ok := other.MapSection(i); ok {
				t.Errorf("section %d of an object without a file descriptor mapped", i)
			}
		}
	}
}
