package suggest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
)

func TestHeaderIndex(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "include", "linux"), 0o755)
	os.WriteFile(filepath.Join(dir, "include", "linux", "x.h"), []byte(`#ifndef X_H
#define X_H
extern int not_here(void);
static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}
static const char *const x_names[] = { "a" };
int global_decl;
#endif
`), 0o644)
	h, err := IndexHeaders(filepath.Join(dir, "include"), filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := h.Lookup("kzalloc"); !ok || w != filepath.Join(dir, "include/linux/x.h")+":4" {
		t.Errorf("kzalloc: %q %v", w, ok)
	}
	for _, n := range []string{"not_here", "global_decl", "kmalloc"} {
		if _, ok := h.Lookup(n); ok {
			t.Errorf("%s indexed", n)
		}
	}
	if _, ok := h.Lookup("x_names"); !ok {
		t.Errorf("x_names not indexed")
	}
	own, inl := Split([]Suggestion{{Symbol: "kzalloc"}, {Symbol: "mine"}}, h)
	if len(own) != 1 || own[0].Symbol != "mine" || len(inl) != 1 || inl[0].Symbol != "kzalloc" {
		t.Errorf("Split: %+v %+v", own, inl)
	}
}

// TestHeaderIndexKernel indexes the installed 6.1 headers.
func TestHeaderIndexKernel(t *testing.T) {
	tg := requireTarget(t, kernels.Find61)
	start := time.Now()
	h, err := IndexHeaders(KernelHeaderRoots(tg.KDIR, "x86")...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d headers, %d names, %v", h.Files, h.Len(), time.Since(start))
	for _, n := range []string{"kzalloc", "kmalloc_array", "list_add_tail", "slow_down_io", "find_next_bit", "platform_device_register_resndata"} {
		if w, ok := h.Lookup(n); !ok {
			t.Errorf("%s not indexed", n)
		} else {
			t.Logf("%s: %s", n, w)
		}
	}
}
