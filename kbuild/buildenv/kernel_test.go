package buildenv

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/target"
)

func TestKernelPackages(t *testing.T) {
	r := res("debian-sid/amd64", "gcc-16",
		target.Package{Role: target.RoleHeaders, Name: "linux-headers-7.2.13+deb14-amd64"},
		target.Package{Role: target.RoleImageMeta, Name: "linux-image-amd64"},
		target.Package{Role: target.RoleImage, Name: "linux-image-7.2.13+deb14-amd64"},
		target.Package{Role: target.RoleBinary, Name: "linux-binary-7.2.13+deb14-amd64"},
		target.Package{Role: target.RoleModules, Name: "linux-modules-7.2.13+deb14-amd64"},
	)
	var got []string
	for _, p := range KernelPackages(r) {
		got = append(got, p.Name)
	}
	want := []string{"linux-image-7.2.13+deb14-amd64", "linux-binary-7.2.13+deb14-amd64", "linux-modules-7.2.13+deb14-amd64"}
	if len(got) != len(want) {
		t.Fatalf("KernelPackages = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("KernelPackages = %q, want %q", got, want)
		}
	}
	if _, err := (&Config{}).Kernel(context.Background(), res("debian-12/6.1/amd64", "gcc-12")); err == nil {
		t.Error("Kernel of a resolution without headers and image: no error")
	}
}

// TestKernelFromLock unpacks the kernel of every target of this
// repository's lock (downloading each once into the user's cache) and
// checks that it has an image and an indexed module tree of the locked
// release.
func TestKernelFromLock(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: downloads every target's kernel packages")
	}
	if os.Geteuid() != 0 && !testenv.CI() {
		t.Skip("not root: dpkg-deb -x of kernel packages keeps their modes; run as root (CI=true runs it)")
	}
	lock, err := target.ReadLock("../..")
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{}
	for _, r := range lock.Resolutions {
		t.Run(r.Target.String(), func(t *testing.T) {
			start := time.Now()
			k, err := c.Kernel(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s, modules %s (%v)", r.Target, k.Image, k.ModulesDir, time.Since(start).Round(time.Millisecond))
			if k.Release != r.Kernel() || filepath.Base(k.ModulesDir) != r.Kernel() {
				t.Errorf("release %s, modules %s; want %s", k.Release, k.ModulesDir, r.Kernel())
			}
			for _, f := range []string{k.Image, filepath.Join(k.ModulesDir, "modules.dep")} {
				if st, err := os.Stat(f); err != nil || st.Size() == 0 {
					t.Errorf("%s: %v (empty or missing)", f, err)
				}
			}
		})
	}
}
