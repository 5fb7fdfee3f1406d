package modfile

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	root := t.TempDir()
	abs := func(p string) string { return filepath.Join(root, p) }
	files := map[string]string{
		// A built external module: hello.ko is reported, not its parts.
		"build/hello.ko": "", "build/hello.o": "", "build/hello.mod.o": "", "build/hello.mod": abs("build/hello.o") + "\n",
		// A multi-object module: multi.ko; a.o and b.o are its parts.
		"build/multi.ko": "", "build/multi.o": "", "build/a.o": "", "build/b.o": "", "build/multi.mod": abs("build/a.o") + " " + abs("build/b.o") + "\n",
		// Before modpost: only the linked pre.o.
		"pre/pre.o": "", "pre/p1.o": "", "pre/p2.o": "", "pre/pre.mod": "p1.o p2.o\n",
		// A stray object that belongs to no module.
		"build/stray.o": "",
		// An external module with parts in subdirectories (the kernel's
		// net/dccp built with M=: dccp-y += ccids/ccid2.o, and
		// ccids/lib/tfrc.o two levels down): dccp.ko, not its parts; an
		// object of that subdirectory that no list names stays.
		"build/dccp.ko": "", "build/dccp.o": "", "build/dccp.mod": abs("build/ccids/ccid2.o") + "\n" + abs("build/ccids/lib/tfrc.o") + "\n",
		"build/ccids/ccid2.o": "", "build/ccids/lib/tfrc.o": "", "build/ccids/lone.o": "",
		// 6.12 kbuild compiles the common module info into .module-common.o.
		"build/.module-common.o": "",
		// An installed tree: compressed and plain modules, and what is not a module.
		"lib/kernel/net/x.ko.xz": "", "lib/kernel/net/y.ko.zst": "", "lib/kernel/z.ko.gz": "", "lib/kernel/w.ko": "",
		"lib/modules.dep": "", "lib/kernel/notes.txt": "", "lib/kernel/x.ko.bz2": "",
		".hidden/h.ko": "", "lib/.cache/c.ko": "",
		// Kbuild files, for the Listing.
		"build/Kbuild": "obj-m := hello.o multi.o dccp.o\n", "lib/kernel/net/Makefile.real": "",
	}
	for p, c := range files {
		os.MkdirAll(filepath.Dir(abs(p)), 0o755)
		os.WriteFile(abs(p), []byte(c), 0o644)
	}
	os.Symlink(abs("build"), abs("lib/build")) // not followed
	os.Symlink("Makefile.real", abs("lib/kernel/net/Makefile"))

	got, errs := Expand([]string{abs("build"), abs("pre"), abs("lib"), abs("build/a.o"), abs("build/hello.ko"), abs("nope")})
	want := []string{
		"build/dccp.ko", "build/hello.ko", "build/multi.ko", "build/stray.o", "build/ccids/lone.o",
		"pre/pre.o",
		"lib/kernel/w.ko", "lib/kernel/z.ko.gz", "lib/kernel/net/x.ko.xz", "lib/kernel/net/y.ko.zst",
		"build/a.o", // named on the command line
	}
	for i := range want {
		want[i] = abs(want[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("Expand:\n got %q\nwant %q", got, want)
	}
	if len(errs) != 1 || !os.IsNotExist(errs[0]) {
		t.Errorf("errors: %v, want one for nope", errs)
	}

	// One argument at a time: the same files, without the one named twice.
	for _, arg := range []string{"build", "pre", "lib"} {
		one, errs := Expand([]string{abs(arg)})
		var wantOne []string
		for _, w := range want[:len(want)-1] {
			if strings.HasPrefix(w, abs(arg)+"/") {
				wantOne = append(wantOne, w)
			}
		}
		if !slices.Equal(one, wantOne) || len(errs) != 0 {
			t.Errorf("Expand(%s):\n got %q, %v\nwant %q", arg, one, errs, wantOne)
		}
	}

	// The Listing: each directory with module files, and whether an
	// entry there is named Kbuild or Makefile (a symbolic link too).
	_, listing, _ := ExpandListing([]string{abs("build"), abs("pre"), abs("lib"), abs("build/a.o")})
	wantListing := Listing{
		abs("build"): true, abs("build/ccids"): false, abs("build/ccids/lib"): false,
		abs("pre"): false, abs("lib/kernel"): false, abs("lib/kernel/net"): true,
	}
	if !maps.Equal(listing, wantListing) {
		t.Errorf("Listing:\n got %v\nwant %v", listing, wantListing)
	}
	for dir, want := range map[string]bool{abs("pre"): true, abs("build"): false, abs("lib/kernel/net"): false, abs("elsewhere"): false, abs("build") + "/": false} {
		if got := listing.NoKbuild(dir); got != want {
			t.Errorf("NoKbuild(%s) = %v, want %v", dir, got, want)
		}
	}
}
