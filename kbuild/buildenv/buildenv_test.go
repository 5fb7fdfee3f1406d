package buildenv

import (
	"reflect"
	"strings"
	"testing"

	"github.com/initsec/initsec/target"
)

func res(name, compiler string, pkgs ...target.Package) target.Resolution {
	t, err := target.ParseName(name)
	if err != nil {
		panic(err)
	}
	return target.Resolution{Target: t, Packages: append(pkgs, target.Package{Role: target.RoleCompiler, Name: compiler, Version: "1"})}
}

func TestChoose(t *testing.T) {
	bookworm := Host{Arch: "amd64", Compiler: "gcc-12"}
	trixie := Host{Arch: "amd64", Compiler: "gcc-14"}
	for _, tc := range []struct {
		r    target.Resolution
		host Host
		want Kind
	}{
		{res("debian-12/6.1/amd64", "gcc-12"), bookworm, KindHost},
		{res("debian-12/6.12/amd64", "gcc-12"), bookworm, KindHost},
		{res("debian-12/6.1/arm64", "gcc-12"), bookworm, KindHeaders},
		{res("debian-13/amd64", "gcc-14"), bookworm, KindRoot},
		{res("debian-sid/amd64", "gcc-16"), bookworm, KindRoot},
		// The rule, not a table: on a trixie host the roles turn around.
		{res("debian-13/amd64", "gcc-14"), trixie, KindHost},
		{res("debian-12/6.1/amd64", "gcc-12"), trixie, KindRoot},
		{res("debian-12/6.1/amd64", "gcc-12"), Host{Arch: "amd64"}, KindRoot}, // no gcc on the host
	} {
		got, why, err := Choose(tc.r, tc.host)
		if err != nil || got != tc.want || why == "" {
			t.Errorf("Choose(%s with %s, host %+v) = %q, %q, %v; want %q", tc.r.Target, tc.r.Compiler(), tc.host, got, why, err, tc.want)
		}
	}
	for _, tc := range []struct {
		r    target.Resolution
		want string
	}{
		{res("debian-13/arm64", "gcc-14"), "another architecture"},
		{res("debian-13/amd64", "clang-19"), "no gcc-N"},
		{target.Resolution{Target: target.Target{Release: "debian-12", Series: "6.1", Arch: "amd64"}, Ended: "gone"}, "series ended"},
	} {
		if _, _, err := Choose(tc.r, bookworm); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Choose(%s): err = %v, want one containing %q", tc.r.Target, err, tc.want)
		}
	}
}

func TestRootSpec(t *testing.T) {
	r := res("debian-13/amd64", "gcc-14",
		target.Package{Role: target.RoleHeadersMeta, Name: "linux-headers-amd64", Version: "6.12.118-1"},
		target.Package{Role: target.RoleHeaders, Name: "linux-headers-6.12.118+deb13-amd64", Version: "6.12.118-1"},
		target.Package{Role: target.RoleHeadersCommon, Name: "linux-headers-6.12.118+deb13-common", Version: "6.12.118-1"},
		target.Package{Role: target.RoleKbuild, Name: "linux-kbuild-6.12.118+deb13", Version: "6.12.118-1"},
		target.Package{Role: target.RoleImage, Name: "linux-image-6.12.118+deb13-amd64", Version: "6.12.118-1"},
	)
	spec, err := RootSpec(r, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"make", "perl", "linux-headers-6.12.118+deb13-amd64=6.12.118-1", "linux-headers-6.12.118+deb13-common=6.12.118-1",
		"linux-kbuild-6.12.118+deb13=6.12.118-1", "gcc-14=1"}
	if spec.Suite != "trixie" || spec.Arch != "amd64" || !reflect.DeepEqual(spec.Packages, want) {
		t.Errorf("RootSpec = %+v\nwant trixie amd64 %q", spec, want)
	}
	if want := []string{"deb " + target.DefaultSecurityMirror + " trixie-security main"}; !reflect.DeepEqual(spec.Sources, want) {
		t.Errorf("Sources = %q, want %q", spec.Sources, want)
	}
	if _, err := spec.Key(); err != nil {
		t.Errorf("the spec is not valid for buildroot: %v", err)
	}
	sid, _ := RootSpec(res("debian-sid/amd64", "gcc-16"), "")
	if sid.Suite != "sid" || len(sid.Sources) != 0 {
		t.Errorf("sid: %+v", sid)
	}
}

func TestGCCMajor(t *testing.T) {
	for in, want := range map[string]int{"gcc-12": 12, "gcc-16": 16, "gcc": 0, "gcc-": 0, "clang-19": 0, "gcc-x": 0} {
		if got, _ := gccMajor(in); got != want {
			t.Errorf("gccMajor(%q) = %d, want %d", in, got, want)
		}
	}
}
