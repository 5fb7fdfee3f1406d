package sectionrt

import (
	"bytes"
	"debug/elf"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compareWithDebugELF checks sectionrt's own .symtab decoding against
// debug/elf's Symbols, which it replaced: when both read the table, every
// symbol's name, value, size, info and st_shndx agree; when debug/elf
// cannot read it, opening fails too. Both NewObject (copies) and
// NewObjectBytes (slices) are compared.
func compareWithDebugELF(t testing.TB, data []byte, name string) {
	t.Helper()
	var esyms []elf.Symbol
	var eerr error
	func() {
		defer func() {
			if r := recover(); r != nil {
				eerr = errors.New("debug/elf panicked")
			}
		}()
		f, err := elf.NewFile(bytes.NewReader(data))
		if err != nil {
			eerr = err
			return
		}
		esyms, eerr = f.Symbols()
		if errors.Is(eerr, elf.ErrNoSymbols) {
			esyms, eerr = nil, nil
		}
	}()
	for _, open := range []func() (*Object, error){
		func() (*Object, error) { return NewObject(bytes.NewReader(data), name) },
		func() (*Object, error) { return NewObjectBytes(data, name) },
	} {
		o, err := open()
		if err != nil {
			continue // sectionrt checks more than debug/elf does
		}
		if eerr != nil {
			t.Fatalf("%s: debug/elf cannot read the symbols (%v) but NewObject opened it", name, eerr)
		}
		syms := o.Symbols()
		if len(syms) != len(esyms) {
			t.Fatalf("%s: %d symbols, debug/elf %d", name, len(syms), len(esyms))
		}
		for i, s := range syms {
			e := esyms[i]
			if s.Name != e.Name || s.Value != e.Value || s.Size != e.Size || s.Shndx != e.Section ||
				s.Type != elf.ST_TYPE(e.Info) || s.Bind != elf.ST_BIND(e.Info) || s.Index != i+1 {
				t.Fatalf("%s: symbol %d: %+v, debug/elf %+v", name, i+1, s, e)
			}
		}
	}
}

func TestSymbolsAgreeWithDebugELF(t *testing.T) {
	compareWithDebugELF(t, smallObject(t), "small.o")
	compareWithDebugELF(t, readFile(t, compileC(t, "mm.c", mismatchSource, "-fno-pie")), "mm.o")
	if testing.Short() {
		return
	}
	// Installed modules, where there are any: a few hundred in the order
	// the directory walk gives.
	rels, _ := filepath.Glob("/lib/modules/*/kernel")
	n := 0
	for _, root := range rels {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".ko") || n >= 300 {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			compareWithDebugELF(t, data, path)
			n++
			return nil
		})
	}
	t.Logf("%d installed modules compared", n)
}

// FuzzSymbolsDebugELF: on any input, the symbols sectionrt decodes are
// the ones debug/elf decodes.
func FuzzSymbolsDebugELF(f *testing.F) {
	f.Add(smallObject(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		compareWithDebugELF(t, data, "fuzz.o")
	})
}
