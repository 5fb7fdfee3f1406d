package apply

import (
	"reflect"
	"testing"
)

// TestNewWarnings: the same warning in both builds is not new, wherever
// its line moved and whichever copy modpost names (6.12's W=1 "missing
// MODULE_DESCRIPTION() in DIR/foo.o" on rtpengine's xt_RTPENGINE); a
// warning only the edited build has is.
func TestNewWarnings(t *testing.T) {
	before := `/w/0/before/x.c:3630:13: warning: variable 'err' set but not used [-Wunused-but-set-variable]
WARNING: modpost: missing MODULE_DESCRIPTION() in /w/0/before/xt_RTPENGINE.o
`
	after := `/w/0/after/x.c:3631:13: warning: variable 'err' set but not used [-Wunused-but-set-variable]
WARNING: modpost: missing MODULE_DESCRIPTION() in /w/0/after/xt_RTPENGINE.o
WARNING: modpost: xt_RTPENGINE: section mismatch in reference: f+0x1 (section: .text) -> g (section: .init.text)
`
	got := newWarnings(before, after, "/w/0/before", "/w/0/after")
	want := []string{"WARNING: modpost: xt_RTPENGINE: section mismatch in reference: f+0x1 (section: .text) -> g (section: .init.text)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("new warnings %q, want %q", got, want)
	}
	// Twice in the edited build, once before: one new.
	if got := newWarnings("a.c:1: warning: w\n", "a.c:1: warning: w\na.c:9: warning: w\n", "/b", "/a"); len(got) != 1 {
		t.Errorf("counted: %q, want one", got)
	}
}
