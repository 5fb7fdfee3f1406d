package boottest

import (
	"github.com/initsec/initsec/internal/dev/testenv"
	"path/filepath"
	"testing"
)

// TestVmlinuxInstalled unpacks every installed /boot/vmlinuz-* (Debian's
// 6.1 is xz, 6.12 zstd) to a PVH-bootable vmlinux.
func TestVmlinuxInstalled(t *testing.T) {
	images, _ := filepath.Glob("/boot/vmlinuz-*")
	if len(images) == 0 {
		testenv.SkipOrFail(t, "no /boot/vmlinuz-* (apt-get install linux-image-amd64)")
	}
	for _, img := range images {
		v, err := Vmlinux(img, "")
		if err != nil {
			t.Errorf("%s: %v", img, err)
			continue
		}
		t.Logf("%s: %s", img, v)
	}
}
