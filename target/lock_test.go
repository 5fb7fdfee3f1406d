package target

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.lock golden files")

// fakeArchive serves the fake Packages indexes in testdata/archive:
// state "old" or "new".
func fakeArchive(t *testing.T, state string) MapSource {
	t.Helper()
	src := MapSource{}
	for rel, file := range map[string]string{"debian-12": "bookworm", "debian-sid": "sid"} {
		ix, err := ReadPackagesIndex(filepath.Join("testdata", "archive", file+"-"+state+".Packages"))
		if err != nil {
			t.Fatal(err)
		}
		src[rel] = ix
	}
	return src
}

func mustTargets(t *testing.T, names ...string) []Target {
	t.Helper()
	var ts []Target
	for _, n := range names {
		tg, err := ParseName(n)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tg)
	}
	return ts
}

var fakeTargets = []string{"debian-12/6.1/amd64", "debian-12/6.12/amd64", "debian-sid/amd64"}

// The lock of the old fake archive, byte for byte (testdata/old.lock;
// go test -run TestLockGolden -update rewrites it), and that parsing it
// gives the resolutions back.
func TestLockGolden(t *testing.T) {
	rs, err := Resolve(context.Background(), fakeArchive(t, "old"), mustTargets(t, fakeTargets...))
	if err != nil {
		t.Fatal(err)
	}
	got := FormatLock(rs)
	golden := filepath.Join("testdata", "old.lock")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("FormatLock differs from %s:\n%s", golden, got)
	}
	l, err := ParseLock(golden, want)
	if err != nil {
		t.Fatal(err)
	}
	if again := FormatLock(l.Resolutions); !bytes.Equal(again, want) {
		t.Errorf("FormatLock(ParseLock(lock)) differs:\n%s", again)
	}
	// Input order does not matter: the lock is sorted.
	rev := []Resolution{rs[2], rs[0], rs[1]}
	if !bytes.Equal(FormatLock(rev), want) {
		t.Error("FormatLock depends on the order of its input")
	}
	for _, r := range rs {
		lr, ok := l.Lookup(r.Target)
		if !ok || !reflect.DeepEqual(lr, r) {
			t.Errorf("%s: parsed %+v, resolved %+v", r.Target, lr, r)
		}
	}
}

// A lock made from the older index, checked against the newer one: each
// kind of drift is reported, exactly.
func TestCheckDrift(t *testing.T) {
	ctx := context.Background()
	targets := mustTargets(t, fakeTargets...)
	old, err := Resolve(ctx, fakeArchive(t, "old"), targets)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := ParseLock("old", FormatLock(old))
	if err != nil {
		t.Fatal(err)
	}
	// No drift against the archive the lock came from.
	if _, drift, err := Check(ctx, fakeArchive(t, "old"), targets, lock); err != nil || len(drift) != 0 {
		t.Fatalf("old against old: %v, %v", drift, err)
	}
	// The targets file lists a target the lock lacks, and the lock has one
	// the file no longer lists.
	listed := append(mustTargets(t, fakeTargets...), Target{Release: "debian-sid", Arch: "amd64", Series: "7.901"})
	lock.Resolutions = append(lock.Resolutions, Resolution{Target: Target{Release: "debian-12", Arch: "amd64"}})
	fresh, drift, err := Check(ctx, fakeArchive(t, "new"), listed, lock)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range drift {
		got = append(got, d.String())
	}
	want := []string{
		"debian-12/6.1/amd64: new ABI 6.1.0-902-amd64 (locked: 6.1.0-901-amd64)",
		"debian-12/6.1/amd64: headers-meta linux-headers-amd64 is now 6.1.902-1 (locked: 6.1.901-1)",
		"debian-12/6.1/amd64: headers is now linux-headers-6.1.0-902-amd64 6.1.902-1 (locked: linux-headers-6.1.0-901-amd64 6.1.901-1)",
		"debian-12/6.1/amd64: headers-common is now linux-headers-6.1.0-902-common 6.1.902-1 (locked: linux-headers-6.1.0-901-common 6.1.901-1)",
		"debian-12/6.1/amd64: kbuild linux-kbuild-6.1 is now 6.1.902-1 (locked: 6.1.901-1)",
		"debian-12/6.1/amd64: compiler-dep linux-compiler-gcc-12-x86 is now 6.1.902-1 (locked: 6.1.901-1)",
		"debian-12/6.1/amd64: image-meta linux-image-amd64 is now 6.1.902-1 (locked: 6.1.901-1)",
		"debian-12/6.1/amd64: image is now linux-image-6.1.0-902-amd64 6.1.902-1 (locked: linux-image-6.1.0-901-amd64 6.1.901-1)",
		"debian-12/6.1/amd64: headers-meta linux-headers-amd64 6.1.901-1 is gone from the archive",
		"debian-12/6.1/amd64: headers linux-headers-6.1.0-901-amd64 6.1.901-1 is gone from the archive",
		"debian-12/6.1/amd64: headers-common linux-headers-6.1.0-901-common 6.1.901-1 is gone from the archive",
		"debian-12/6.1/amd64: kbuild linux-kbuild-6.1 6.1.901-1 is gone from the archive",
		"debian-12/6.1/amd64: compiler-dep linux-compiler-gcc-12-x86 6.1.901-1 is gone from the archive",
		"debian-12/6.1/amd64: image-meta linux-image-amd64 6.1.901-1 is gone from the archive",
		"debian-12/6.12/amd64: series ended: debian-12 serves no 6.12 series for amd64 (no linux-headers-6.12-amd64; linux-headers-amd64 is 6.1)",
		"debian-12/6.12/amd64: headers-meta linux-headers-6.12-amd64 6.12.901-1~deb12u1 is gone from the archive",
		"debian-12/6.12/amd64: headers linux-headers-6.12.901+deb12-amd64 6.12.901-1~deb12u1 is gone from the archive",
		"debian-12/6.12/amd64: headers-common linux-headers-6.12.901+deb12-common 6.12.901-1~deb12u1 is gone from the archive",
		"debian-12/6.12/amd64: kbuild linux-kbuild-6.12.901+deb12 6.12.901-1~deb12u1 is gone from the archive",
		"debian-12/6.12/amd64: image-meta linux-image-6.12-amd64 6.12.901-1~deb12u1 is gone from the archive",
		"debian-12/6.12/amd64: image linux-image-6.12.901+deb12-amd64 6.12.901-1~deb12u1 is gone from the archive",
		"debian-sid/amd64: compiler gcc-16 is now 16.900.0-2 (locked: 16.900.0-1)",
		"debian-sid/amd64: compiler-dep gcc-16-for-host is now 16.900.0-2 (locked: 16.900.0-1)",
		"debian-sid/amd64: modules linux-modules-7.901.1+deb14-amd64: SHA256 is now " + sha(t, fresh[2], RoleModules) + " (locked: " + sha(t, old[2], RoleModules) + ")",
		"debian-sid/amd64: compiler gcc-16 16.900.0-1 is gone from the archive",
		"debian-sid/amd64: compiler-dep gcc-16-for-host 16.900.0-1 is gone from the archive",
		"debian-sid/7.901/amd64: not in the lock",
		"debian-12/amd64: locked but no longer listed in initsec.targets",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Kinds, not only text: kbuild kept its name (a version change), the
	// headers did not (a replacement).
	kinds := map[Role]DriftKind{}
	for _, d := range drift[:8] {
		kinds[d.Role] = d.Kind
	}
	if kinds[RoleKbuild] != DriftVersion || kinds[RoleHeaders] != DriftReplaced || drift[0].Kind != DriftNewABI {
		t.Errorf("kinds: %v, first %s", kinds, drift[0].Kind)
	}
	if fresh[1].Ended == "" || len(fresh[1].Packages) != 0 {
		t.Errorf("6.12 resolution: %+v, want Ended", fresh[1])
	}
}

func sha(t *testing.T, r Resolution, role Role) string {
	t.Helper()
	p, ok := r.Package(role)
	if !ok {
		t.Fatalf("%s: no %s", r.Target, role)
	}
	return p.SHA256
}

func TestParseLockErrors(t *testing.T) {
	const good = "debian-sid/amd64 headers linux-headers-x-amd64 7.0-1 amd64 " +
		"0000000000000000000000000000000000000000000000000000000000000000 pool/main/l/linux/x.deb"
	for _, c := range []struct {
		in, want string
	}{
		{"# header\n" + good + " extra\n", "f:2:1: want 7 space-separated fields"},
		{strings.Replace(good, "debian-sid/amd64", "debian-sid/x86", 1), `f:1:1: target "debian-sid/x86": unknown architecture`},
		{strings.Replace(good, "headers", "kernel", 1), `f:1:18: unknown role "kernel"`},
		{good + "\n" + good, "f:2:18: second headers package for debian-sid/amd64 (first on line 1)"},
		{strings.Replace(good, "linux-headers-x-amd64", "Linux", 1), `f:1:26: invalid package name "Linux"`},
		{strings.Replace(good, "7.0-1", "v7", 1), `f:1:48: invalid version "v7"`},
		{strings.Replace(good, " amd64 0", " arm64 0", 1), `f:1:54: architecture "arm64" for a amd64 target`},
		{strings.Replace(good, "0000000000", "00000", 1), "f:1:60: SHA256 is not 64 lower-case hex digits"},
		{strings.Replace(good, "x.deb", "x.tar", 1), `f:1:125: invalid archive path "pool/main/l/linux/x.tar"`},
	} {
		_, err := ParseLock("f", []byte(c.in))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s…", c.in, err, c.want)
		}
	}
}
