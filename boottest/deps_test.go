package boottest

import (
	"errors"
	"github.com/initsec/initsec/internal/dev/testenv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeDep is a modules.dep in depmod's style: each line lists every module
// the module needs, those needed by others last.
const fakeDep = `kernel/lib/crc8.ko.xz:
kernel/drivers/net/ethernet/qlogic/qed/qed.ko.xz: kernel/lib/crc8.ko.xz
kernel/drivers/scsi/scsi_common.ko.xz:
kernel/drivers/scsi/scsi_mod.ko.xz: kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/scsi/scsi_transport_fc.ko.xz: kernel/drivers/scsi/scsi_mod.ko.xz kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/scsi/libfc/libfc.ko.xz: kernel/drivers/scsi/scsi_transport_fc.ko.xz kernel/drivers/scsi/scsi_mod.ko.xz kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/scsi/fcoe/libfcoe.ko.xz: kernel/drivers/scsi/libfc/libfc.ko.xz kernel/drivers/scsi/scsi_transport_fc.ko.xz kernel/drivers/scsi/scsi_mod.ko.xz kernel/drivers/scsi/scsi_common.ko.xz
kernel/drivers/scsi/qedf/qedf.ko.xz: kernel/drivers/net/ethernet/qlogic/qed/qed.ko.xz kernel/lib/crc8.ko.xz kernel/drivers/scsi/fcoe/libfcoe.ko.xz kernel/drivers/scsi/libfc/libfc.ko.xz kernel/drivers/scsi/scsi_transport_fc.ko.xz kernel/drivers/scsi/scsi_mod.ko.xz kernel/drivers/scsi/scsi_common.ko.xz

# a comment
kernel/drivers/platform/x86/thinkpad-ec.ko.xz:
kernel/drivers/platform/x86/tp_smapi.ko.xz: kernel/drivers/platform/x86/thinkpad-ec.ko.xz kernel/drivers/platform/x86/thinkpad-ec.ko.xz
kernel/drivers/platform/x86/tp_smapi.ko.xz: kernel/lib/crc8.ko.xz
kernel/x/cyc_a.ko: kernel/x/cyc_b.ko
kernel/x/cyc_b.ko: kernel/x/cyc_a.ko
kernel/x/needs_gone.ko: kernel/x/gone.ko
kernel/x/needs_builtin.ko: kernel/x/crc32c.ko
`

func fakeTree(t *testing.T) *ModulesDep {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "modules.dep"), []byte(fakeDep), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte("kernel/x/crc32c.ko\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := LoadModulesDep(dir, "6.12.0-test-amd64")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func names(ms []TreeModule) []string {
	var s []string
	for _, m := range ms {
		n := m.Name
		if m.Builtin {
			n += "(builtin)"
		}
		s = append(s, n)
	}
	return s
}

func TestModName(t *testing.T) {
	for in, want := range map[string]string{
		"kernel/drivers/platform/x86/thinkpad-ec.ko.xz": "thinkpad_ec",
		"/x/crc8.ko":          "crc8",
		"nct6775-core.ko.zst": "nct6775_core",
		"a/b/c.ko.gz":         "c",
	} {
		if got := ModName(in); got != want {
			t.Errorf("ModName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOrderModprobe(t *testing.T) {
	d := fakeTree(t)
	r := &Resolver{Tree: d}
	got, err := r.Order("mine", []string{"qedf"})
	if err != nil {
		t.Fatal(err)
	}
	// Dependencies first, each once: what modprobe qedf loads.
	want := []string{"crc8", "qed", "scsi_common", "scsi_mod", "scsi_transport_fc", "libfc", "libfcoe", "qedf"}
	if !reflect.DeepEqual(names(got), want) {
		t.Errorf("order %v, want %v", names(got), want)
	}
	if p := got[0].Path; p != filepath.Join(d.Dir, "kernel/lib/crc8.ko.xz") {
		t.Errorf("crc8 path %q", p)
	}
	// Several roots sharing dependencies, names with '-', duplicates: each once.
	got, err = r.Order("mine", []string{"thinkpad-ec", "tp_smapi", "qed", "crc8", "thinkpad_ec", ""})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"thinkpad_ec", "tp_smapi", "crc8", "qed"}; !reflect.DeepEqual(names(got), want) {
		t.Errorf("order %v, want %v (the first tp_smapi line wins; duplicates once)", names(got), want)
	}
	// Built-in modules keep their place and are marked.
	got, err = r.Order("mine", []string{"needs_builtin"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"crc32c(builtin)", "needs_builtin"}; !reflect.DeepEqual(names(got), want) {
		t.Errorf("order %v, want %v", names(got), want)
	}
	if !d.Has("crc32c") || !d.Has("thinkpad-ec") || d.Has("gone") {
		t.Error("Has")
	}
}

func TestOrderCycle(t *testing.T) {
	r := &Resolver{Tree: fakeTree(t)}
	_, err := r.Order("mine", []string{"cyc_a"})
	if err == nil || !strings.Contains(err.Error(), "cyc_a → cyc_b → cyc_a") {
		t.Fatalf("err = %v, want the cycle named", err)
	}
	// A module under test that a dependency needs back.
	r.AddTested("mine", "/tmp/mine.ko", []string{"back"})
	r.AddTested("back", "/tmp/back.ko", []string{"mine"})
	_, err = r.Order("mine", []string{"back"})
	if err == nil || !strings.Contains(err.Error(), "mine → back → mine") {
		t.Fatalf("err = %v, want the cycle through the module under test", err)
	}
}

func TestOrderMissing(t *testing.T) {
	d := fakeTree(t)
	r := &Resolver{Tree: d}
	_, err := r.Order("mine", []string{"qed", "needs_gone"})
	var me *MissingError
	if !errors.As(err, &me) || me.Name != "gone" {
		t.Fatalf("err = %v, want a MissingError for gone", err)
	}
	for _, want := range []string{"mine needs module gone", "(through needs_gone → gone)", filepath.Join(d.Dir, "modules.dep")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	_, err = r.Order("mine", []string{"nosuch-mod"})
	if !errors.As(err, &me) || me.Name != "nosuch_mod" {
		t.Fatalf("err = %v", err)
	}
}

func TestOrderTested(t *testing.T) {
	r := &Resolver{Tree: fakeTree(t)}
	// A module under test needed by another comes with its own
	// dependencies; it shadows the tree's module of the same name.
	r.AddTested("core", "/tmp/core.ko", []string{"crc8"})
	r.AddTested("qed", "/tmp/qed.ko", nil)
	got, err := r.Order("drv", []string{"core", "qed", "thinkpad-ec"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"crc8", "core", "qed", "thinkpad_ec"}; !reflect.DeepEqual(names(got), want) {
		t.Errorf("order %v, want %v", names(got), want)
	}
	if got[1].Path != "/tmp/core.ko" || got[2].Path != "/tmp/qed.ko" {
		t.Errorf("paths %v", got)
	}
	// No tree: only modules under test resolve.
	r = &Resolver{}
	r.AddTested("core", "/tmp/core.ko", nil)
	if _, err := r.Order("drv", []string{"core", "crc8"}); err == nil || !strings.Contains(err.Error(), "crc8") {
		t.Errorf("err = %v", err)
	}
}

func TestModulesDepErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadModulesDep(dir, "6.1.0-99-amd64")
	if err == nil || !strings.Contains(err.Error(), "linux-image-6.1.0-99-amd64") || !strings.Contains(err.Error(), filepath.Join(dir, "modules.dep")) {
		t.Errorf("missing modules.dep: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "modules.dep"), []byte("kernel/a.ko:\nno colon here\n"), 0o644)
	_, err = LoadModulesDep(dir, "")
	if err == nil || !strings.Contains(err.Error(), "modules.dep:2: malformed") {
		t.Errorf("malformed: %v", err)
	}
}

// TestRealModulesDep reads the installed kernels' trees: Debian's 6.1
// (plain .ko) and 6.12 (.ko.xz).
func TestRealModulesDep(t *testing.T) {
	dirs, _ := filepath.Glob("/lib/modules/*/modules.dep")
	if len(dirs) == 0 {
		testenv.SkipOrFail(t, "no /lib/modules/*/modules.dep (apt-get install linux-image-amd64)")
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		d, err := LoadModulesDep(dir, filepath.Base(dir))
		if err != nil {
			t.Fatal(err)
		}
		// dccp_ipv6.ko: dccp_ipv4.ko dccp.ko (needed by others last).
		got, err := (&Resolver{Tree: d}).Order("test", []string{"dccp_ipv6"})
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if want := []string{"dccp", "dccp_ipv4", "dccp_ipv6"}; !reflect.DeepEqual(names(got), want) {
			t.Errorf("%s: order %v, want %v", dir, names(got), want)
		}
		for _, m := range got {
			if _, err := os.Stat(m.Path); err != nil {
				t.Error(err)
			}
		}
	}
}
