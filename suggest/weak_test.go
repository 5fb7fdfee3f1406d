package suggest

import (
	"slices"
	"testing"
)

// weakSource has, each called once from init code and from nowhere
// else: a local function, a global one and a weak one. A weak definition
// may be replaced at link time by a strong one elsewhere, so it is never
// suggested; a global one only in a linked module (bindEligible).
const weakSource = `
	.text
	.type local_fn, @function
local_fn: ret
	.size local_fn, .-local_fn
	.globl global_fn
	.type global_fn, @function
global_fn: ret
	.size global_fn, .-global_fn
	.weak weak_fn
	.type weak_fn, @function
weak_fn: ret
	.size weak_fn, .-weak_fn
	.section .init.text,"ax"
	.globl init_module
	.type init_module, @function
init_module:
	call local_fn
	call global_fn
	call weak_fn
	ret
	.size init_module, .-init_module
`

// TestFindWeak: the bindings eligibility allows, in a .o and in a linked
// module (one with .gnu.linkonce.this_module), found by Find and by the
// reference alike.
func TestFindWeak(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		want        []string
	}{
		{"object", "", []string{"local_fn"}},
		{"module", "\t.section .gnu.linkonce.this_module,\"aw\"\n\t.zero 64\n", []string{"global_fn", "local_fn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := mustOpen(t, assemble(t, weakSource+tc.extra))
			for _, f := range []struct {
				name string
				find func() ([]Suggestion, error)
			}{{"Find", func() ([]Suggestion, error) { return Find(o) }}, {"findReference", func() ([]Suggestion, error) { return findReference(o) }}} {
				sugg, err := f.find()
				if err != nil {
					t.Fatalf("%s: %v", f.name, err)
				}
				var got []string
				for _, s := range sugg {
					got = append(got, s.Symbol)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: got %q, want %q", f.name, got, tc.want)
				}
			}
		})
	}
}
