package target

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestParseDepends(t *testing.T) {
	got := parseDepends("gcc-16-for-host, linux-base (>= 4.12~), linux-image-x (= 1-1) | linux-image-x-unsigned (= 1-1),  libc6:any (>= 2.38)")
	want := [][]Dependency{
		{{Name: "gcc-16-for-host"}},
		{{Name: "linux-base", Relation: ">=", Version: "4.12~"}},
		{{Name: "linux-image-x", Relation: "=", Version: "1-1"}, {Name: "linux-image-x-unsigned", Relation: "=", Version: "1-1"}},
		{{Name: "libc6", Relation: ">=", Version: "2.38"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestParseStanzas(t *testing.T) {
	in := "# comment\nPackage: a\nVersion: 1\nArchitecture: all\nDepends: b,\n c\nDescription: x\n more\n\r\n\nPackage: b\nVersion: 2\nArchitecture: amd64\n"
	got, err := parseStanzas([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Depends != "b, c" || got[1].Package != "b" {
		t.Errorf("got %+v", got)
	}
	if _, err := parseStanzas([]byte("Version: 1\nArchitecture: all\n")); err == nil || !strings.Contains(err.Error(), "without Package") {
		t.Errorf("no Package: %v", err)
	}
	if _, err := parseStanzas([]byte("Package a\n")); err == nil {
		t.Error("a line without a colon parsed")
	}
}

// Resolution errors, each naming the target and the package at fault.
func TestResolveErrors(t *testing.T) {
	const meta = "Package: linux-headers-amd64\nVersion: 6.1.901-1\nArchitecture: amd64\nDepends: linux-headers-6.1.0-901-amd64 (= 6.1.901-1)\n\n" +
		"Package: linux-image-amd64\nVersion: 6.1.901-1\nArchitecture: amd64\nDepends: linux-image-6.1.0-901-amd64 (= 6.1.901-1)\n\n"
	for _, c := range []struct {
		name, index, target, want string
	}{
		{"no arm64", meta, "debian-12/6.1/arm64", "debian-12/6.1/arm64: the archive has no linux-headers-arm64"},
		{"no headers", meta, "debian-12/6.1/amd64", "debian-12/6.1/amd64: the archive has no linux-headers-6.1.0-901-amd64 (wanted as headers)"},
		{"wrong version", meta +
			"Package: linux-headers-6.1.0-901-amd64\nVersion: 6.1.901-2\nArchitecture: amd64\n\n" +
			"Package: linux-image-6.1.0-901-amd64\nVersion: 6.1.901-1\nArchitecture: amd64\n",
			"debian-12/amd64", "debian-12/amd64: linux-headers-6.1.0-901-amd64 is 6.1.901-2 in the archive, but 6.1.901-1 is wanted"},
		{"no compiler", meta +
			"Package: linux-headers-6.1.0-901-amd64\nVersion: 6.1.901-1\nArchitecture: amd64\nDepends: linux-kbuild-6.1\n\n" +
			"Package: linux-kbuild-6.1\nVersion: 6.1.901-1\nArchitecture: amd64\n\n" +
			"Package: linux-image-6.1.0-901-amd64\nVersion: 6.1.901-1\nArchitecture: amd64\n",
			"debian-12/amd64", "debian-12/amd64: cannot tell the compiler package from linux-headers-6.1.0-901-amd64's Depends: linux-kbuild-6.1"},
	} {
		ix, err := NewPackagesIndex([]byte(c.index))
		if err != nil {
			t.Fatal(err)
		}
		tg, err := ParseName(c.target)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Resolve(context.Background(), MapSource{"debian-12": ix}, []Target{tg})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v\nwant %s", c.name, err, c.want)
		}
	}
}
