package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/initsec/initsec/suggest"
)

// TestWriteJSONEncoder holds writeJSON, which encodes shares of the
// items on every core, to the bytes one json.Encoder with
// SetIndent("", "  ") writes for the whole list: empty, one item, lists
// split in one share and in several, with names to escape (HTML, U+2028,
// invalid UTF-8) and empty and nested lists.
func TestWriteJSONEncoder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, n := range []int{0, 1, 31, 32, 64, 65, 127, 128, 1000} {
		reports := make([]suggestReport, n)
		for i := range reports {
			r := &reports[i]
			r.Object = fmt.Sprintf("drivers/x/<m%d>&.ko", i)
			r.Suggestions = []suggest.Suggestion{}
			for k := range i % 3 {
				r.Suggestions = append(r.Suggestions, suggest.Suggestion{Symbol: fmt.Sprintf("f%d\u2028\xff.%d", i, k), Section: ".text", Kind: "init", Size: uint64(i), ReferencedFrom: []string{"a", "b"}})
				r.InitBytes += uint64(i)
			}
			if i%5 == 0 {
				r.HeaderInlines = []suggest.HeaderInline{{Suggestion: suggest.Suggestion{Symbol: "kzalloc"}, Header: "include/linux/slab.h:1"}}
			}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			t.Fatal(err)
		}
		var got, errs bytes.Buffer
		if !writeJSON(&got, &errs, "suggest", reports) {
			t.Fatalf("%d reports: writeJSON failed: %s", n, errs.String())
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d reports: writeJSON wrote %d bytes, the Encoder %d; first difference at %d", n, got.Len(), want.Len(), firstDiff(got.Bytes(), want.Bytes()))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
