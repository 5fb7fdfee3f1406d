package target

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Target
	}{
		{"debian-12/6.1/amd64", Target{"debian-12", "6.1", "amd64"}},
		{"debian-12/6.12/amd64", Target{"debian-12", "6.12", "amd64"}},
		{"debian-13/amd64", Target{"debian-13", "", "amd64"}},
		{"debian-sid/amd64", Target{"debian-sid", "", "amd64"}},
		{"debian-12/6.1/arm64", Target{"debian-12", "6.1", "arm64"}},
	} {
		got, err := ParseName(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseName(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if got.String() != c.in {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), c.in)
		}
	}
}

func TestParseNameErrors(t *testing.T) {
	for _, c := range []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty name"},
		{"debian-12", 0, "have 1 part(s)"},
		{"debian-12/6.1/amd64/x", 0, "have 4 part(s)"},
		{"debian-11/amd64", 0, `unknown release "debian-11"`},
		{"Debian-12/amd64", 0, `unknown release "Debian-12"`},
		{"debian-12/6/amd64", 10, `series "6" is not MAJOR.MINOR`},
		{"debian-12/6.01/amd64", 10, `series "6.01"`},
		{"debian-12/6.1/x86_64", 14, `unknown architecture "x86_64" (known: amd64, arm64)`},
		{"debian-sid/i386", 11, `unknown architecture "i386"`},
		{"debian-12/" + strings.Repeat("1", 60), MaxNameLen, "longer than"},
	} {
		_, err := ParseName(c.in)
		var ne *NameError
		if !errors.As(err, &ne) {
			t.Errorf("ParseName(%q) = %v, want a *NameError", c.in, err)
			continue
		}
		if ne.Offset != c.offset || !strings.Contains(ne.Msg, c.msg) {
			t.Errorf("ParseName(%q): offset %d, %q; want offset %d, %q", c.in, ne.Offset, ne.Msg, c.offset, c.msg)
		}
	}
}

func TestParseTargets(t *testing.T) {
	const file = `# Kernels this repository's modules are built for.
debian-12/6.1/amd64
  debian-12/6.12/amd64   # Debian 12's second series

debian-13/amd64	# tab before the comment
debian-sid/amd64
debian-12/6.1/arm64
`
	want := []string{"debian-12/6.1/amd64", "debian-12/6.12/amd64", "debian-13/amd64", "debian-sid/amd64", "debian-12/6.1/arm64"}
	for _, eol := range []string{"\n", "\r\n"} {
		got, err := ParseTargets("initsec.targets", []byte(strings.ReplaceAll(file, "\n", eol)))
		if err != nil {
			t.Fatalf("eol %q: %v", eol, err)
		}
		var names []string
		for _, tg := range got {
			names = append(names, tg.String())
		}
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Errorf("eol %q: got %v, want %v", eol, names, want)
		}
	}
	if got, err := ParseTargets("f", []byte("# nothing\n\n")); err != nil || len(got) != 0 {
		t.Errorf("comments only: %v, %v", got, err)
	}
}

func TestParseTargetsErrors(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // the whole message up to the hint
	}{
		{"debian-12/6.1/amd64\ndebian-11/amd64\n", `initsec.targets:2:1: target "debian-11/amd64": unknown release "debian-11" (known: debian-12, debian-13, debian-sid); known targets: debian-12/6.1/amd64,`},
		{"  debian-12/6.1/amd6\n", `initsec.targets:1:17: target "debian-12/6.1/amd6": unknown architecture "amd6"`},
		{"debian-12/61/amd64\n", `initsec.targets:1:11: target "debian-12/61/amd64": series "61" is not MAJOR.MINOR`},
		{"debian-13/amd64 debian-sid/amd64\n", `initsec.targets:1:17: unexpected "debian-sid/amd64" after target "debian-13/amd64": one target per line`},
		{"debian-13/amd64\r\n# x\r\n\tdebian-13/amd64 # again\r\n", `initsec.targets:3:2: target debian-13/amd64 listed twice (first on line 1)`},
		{"debian-13\n", `initsec.targets:1:1: target "debian-13": want DISTRO-RELEASE/SERIES/ARCH or DISTRO-RELEASE/ARCH, have 1 part(s)`},
		{strings.Repeat("#", MaxFileSize+1), `initsec.targets:1:1: larger than 65536 bytes`},
	} {
		_, err := ParseTargets("initsec.targets", []byte(c.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: %v, want a *SyntaxError", c.in, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\n got %s\nwant %s…", c.in, err, c.want)
		}
	}
}

func TestReadTargets(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadTargets(dir); !errors.Is(err, ErrNoTargetsFile) {
		t.Fatalf("no file: %v, want ErrNoTargetsFile", err)
	}
	if err := os.WriteFile(filepath.Join(dir, TargetsFile), []byte("debian-sid/amd64\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTargets(dir)
	if err != nil || len(got) != 1 || got[0].String() != "debian-sid/amd64" {
		t.Fatalf("got %v, %v", got, err)
	}
}
