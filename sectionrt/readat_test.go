package sectionrt

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadAtMatchesBytes opens objects both ways, with ReadAt (what
// modfile does for a plain .ko: only the tables and the sections asked
// for, relocations through a small window, refilled many times here) and
// from memory (NewObjectBytes, what the whole-file reader did), and
// compares everything the checks read: sections, symbols, .modinfo, every
// relocation, the mismatch findings of every rule set and the memory
// prediction. The objects: a small compiled one, the mismatch corpus
// where TestMismatchCorpus has built it (os.UserCacheDir()/initsec-corpus)
// and, unless -short, every .ko of the installed trees
// (/lib/modules/*/kernel).
func TestReadAtMatchesBytes(t *testing.T) {
	defer func(w int) { relocWindow = w }(relocWindow)
	relocWindow = 7 * 24 // seven RELA64 entries: windows end mid-section
	var files []string
	walk := func(root string, keep func(string) bool) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && keep(p) {
				files = append(files, p)
			}
			return nil
		})
	}
	small := filepath.Join(t.TempDir(), "small.o")
	if err := os.WriteFile(small, smallObject(t), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, small)
	if cache, err := os.UserCacheDir(); err == nil {
		walk(filepath.Join(cache, "initsec-corpus"), func(p string) bool { return strings.HasSuffix(p, ".ko") })
	}
	if !testing.Short() {
		trees, _ := filepath.Glob("/lib/modules/*/kernel")
		for _, tree := range trees {
			walk(tree, func(p string) bool { return strings.HasSuffix(p, ".ko") })
		}
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		mem, errMem := NewObjectBytes(data, p)
		at, errAt := NewObject(bytes.NewReader(data), p)
		if a, b := errString(errMem), errString(errAt); a != b {
			t.Errorf("%s: open: in memory %q, with ReadAt %q", p, a, b)
			continue
		}
		if errMem != nil {
			continue
		}
		if a, b := digest(t, mem), digest(t, at); a != b {
			t.Errorf("%s: the two readers differ:\nin memory: %.2000s\nReadAt:    %.2000s", p, a, b)
		}
	}
	t.Logf("%d objects", len(files))
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// digest is everything the checks read from o, as JSON.
func digest(t *testing.T, o *Object) string {
	t.Helper()
	type relocs struct {
		Section RelocSection
		Relocs  []Relocation
		Err     string
	}
	type checked struct {
		Rules    string
		Findings []Finding
		Err      string
	}
	var d struct {
		Sections []Section
		Symbols  []Symbol
		ModInfo  map[string][]string
		Relocs   []relocs
		RelocErr string
		Checks   []checked
		Memory   [2]Memory
	}
	d.Sections, d.Symbols, d.ModInfo = o.Sections(), o.Symbols(), o.ModInfo()
	rels, err := o.RelocSections()
	d.RelocErr = errString(err)
	for _, r := range rels {
		rs, err := o.Relocations(r)
		d.Relocs = append(d.Relocs, relocs{r, rs, errString(err)})
	}
	for _, v := range RuleVersions {
		rs, err := Rules(v)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := CheckMismatch(o, rs)
		d.Checks = append(d.Checks, checked{v, fs, errString(err)})
	}
	d.Memory = [2]Memory{PredictMemory(o, true), PredictMemory(o, false)}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
