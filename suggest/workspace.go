package suggest

import (
	"sync"

	"github.com/initsec/initsec/sectionrt"
)

// workspace holds the tables one call of Find fills, for the next call
// to reuse: initsec suggest calls it on thousands of objects, and most
// of its allocations would otherwise be these, each as large as the
// object's section or symbol table.
type workspace struct {
	// The seed search's (prefilter).
	class     []refClass
	secKinds  []secKind
	count     []int32
	eligSyms  []int32
	elig      [][]eligExtent
	eligAll   []eligExtent
	eligFuncs []bool
	// The graph's (refGraph, joinSymbols).
	nodes                 []refNode
	symNode, next, parent []int32
	members               []int32
	counted               []bool
	funcs                 []funcKey
	anon                  []int
	code                  [][]byte
	patched               [][]uint64
	relocs                []sectionrt.Relocation
}

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

// zeroed returns s with length n and every element zero, reusing its
// storage when it is large enough.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// release drops what w refers to of the object it served (section bytes,
// symbol names, graph edges), so that the pool keeps only storage. Each
// table holds, as its length, how much of it that object used.
func (w *workspace) release() {
	clear(w.code)
	clear(w.patched)
	clear(w.elig)
	clear(w.funcs)
	clear(w.nodes)
	w.code, w.patched, w.elig, w.funcs, w.nodes = w.code[:0], w.patched[:0], w.elig[:0], w.funcs[:0], w.nodes[:0]
}
