package boottest

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/initsec/initsec/boottest/internal/wire"
)

// TestResultFrame reads the guest's framing as runQEMU sees it: only this
// run's nonce counts, kernel lines inside the frame garble it, and the
// SHA-256 on the end marker decides.
func TestResultFrame(t *testing.T) {
	body := `{"release":"6.1.0-57-amd64"}`
	sum := sha256.Sum256([]byte(body))
	end := wire.EndMarker + " n1 sha256=" + hex.EncodeToString(sum[:])
	feed := func(lines ...string) (scanResult, bool) {
		f := newResultFrame("n1")
		for _, l := range lines {
			if r, ok := f.line(l); ok {
				return r, true
			}
		}
		return scanResult{}, false
	}
	r, ok := feed("[    1.0] booting", wire.BeginMarker+" n1", body[:10], body[10:], end)
	if !ok || r.err != nil || string(r.result) != body {
		t.Errorf("split body: %q, %v, %v; want %q", r.result, r.err, ok, body)
	}
	if r, ok := feed(wire.BeginMarker+" n0", body, wire.EndMarker+" n0 sha256="+hex.EncodeToString(sum[:])); ok {
		t.Errorf("another run's frame taken: %q, %v", r.result, r.err)
	}
	r, ok = feed(wire.BeginMarker+" n1", body, "[    2.0] kernel line", end)
	if !ok || r.err == nil || !strings.Contains(r.err.Error(), "SHA-256 mismatch") {
		t.Errorf("interleaved kernel line: %q, %v, %v; want a SHA-256 mismatch", r.result, r.err, ok)
	}
	if _, ok := feed(body, end); ok {
		t.Error("end marker without a begin marker closed a frame")
	}
}
