package realtrees

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/boottest"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/pipeline"
)

// bootModule is one converted module of a multi-module tree booted
// directly: pipeline.Boot loads every module of a directory, and some
// modules need hardware the guest lacks by design.
type bootModule struct {
	tree, name       string
	initMsg, exitMsg string
	errno            syscall.Errno // init must fail with it (no such hardware)
	wantDeps         []string      // dependencies the report must show loaded first
}

var bootModules = []bootModule{
	// dccp's init and exit activate and deactivate the built-in CCIDs
	// (net/dccp/ccid.c).
	{tree: "dccp", name: "dccp", initMsg: "DCCP: Activated CCID 2 (TCP-like)", exitMsg: "DCCP: Deactivated CCID 3 (TCP-Friendly Rate Control)"},
	{tree: "nls", name: "nls_cp437"},
	{tree: "nls", name: "nls_iso8859-1"},
	{tree: "nls", name: "nls_utf8"},
	{tree: "nls", name: "nls_cp932"},
	// Not nls_koi8-ru: its init borrows koi8-u's tables through
	// load_nls("koi8-u") (fs/nls/nls_base.c: request_module), which the
	// guest cannot satisfy, so booted alone it fails with EINVAL.
	{tree: "nls", name: "nls_koi8-u"},
	{tree: "nls", name: "mac-roman"},
	// No ThinkPad embedded controller in the guest: thinkpad_ec's init
	// finds none in the DMI tables and returns -ENODEV (tp_smapi, which
	// needs it, cannot load there).
	{tree: "tp_smapi", name: "thinkpad_ec", errno: syscall.ENODEV},
	{tree: "hw_random", name: "virtio-rng", wantDeps: []string{"virtio", "virtio_ring"}},
	{tree: "hw_random", name: "via-rng", errno: syscall.ENODEV},
	{tree: "ipmi", name: "ipmi_msghandler", initMsg: "IPMI message handler: version 39.2"},
	{tree: "ipmi", name: "ipmi_devintf", wantDeps: []string{"ipmi_msghandler"}},
	{tree: "ipmi", name: "ipmi_watchdog", initMsg: "IPMI Watchdog: driver initialized", wantDeps: []string{"ipmi_msghandler"}},
}

// TestBootRealTrees boots the converted trees under QEMU with Debian's 6.1
// kernel: dccp's four modules and bbswitch through pipeline.Boot (the orchestration
// `mage initsec:boot` runs: build, verify, initsec-boot.json, dependencies
// from the kernel's modules.dep), then a selection of the modules of the
// multi-module trees through boottest.Run. Every module must load (or fail
// its init with the errno its missing hardware gives), free its init
// region and unload; dependencies load first.
func TestBootRealTrees(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU (-short)")
	}
	k := target(t)
	kernel, err := boottest.FindKernel(k.Release)
	if _, qerr := exec.LookPath("qemu-system-x86_64"); err != nil || qerr != nil {
		testenv.SkipOrFail(t, "needs linux-image-amd64 (%v) and qemu-system-x86 (%v)", err, qerr)
	}
	byName := map[string]Tree{}
	for _, tr := range Trees {
		byName[tr.Name] = tr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	t.Run("pipeline", func(t *testing.T) {
		dccp := filepath.Join(prove(t, k, byName["dccp"]).WorkDir, "after")
		bbswitch := filepath.Join(prove(t, k, byName["bbswitch"]).WorkDir, "after")
		// No discrete GPU under QEMU: bbswitch's init prints its version,
		// then returns -ENODEV.
		if err := os.WriteFile(filepath.Join(bbswitch, pipeline.BootFile), []byte(`{"init_errno": "ENODEV", "init_message": "bbswitch: version 0.8"}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		opts := k.Options()
		opts.Jobs = 2
		res, err := pipeline.Boot(ctx, []string{dccp, bbswitch}, pipeline.BootOptions{Build: opts, Log: &log})
		t.Logf("log:\n%s", log.String())
		if res == nil || res.Report == nil {
			t.Fatal(err)
		}
		// delete_module refuses dccp_ipv4 and dccp_ipv6 (EAGAIN: in use):
		// the control socket each one's init creates for the namespace
		// holds a reference on the module that owns its protocol
		// (inet_ctl_sock_create -> sk_alloc -> sk_prot_alloc's
		// try_module_get(prot->owner), net/core/sock.c), dropped only by
		// the module's own exit. Those two problems, and no other.
		wantProblems := []string{
			"dccp_ipv4: not unloaded: delete_module failed with EAGAIN (resource temporarily unavailable)",
			"dccp_ipv6: not unloaded: delete_module failed with EAGAIN (resource temporarily unavailable)",
		}
		if !reflect.DeepEqual(res.Problems, wantProblems) || err == nil {
			t.Errorf("problems %q (err %v), want %q", res.Problems, err, wantProblems)
		}
		// dccp_diag needs inet_diag from the kernel's tree and dccp from
		// the directory; dccp_ipv6 needs dccp_ipv4 and dccp.
		want := map[string][]string{
			"dccp": nil, "dccp_ipv4": {"dccp"}, "dccp_ipv6": {"dccp_ipv4", "dccp"},
			"dccp_diag": {"inet_diag", "dccp"}, "bbswitch": nil,
		}
		for _, m := range res.Report.Modules {
			w, ok := want[m.Name]
			if !ok {
				t.Errorf("booted %s, not one of %v", m.Name, want)
			}
			checkDeps(t, m, w)
			live := m.Name != "bbswitch"
			if live && (m.InitState != "live" || m.InitSize != 0) {
				t.Errorf("%s: initstate %q, initsize %d, want live and 0", m.Name, m.InitState, m.InitSize)
			}
		}
		if len(res.Report.Modules) != len(want) {
			t.Errorf("%d modules booted, want %d", len(res.Report.Modules), len(want))
		}
	})

	t.Run("modules", func(t *testing.T) {
		var mods []boottest.Module
		for _, b := range bootModules {
			p := prove(t, k, byName[b.tree])
			m := boottest.Module{Path: filepath.Join(p.WorkDir, "after", b.name+".ko"), InitMessage: b.initMsg, ExitMessage: b.exitMsg}
			if b.errno != 0 {
				m.ExpectInitFail, m.ExpectErrno = true, b.errno
			}
			mods = append(mods, m)
		}
		var console bytes.Buffer
		rep, err := boottest.Run(ctx, boottest.Config{Kernel: kernel, Modules: mods, Log: &console})
		if err != nil {
			t.Fatalf("boot: %v\nconsole:\n%s", err, console.String())
		}
		for _, e := range rep.Check() {
			t.Error(e)
		}
		for i, m := range rep.Modules {
			checkDeps(t, m, bootModules[i].wantDeps)
		}
		trees := map[string]bool{}
		for _, b := range bootModules {
			trees[b.tree] = true
		}
		t.Logf("%d modules of %d trees in one boot: boot %.1fs, total %.1fs", len(rep.Modules), len(trees), rep.BootDuration.Seconds(), rep.Duration.Seconds())
		if t.Failed() {
			t.Logf("console:\n%s", console.String())
		}
	})
}

// checkDeps requires the report to list want among the dependencies
// loaded (or already there) before m.
func checkDeps(t *testing.T, m boottest.ModuleResult, want []string) {
	t.Helper()
	var got []string
	for _, d := range m.Deps {
		got = append(got, d.Name)
		if !d.Builtin && !d.AlreadyLoaded && !d.Loaded {
			t.Errorf("%s: dependency %s not loaded", m.Name, d.Name)
		}
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("%s: dependencies %v, want %s among them", m.Name, got, w)
		}
	}
	t.Logf("%s: initstate %q, initsize %d, deps %s", m.Name, m.InitState, m.InitSize, strings.Join(got, " "))
}
