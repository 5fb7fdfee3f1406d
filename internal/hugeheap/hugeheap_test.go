package hugeheap

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestEnabledMode(t *testing.T) {
	for _, c := range []struct {
		in, mode string
		ok       bool
	}{
		{"always [madvise] never\n", "madvise", true},
		{"[always] madvise never", "always", true},
		{"always madvise [never]\n", "never", true},
		{"always madvise never", "", false},
		{"[] madvise", "", false},
		{"", "", false},
	} {
		mode, ok := enabledMode(c.in)
		if mode != c.mode || ok != c.ok {
			t.Errorf("enabledMode(%q) = %q, %v; want %q, %v", c.in, mode, ok, c.mode, c.ok)
		}
	}
}

// TestReserve checks, on this machine's kernel, that Reserve marks heap
// memory the next large allocation gets (VmFlags "hg" in
// /proc/self/smaps: VM_HUGEPAGE, fs/proc/task_mmu.c), or says why not.
func TestReserve(t *testing.T) {
	t.Setenv(EnvVar, "0")
	if r := Reserve(64 << 20); r.Marked != 0 || r.Why != EnvVar+"=0" {
		t.Fatalf("Reserve with %s=0: %+v", EnvVar, r)
	}
	t.Setenv(EnvVar, "")
	mode, size, err := thp()
	if runtime.GOOS != "linux" {
		if r := Reserve(64 << 20); r.Marked != 0 || err == nil || r.Why != err.Error() {
			t.Fatalf("Reserve on %s: %+v (thp: %v)", runtime.GOOS, r, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("thp: %v", err)
	}
	if mode != "madvise" {
		r := Reserve(64 << 20)
		if r.Marked != 0 || !strings.Contains(r.Why, `"`+mode+`"`) {
			t.Fatalf("Reserve with THP %q: %+v, want nothing marked and the mode named", mode, r)
		}
		t.Logf("THP is %q here: checked that Reserve does nothing", mode)
		return
	}
	if r := Reserve(size); r.Marked != 0 || !strings.Contains(r.Why, "less than two") {
		t.Fatalf("Reserve(%d): %+v, want nothing marked", size, r)
	}
	r := Reserve(16 << 20)
	if r.Marked < 16<<20-2*size || r.Marked%size != 0 {
		t.Fatalf("Reserve(16 MiB) with %d-byte huge pages: %+v", size, r)
	}
	b := make([]byte, 4<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	// Its first huge page: the part before it may lie outside the
	// marked range, which starts at a huge page.
	p := uintptr(unsafe.Pointer(&b[0]))
	p = (p + uintptr(size) - 1) &^ uintptr(size-1)
	flags, eligible := vmaOf(t, p)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the 4 MiB allocated after Reserve is in a mapping without VM_HUGEPAGE at %#x: VmFlags %q", p, flags)
	}
	if eligible != "1" {
		t.Errorf("the 4 MiB allocated after Reserve is in a mapping with THPeligible %q at %#x", eligible, p)
	}
	runtime.KeepAlive(b)
}

// vmaOf returns the VmFlags and THPeligible of the mapping holding addr.
func vmaOf(t *testing.T, addr uintptr) (flags, eligible string) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := vmaRange(line); ok {
			if in {
				break
			}
			in = lo <= addr && addr < hi
			continue
		}
		if !in {
			continue
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			flags = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "THPeligible:"); ok {
			eligible = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if flags == "" {
		t.Fatalf("no mapping in /proc/self/smaps holds %#x", addr)
	}
	return flags, eligible
}

// vmaRange parses a mapping's first line in smaps: "lo-hi perms ...".
func vmaRange(line string) (lo, hi uintptr, ok bool) {
	r, _, found := strings.Cut(line, " ")
	l, h, dash := strings.Cut(r, "-")
	if !found || !dash {
		return 0, 0, false
	}
	a, err1 := strconv.ParseUint(l, 16, 64)
	b, err2 := strconv.ParseUint(h, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(a), uintptr(b), true
}
