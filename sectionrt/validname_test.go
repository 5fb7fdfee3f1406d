package sectionrt

import (
	"strings"
	"testing"
)

// TestValidName612: validName612 is is_valid_name with
// is_mapping_symbol (scripts/mod/modpost.h, include/linux/module_symbol.h
// in 6.12): every name of one or two bytes, and longer ones after each
// prefix, against the rule as two prefix tests.
func TestValidName612(t *testing.T) {
	rule := func(name string) bool {
		return name != "" && !strings.HasPrefix(name, ".L") && !strings.HasPrefix(name, "L0") && name[0] != '$'
	}
	names := []string{"", ".Lfoo", "L0foo", "$x.1", "Lfoo", ".text", "init_module", "a$", "L"}
	for a := range 256 {
		names = append(names, string([]byte{byte(a)}))
		for _, b := range []byte{0, '.', 'L', '0', '$', 'x', 0xff} {
			names = append(names, string([]byte{byte(a), b}), string([]byte{byte(a), b, 'z'}))
		}
	}
	for _, name := range names {
		if got, want := validName612(name), rule(name); got != want {
			t.Errorf("validName612(%q) = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{"": false, ".L1": false, "L0": false, "$d": false, ".": true, "L": true, "L1": true, ".l": true, "foo": true} {
		if got := validName612(name); got != want {
			t.Errorf("validName612(%q) = %v, want %v", name, got, want)
		}
	}
}
