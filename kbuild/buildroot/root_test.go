package buildroot

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/modpost"
)

// sidSpec is Debian sid's newest amd64 kernel headers and make. The
// metapackage resolves the ABI when the root is made (nothing here names
// one), and the headers package depends on the compiler the kernel was
// built with, so that comes too.
var sidSpec = Spec{Suite: "sid", Arch: "amd64", Packages: []string{"make", "linux-headers-amd64"}}

// needRoots skips tests that make roots and build in them: they take
// minutes and need root. Under CI=true a missing privilege is a failure.
func needRoots(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("makes a Debian sid build root with mmdebstrap (minutes, downloads ~100 MiB): not with -short")
	}
	if os.Geteuid() != 0 {
		testenv.SkipOrFail(t, "build roots need root (mmdebstrap --mode=root, chroot, mounts)")
	}
}

// testCache is the cache the tests share: the user's own, so that a second
// run reuses the root; $INITSEC_TEST_ROOTS overrides it (a fresh directory
// measures creation).
func testCache(t *testing.T) *Cache {
	if d := os.Getenv("INITSEC_TEST_ROOTS"); d != "" {
		return &Cache{Dir: d}
	}
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	return &Cache{Dir: d}
}

// copyModule copies testdata/NAME into a fresh directory named NAME.
func copyModule(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// diskUsage is what du -s counts: allocated blocks, hard links once.
func diskUsage(root string) (int64, error) {
	seen := map[uint64]bool{}
	var total int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Nlink > 1 && !d.IsDir() {
			if seen[st.Ino] {
				return nil
			}
			seen[st.Ino] = true
		}
		total += st.Blocks * 512
		return nil
	})
	return total, err
}

// hostMounts fails the test if this process's mount namespace has
// anything mounted in the root.
func checkNoHostMounts(t *testing.T, r *Root) {
	t.Helper()
	if mps, err := mountsUnder("/proc/self/mountinfo", r.Path); err != nil || len(mps) > 0 {
		t.Errorf("mounted in the root, seen from the host: %q, %v", mps, err)
	}
}

// watchMounts installs the test hooks: they record whether ROOT/proc was
// mounted in the build's namespace before make and after the unmounts.
type mountWatch struct {
	mu                    sync.Mutex
	procBefore, procAfter []string
}

func watchMounts(t *testing.T, r *Root) *mountWatch {
	w := &mountWatch{}
	procs := func() []string {
		mps, err := mountsUnder("/proc/thread-self/mountinfo", filepath.Join(r.Path, "proc"))
		if err != nil {
			t.Errorf("reading the build's mountinfo: %v", err)
		}
		return mps
	}
	testHookMounted = func() { w.mu.Lock(); w.procBefore = procs(); w.mu.Unlock() }
	testHookUnmounted = func() { w.mu.Lock(); w.procAfter = procs(); w.mu.Unlock() }
	t.Cleanup(func() { testHookMounted, testHookUnmounted = nil, nil })
	return w
}

func (w *mountWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.procBefore) != 1 {
		t.Errorf("proc mounts in the root while make ran: %q, want one", w.procBefore)
	}
	if len(w.procAfter) != 0 {
		t.Errorf("proc still mounted in the build's namespace after Build: %q", w.procAfter)
	}
}

func vermagic(t *testing.T, ko string) string {
	t.Helper()
	f, err := elf.Open(ko)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		t.Fatalf("%s: no .modinfo", ko)
	}
	b, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte("vermagic=")); ok {
			return string(v)
		}
	}
	t.Fatalf("%s: no vermagic in .modinfo", ko)
	return ""
}

// TestSidRoot makes (or reuses) a sid root, builds a module in it, and
// checks the cache, the module, failure, cancellation and concurrency.
func TestSidRoot(t *testing.T) {
	needRoots(t)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	c := testCache(t)
	var log bytes.Buffer
	c.Log = &log

	start := time.Now()
	r, err := c.Ensure(ctx, sidSpec)
	if err != nil {
		t.Fatalf("Ensure: %v\n%s", err, log.String())
	}
	made := log.Len() > 0
	size, err := diskUsage(r.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("root %s (made now: %v) in %v, %d MiB; headers %s %s", r.Path, made, time.Since(start).Round(time.Millisecond),
		size>>20, sidSpec.Packages[1], r.Installed[sidSpec.Packages[1]])

	// A second use reads the manifest: no mmdebstrap, nothing downloaded.
	log.Reset()
	start = time.Now()
	r2, err := c.Ensure(ctx, sidSpec)
	if err != nil {
		t.Fatal(err)
	}
	again := time.Since(start)
	t.Logf("cached Ensure: %v", again)
	if log.Len() > 0 || r2.Path != r.Path || !r2.Created.Equal(r.Created) {
		t.Errorf("second Ensure made the root again: %s, created %v then %v\n%s", r2.Path, r.Created, r2.Created, log.String())
	}
	if again > 2*time.Second {
		t.Errorf("cached Ensure took %v", again)
	}

	kdir, err := r.KDIR()
	if err != nil {
		t.Fatal(err)
	}
	release, err := kbuild.Release(filepath.Join(r.Path, kdir))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("KDIR %s, release %s", kdir, release)
	if !strings.HasPrefix(kdir, "/usr/src/linux-headers-") || !strings.HasSuffix(kdir, "-amd64") {
		t.Errorf("KDIR = %s", kdir)
	}
	checkNoHostMounts(t, r)

	t.Run("hello", func(t *testing.T) {
		w := watchMounts(t, r)
		dir := copyModule(t, "hello")
		start := time.Now()
		res, err := r.Build(ctx, dir, kbuild.Options{W: "1"})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("build in the root: %v", time.Since(start).Round(time.Millisecond))
		w.check(t)
		checkNoHostMounts(t, r)
		ko := filepath.Join(dir, "hello.ko")
		if len(res.Modules) != 1 || res.Modules[0] != ko {
			t.Fatalf("Modules = %q, want [%s]\n%s", res.Modules, ko, res.Output)
		}
		if want := []string{"make", "-C", kdir, "M=/build/hello", "W=1", "CONFIG_SECTION_MISMATCH_WARN_ONLY=", "modules"}; strings.Join(res.Command, " ") != strings.Join(want, " ") {
			t.Errorf("Command = %q, want %q", res.Command, want)
		}
		for _, w := range res.Warnings {
			t.Errorf("modpost: %s", w)
		}
		// The module is for the root's kernel: sid's newest series, 7.x
		// or later.
		vm := vermagic(t, ko)
		rel, _, _ := strings.Cut(vm, " ")
		major, _, _ := strings.Cut(rel, ".")
		if n, err := strconv.Atoi(major); rel != release || err != nil || n < 7 {
			t.Errorf("vermagic %q: want release %s, 7.x or later", vm, release)
		}
		f, err := elf.Open(ko)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		syms, err := f.Symbols()
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]string{}
		for _, s := range syms {
			if int(s.Section) > 0 && int(s.Section) < len(f.Sections) {
				in[s.Name] = f.Sections[s.Section].Name
			}
		}
		if in["hello_init"] != ".init.text" || in["hello_exit"] != ".exit.text" {
			t.Errorf("hello_init in %q, hello_exit in %q; want .init.text and .exit.text", in["hello_init"], in["hello_exit"])
		}
	})

	t.Run("compile error", func(t *testing.T) {
		w := watchMounts(t, r)
		dir := copyModule(t, "broken")
		_, err := r.Build(ctx, dir, kbuild.Options{})
		var be *kbuild.BuildError
		if !errors.As(err, &be) || !strings.Contains(be.Output, "broken.c") {
			t.Fatalf("err = %v, want a *kbuild.BuildError quoting broken.c", err)
		}
		w.check(t)
		checkNoHostMounts(t, r)
	})

	// modpost runs with -E as on the host: the mismatch fails the build
	// and is parsed from the root's output.
	t.Run("section mismatch", func(t *testing.T) {
		_, err := r.Build(ctx, copyModule(t, "mismatch"), kbuild.Options{})
		var be *kbuild.BuildError
		if !errors.As(err, &be) {
			t.Fatalf("err = %v, want a *kbuild.BuildError", err)
		}
		found := false
		for _, w := range be.Warnings {
			t.Logf("modpost: %s", w)
			if w.Kind == modpost.KindSectionMismatch && w.FromSym == "mm_entry" && w.ToSym == "mm_setup" && w.ToSec == ".init.text" {
				found = true
			}
		}
		if !found {
			t.Errorf("no mm_entry -> mm_setup mismatch among %+v\n%s", be.Warnings, be.Output)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		w := watchMounts(t, r)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		// Cancelled once everything is mounted, just before make starts.
		prev := testHookMounted
		testHookMounted = func() { prev(); cancel() }
		_, err := r.Build(ctx, copyModule(t, "hello"), kbuild.Options{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		w.check(t)
		checkNoHostMounts(t, r)
	})

	// Two builds at once in one root, of two directories with the same
	// name: each has its own /proc and /build/hello.
	t.Run("concurrent", func(t *testing.T) {
		dirs := []string{copyModule(t, "hello"), copyModule(t, "hello")}
		errs := make([]error, len(dirs))
		var wg sync.WaitGroup
		for i, d := range dirs {
			wg.Go(func() { _, errs[i] = r.Build(ctx, d, kbuild.Options{}) })
		}
		wg.Wait()
		for i, d := range dirs {
			if errs[i] != nil {
				t.Errorf("build %d: %v", i, errs[i])
			} else if _, err := os.Stat(filepath.Join(d, "hello.ko")); err != nil {
				t.Errorf("build %d: %v", i, err)
			}
		}
		checkNoHostMounts(t, r)
	})

}

// TestEnsureInterrupted cancels mmdebstrap part way: no root is left for a
// later Ensure to use, nor its temporary directory, nor any mount.
func TestEnsureInterrupted(t *testing.T) {
	needRoots(t)
	c := &Cache{Dir: t.TempDir()}
	var log bytes.Buffer
	c.Log = &log
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
	defer cancel()
	r, err := c.Ensure(ctx, Spec{Suite: "sid", Packages: []string{"make"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ensure = %v, %v; want context.DeadlineExceeded\n%s", r, err, log.String())
	}
	entries, _ := os.ReadDir(c.Dir)
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("left %s in the cache", e.Name())
		}
	}
	if mps, err := mountsUnder("/proc/self/mountinfo", c.Dir); err != nil || len(mps) > 0 {
		t.Errorf("mounted in the cache, seen from the host: %q, %v", mps, err)
	}
	if roots, err := c.List(); err != nil || len(roots) != 0 {
		t.Errorf("List = %v, %v", roots, err)
	}
}
