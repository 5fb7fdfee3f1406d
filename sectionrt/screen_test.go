package sectionrt

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// byRelease is verify's choice of rules: the object's own release.
func byRelease(rel string) *RuleSet {
	rs, err := RulesForRelease(rel)
	if err != nil {
		return nil
	}
	return rs
}

// screenAgrees requires that when Screen clears data, Open and
// CheckMismatch under the same rule set find nothing and fail nowhere, and
// that the rule set is the one the object's release names. It reports
// whether the object was cleared.
func screenAgrees(t *testing.T, s *Screen, data []byte, what string, rules func(string) *RuleSet) bool {
	t.Helper()
	rs := s.Clean(bytes.NewReader(data), int64(len(data)), rules)
	if rs == nil {
		return false
	}
	o, err := NewObject(bytes.NewReader(data), "x.ko")
	if err != nil {
		t.Fatalf("%s: cleared, but NewObject: %v", what, err)
	}
	if want := rules(o.KernelRelease()); want == nil || want.Version != rs.Version {
		t.Fatalf("%s: cleared with rules %s, but the object's release is %q", what, rs.Version, o.KernelRelease())
	}
	fs, err := CheckMismatch(o, rs)
	if err != nil || len(fs) != 0 {
		t.Fatalf("%s: cleared, but CheckMismatch (rules %s): %d finding(s), error %v", what, rs.Version, len(fs), err)
	}
	return true
}

// TestScreenFixtures: a clean object is cleared under the rules its
// vermagic names; one with mismatches, or without vermagic, is not.
func TestScreenFixtures(t *testing.T) {
	var s Screen
	small := smallObject(t)
	rs := s.Clean(bytes.NewReader(small), int64(len(small)), byRelease)
	if rs == nil || rs.Version != "6.1" {
		t.Fatalf("small.o (vermagic 6.1.0-56-amd64): Clean = %v, want the 6.1 rules", rs)
	}
	if !screenAgrees(t, &s, small, "small.o", byRelease) {
		t.Fatal("small.o not cleared the second time")
	}
	mm := readFile(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	for _, v := range RuleVersions {
		fixed, _ := Rules(v)
		if rs := s.Clean(bytes.NewReader(mm), int64(len(mm)), func(string) *RuleSet { return fixed }); rs != nil {
			t.Errorf("mm.o (mismatches) cleared under rules %s", v)
		}
	}
	if rs := s.Clean(bytes.NewReader(small), int64(len(small)), func(string) *RuleSet { return nil }); rs != nil {
		t.Errorf("cleared with no rule set")
	}
	for _, n := range []int{0, 63, 64, len(small) - 1} {
		if rs := s.Clean(bytes.NewReader(small[:n]), int64(n), byRelease); rs != nil {
			t.Errorf("small.o truncated to %d bytes cleared", n)
		}
	}
}

// TestScreenAgrees corrupts clean objects (bit flips, random bytes, 0xff
// runs, boundary values in header fields) and requires every object the
// Screen clears to be one Open and CheckMismatch clear too. The installed
// 6.1 modules, when present, add large tables (read a window at a time).
func TestScreenAgrees(t *testing.T) {
	bases := [][]byte{smallObject(t)}
	if rel, ok := kernels.FindRelease("6.1."); ok {
		for _, m := range []string{"fs/ext4/ext4.ko", "drivers/net/dummy.ko", "fs/fat/vfat.ko"} {
			if b, err := os.ReadFile(filepath.Join(rel.Tree, "kernel", m)); err == nil {
				bases = append(bases, b)
			}
		}
	}
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	// mm.o holds mismatches: never cleared itself, its mutants must agree
	// too. It has no vermagic, so every rule set is tried on it.
	mm := readFile(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	var s Screen
	rng := rand.New(rand.NewPCG(13, 1))
	for _, v := range RuleVersions {
		fixed, _ := Rules(v)
		rules := func(string) *RuleSet { return fixed }
		for range iters / 10 {
			screenAgrees(t, &s, mutate(rng, mm), "mm.o mutant", rules)
		}
	}
	for bi, base := range bases {
		if !screenAgrees(t, &s, base, "base", byRelease) {
			t.Fatalf("base object %d not cleared", bi)
		}
		cleared := 0
		n := iters
		if len(base) > 1<<20 {
			n = iters / 10 // ext4: each check takes milliseconds
		}
		for i := range n {
			d := mutate(rng, base)
			if i%2 == 1 {
				d = bytes.Clone(base)
				// A boundary value over a field of the ELF header or of
				// a section header, where the checks live.
				shoff := int(le64(d[0x28:]))
				off := rng.IntN(64)
				if rng.IntN(2) == 0 && shoff < len(d)-8 {
					off = shoff + rng.IntN(len(d)-shoff-8)
				}
				v := []uint64{0, 1, 0xff, 0xffff, 0xff00, 0xfff1, 0xffffffff, 1 << 62, ^uint64(0)}[rng.IntN(9)]
				for j := range []int{1, 2, 4, 8}[rng.IntN(4)] {
					if off+j < len(d) {
						d[off+j] = byte(v >> (8 * j))
					}
				}
			}
			if screenAgrees(t, &s, d, "mutant", byRelease) {
				cleared++
			}
		}
		t.Logf("base %d (%d bytes): %d of %d mutants cleared", bi, len(base), cleared, n)
	}
}

// TestScreenInstalled runs the Screen over the installed 6.1 modules: every
// module it clears is clean by CheckMismatch, and it clears all but a few
// of those that are (a whitelisted reference is not cleared: modpost's
// names decide it).
func TestScreenInstalled(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	var s Screen
	clean, cleared, n := 0, 0, 0
	err := filepath.WalkDir(filepath.Join(rel.Tree, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".ko") || (testing.Short() && n >= 400) {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if screenAgrees(t, &s, data, p, byRelease) {
			cleared++
			clean++
			return nil
		}
		o, err := NewObject(bytes.NewReader(data), p)
		if err != nil {
			return nil
		}
		if fs, err := CheckMismatch(o, byRelease(o.KernelRelease())); err == nil && len(fs) == 0 {
			clean++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d modules: %d clean, %d of them cleared by the Screen", n, clean, cleared)
	if clean-cleared > 5 {
		t.Errorf("the Screen left %d of %d clean modules to the full check", clean-cleared, clean)
	}
}

// FuzzScreen: an object the Screen clears opens and has no finding under
// the rules it was cleared by.
func FuzzScreen(f *testing.F) {
	f.Add(smallObject(f))
	var s Screen
	f.Fuzz(func(t *testing.T, data []byte) {
		screenAgrees(t, &s, data, "fuzz", byRelease)
	})
}

// TestModinfoValue: the Screen's vermagic is Object.Vermagic's, the value
// of the first NUL-separated key=value string whose key is vermagic.
func TestModinfoValue(t *testing.T) {
	for _, tc := range []struct{ info, want string }{
		{"vermagic=6.1.0 SMP\x00", "6.1.0 SMP"},
		{"license=GPL\x00\x00\x00vermagic=a b\x00depends=", "a b"},
		{"xvermagic=no\x00vermagic=yes", "yes"},
		{"a=vermagic=no\x00=vermagic=no\x00vermagic=yes\x00vermagic=second", "yes"},
		{"vermagic\x00vermagic=\x00vermagic=late", ""},
		{"license=GPL", ""},
		{"", ""},
	} {
		if got := string(modinfoValue([]byte(tc.info), "vermagic=")); got != tc.want {
			t.Errorf("modinfoValue(%q) = %q, want %q", tc.info, got, tc.want)
		}
		// Object.loadModInfo's reading of the same bytes.
		var o Object
		for _, kv := range strings.Split(tc.info, "\x00") {
			if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
				o.modinfo = append(o.modinfo, modinfoEntry{k, v})
			}
		}
		if got := o.Vermagic(); got != strings.TrimSpace(tc.want) {
			t.Errorf("%q: Object.Vermagic %q, modinfoValue %q", tc.info, got, tc.want)
		}
	}
}

// TestReleaseOf: the release is the first word of a vermagic, as
// strings.Fields splits it (Unicode spaces, invalid UTF-8 not one), for
// an Object (releaseOf) and for the Screen (firstWord).
func TestReleaseOf(t *testing.T) {
	for _, v := range []string{
		"6.1.0-57-amd64 SMP preempt mod_unload modversions ",
		"  6.12.48+deb13-amd64\tSMP", "\u00a06.1\u2003x", "6.1\xff\xfe x", "", "   ", "one",
		"\xc2", "\u0085a b", "a\u0085b",
	} {
		want := ""
		if f := strings.Fields(v); len(f) > 0 {
			want = f[0]
		}
		if got := releaseOf(v); got != want {
			t.Errorf("releaseOf(%q) = %q, want %q", v, got, want)
		}
		if got := string(firstWord([]byte(v))); got != want {
			t.Errorf("firstWord(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestScreenReleaseNoAlloc: the Screen finds a module's release without
// allocating once it has seen that release.
func TestScreenReleaseNoAlloc(t *testing.T) {
	var s Screen
	data := smallObject(t)
	r := bytes.NewReader(data)
	if s.Clean(r, int64(len(data)), byRelease) == nil {
		t.Fatal("the small object is not cleared")
	}
	rel := s.lastRelease
	if rel == "" {
		t.Fatal("no release kept")
	}
	if n := testing.AllocsPerRun(10, func() { s.release(r) }); n != 0 {
		t.Errorf("release allocates %v times per call", n)
	}
	if got := s.release(r); got != rel {
		t.Errorf("release %q, want %q", got, rel)
	}
}

// TestScreenCleanWhole: Clean reads a file of at most maxWholeView bytes
// with one call to ReadAt and judges it as it judges one read in parts;
// one byte more, and it reads the parts. A whole read that comes short
// of the size given clears nothing.
func TestScreenCleanWhole(t *testing.T) {
	var s Screen
	small := smallObject(t)
	if len(small) > maxWholeView {
		t.Fatalf("small.o is %d bytes, more than maxWholeView (%d)", len(small), maxWholeView)
	}
	r := &countReads{r: bytes.NewReader(small)}
	if rs := s.Clean(r, int64(len(small)), byRelease); rs == nil || rs.Version != "6.1" || r.n != 1 {
		t.Fatalf("small.o: Clean = rules %q with %d calls to ReadAt; want 6.1 with 1", version(rs), r.n)
	}
	padded := append(slices.Clip(small), make([]byte, maxWholeView+1-len(small))...)
	r = &countReads{r: bytes.NewReader(padded)}
	if rs := s.Clean(r, int64(len(padded)), byRelease); rs == nil || rs.Version != "6.1" || r.n < 3 {
		t.Fatalf("small.o padded to %d bytes: Clean = rules %q with %d calls to ReadAt; want 6.1 with the header's, the section headers' and the symbols'", len(padded), version(rs), r.n)
	}
	r = &countReads{r: bytes.NewReader(small[:len(small)-1])}
	if rs := s.Clean(r, int64(len(small)), byRelease); rs != nil || r.n != 1 {
		t.Fatalf("small.o with its last byte missing: Clean = rules %q with %d calls to ReadAt; want none with 1", version(rs), r.n)
	}
}

// version is rs's version, "" for nil.
func version(rs *RuleSet) string {
	if rs == nil {
		return ""
	}
	return rs.Version
}
