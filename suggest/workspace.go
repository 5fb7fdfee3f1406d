package suggest

import (
	"fmt"
	"runtime/debug"
	"unsafe"

	"github.com/initsec/initsec/sectionrt"
)

// workspace holds the tables one call of Find fills, for the next call
// to reuse: initsec suggest calls it on thousands of objects, and most
// of its allocations would otherwise be these, each as large as the
// object's section or symbol table.
type workspace struct {
	// The seed search's: the prefilter newPrefilter returns, and its
	// tables.
	prefilter  prefilter
	rels       []sectionrt.RelocSection // a view's (ScreenView)
	ahead      []int                    // the sections ScreenView reads ahead
	names      map[string]nameClass     // sectionClass's cache
	classByID  []nameClass              // sectionClassID's, by name number
	class      []refClass
	secKinds   []secKind
	count      []int32
	eligSyms   []int32
	seedCands  []candidate // newPrefilter's candidates (prefilter.cands)
	built      []bool
	localFuncs []int32 // newPrefilter's, for findMixed
	localFiles []int32 // of a view: the STT_FILE symbol before each
	elig       [][]eligExtent
	eligAll    []eligExtent
	eligFuncs  []bool
	// sortExtents' scratch.
	extentKeys []uint64
	extentsWas []eligExtent
	// The graph's (refGraph, joinSymbols).
	nodes                 []refNode
	labels                []string
	edges                 []refEdge
	roots, cands          []int32
	rootIn                []bool
	symTab                symTable
	relSym                []uint8
	relocs                relocBuf
	symNode, next, parent []int32
	members               []int32
	memberInfo            []memberInfo // members' (buildSymTable)
	locals                []localKey   // the local functions among members
	globalFuncs           []int32      // the global functions among members
	files                 fileIDs      // the translation units of locals
	counted               []bool
	groupOf               groupIndex
	groups                []localGroup
	parts                 partIndex
	anon                  []int
	scanSecs              []bool // scanAll's sections
	code                  [][]byte
	patched               [][]uint64
	// bufs hold section bytes read with ReadAt; the first used are taken,
	// the others taken by best fit (take).
	bufs [][]byte
	used int
	// bitsets hold the graph's bitsets of patched bytes, nears its
	// scans' bitsets of function starts (resolvedScan.near), each only
	// while its scan runs; the first usedBits and usedNears are taken.
	bitsets   [][]uint64
	usedBits  int
	nears     [][]uint64
	usedNears int
	// starts hold the function starts of the graph's scans (newScan),
	// one slot a scan; the first usedStarts are taken.
	starts     [][]funcStart
	usedStarts int
	startsOf   [][]funcStart // the graph's (refGraph.startsOf)
	// sets hold the graph's node sets (members, union); the first
	// usedSets are taken. gone and stack are members' and reach's.
	sets        [][]bool
	usedSets    int
	gone, stack []int32
	// kept holds the relocations solveInStages keeps (cands.go);
	// verdicts and setExt, addInto's for each symbol and section.
	kept     []keptReloc
	verdicts []uint8
	setExt   [][]eligExtent
	// lows hold the scans' tables of low bits (x86Rel32Low); the first
	// usedLows are taken.
	lows     []*lowTable
	usedLows int
	// maps are the sections sectionData mapped, unmapped at release;
	// mapping: it may map (guardMaps).
	maps    []sectionrt.SectionMap
	mapping bool
}

// lowTable returns a table for x86Rel32Low, all zero, from w's storage.
func (w *workspace) lowTable() *lowTable {
	if w.usedLows == len(w.lows) {
		w.lows = append(w.lows, new(lowTable))
	} else {
		w.lows[w.usedLows].clear()
	}
	w.usedLows++
	return w.lows[w.usedLows-1]
}

// startsSlot takes the next slot of w.starts, whose storage newScan fills
// and gives back.
func (w *workspace) startsSlot() int {
	if w.usedStarts == len(w.starts) {
		w.starts = append(w.starts, nil)
	}
	w.usedStarts++
	return w.usedStarts - 1
}

// keepStarts keeps the storage of s, the starts a scan filled from slot,
// grown as it was, for the next object; not beyond maxKeptBuf bytes.
func (w *workspace) keepStarts(slot int, s []funcStart) {
	if cap(s)*int(unsafe.Sizeof(funcStart{})) > maxKeptBuf {
		s = nil
	}
	w.starts[slot] = s[:0]
}

// bitset returns a bitset of n words, all zero, from w's storage.
func (w *workspace) bitset(n int) []uint64 { return take(&w.bitsets, &w.usedBits, n) }

// nearSet is bitset for a scan's starts, from storage given back when
// the scan is done (markScans).
func (w *workspace) nearSet(n int) []uint64 { return take(&w.nears, &w.usedNears, n) }

// scanMark is how much of w's scan storage was taken (markScans).
type scanMark struct{ nears, lows int }

// markScans marks the storage the scans take from now on (their starts'
// bitsets and tables of low bits), for giveBackScans to give back for the
// next scans of the object, once those are done: a scan's are as large as
// its section's code (an eighth of it for the bitset), and fresh memory
// costs the kernel about 2 us a page.
func (w *workspace) markScans() scanMark { return scanMark{w.usedNears, w.usedLows} }

// giveBackScans gives back the scans' storage taken since m.
func (w *workspace) giveBackScans(m scanMark) { w.usedNears, w.usedLows = m.nears, m.lows }

// boolSet returns a set of n nodes, all false, from w's storage: Find
// makes several for each object (members, union), each as long as its
// graph's nodes.
func (w *workspace) boolSet(n int) []bool { return take(&w.sets, &w.usedSets, n) }

// take returns one of the tables *pool holds that are not taken (the
// first *used are), with length n and all zero, and marks it taken: the
// smallest that is large enough, else the smallest, grown. The table
// stays in the pool for the next object. Taken by position instead, a
// small table grew wherever a large request came to its position, though
// a larger one was free.
func take[T any](pool *[][]T, used *int, n int) []T {
	bestFit(pool, *used, n)
	t := zeroed((*pool)[*used], n)
	(*pool)[*used] = t
	*used++
	return t
}

// bestFit moves to position used, after the tables taken, the one of the
// others in *pool that best serves a request for n (betterFit), adding
// one when there is none.
func bestFit[T any](pool *[][]T, used, n int) {
	p, best := *pool, -1
	for i := used; i < len(p); i++ {
		if best < 0 || betterFit(cap(p[i]), cap(p[best]), n) {
			best = i
		}
	}
	if best < 0 {
		*pool = append(p, nil)
		return
	}
	p[used], p[best] = p[best], p[used]
}

// betterFit reports whether a table of capacity c serves a request for n
// better than one of capacity b: one that holds n before one that does
// not, then the smaller (the one grown drops the least storage).
func betterFit(c, b, n int) bool {
	if (c >= n) != (b >= n) {
		return c >= n
	}
	return c < b
}

// maxKeptBuf is the largest section buffer a workspace keeps for the next
// object: a larger one (the code of the largest modules) is left to the
// collector rather than held by every worker.
const maxKeptBuf = 1 << 20

// minMapped is the smallest section sectionData maps rather than reads.
// Reading a large section needs a buffer as large: for the largest
// modules' code that is fresh memory each time, whose pages cost the
// kernel about 2 us each (zeroed and mapped, on a 2-core VM) on top of
// the copy from the page cache; a mapping costs a few system calls and
// a fault per 64 KiB. Of Debian 6.1's modules, 28 have a code section
// this large (19 MB in all). Against reading, on their tree, initsec
// suggest took 3.6% less CPU with 256 KiB, 2.5% with 64 KiB (more system
// calls), 0.7% more with 1 MiB, in one run of 40 alternating pairs on a
// loaded machine (noise about 2%).
const minMapped = 256 << 10

// sectionData is o.SectionData(sec) into one of w's buffers, or, while a
// Find maps sections (guardMaps) and section sec is at least minMapped
// bytes of o's file, mapped from the file. The bytes are valid until w
// is released.
func (w *workspace) sectionData(o source, sec int) ([]byte, error) {
	if w.mapping && o.SectionTable()[sec].Size >= minMapped {
		if ob, ok := o.(*sectionrt.Object); ok {
			if m, ok := ob.MapSection(sec); ok {
				w.maps = append(w.maps, m)
				return m.Bytes(), nil
			}
		}
	}
	size := o.SectionTable()[sec].Size
	bestFit(&w.bufs, w.used, int(min(size, maxKeptBuf+1))) // larger: read into a buffer of its own
	if uint64(cap(w.bufs[w.used])) < size && size <= maxKeptBuf {
		w.bufs[w.used] = make([]byte, size)
	}
	b, err := o.SectionDataBuf(sec, w.bufs[w.used])
	w.used++
	return b, err
}

// workspaces holds the idle workspaces. Not a sync.Pool: the collector
// empties one at every cycle, and initsec suggest runs many, so that most
// objects would get a new workspace.
var workspaces = make(chan *workspace, 16)

// getWorkspace returns an idle workspace, or a new one.
func getWorkspace() *workspace {
	select {
	case w := <-workspaces:
		return w
	default:
		return new(workspace)
	}
}

// putWorkspace releases w and keeps it for the next Find, unless enough
// are idle.
func putWorkspace(w *workspace) {
	w.release()
	select {
	case workspaces <- w:
	default:
	}
}

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

// resized returns s with length n, reusing its storage when it is large
// enough: for a table whose every element the caller sets before reading.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// release drops what w refers to of the object it served (section bytes,
// symbol names, graph edges), so that the pool keeps only storage. Each
// table holds, as its length, how much of it that object used.
func (w *workspace) release() {
	clear(w.code)
	clear(w.patched)
	clear(w.elig)
	clear(w.groups)
	clear(w.labels)
	clear(w.startsOf)
	w.code, w.patched, w.elig, w.groups, w.nodes, w.labels = w.code[:0], w.patched[:0], w.elig[:0], w.groups[:0], w.nodes[:0], w.labels[:0]
	w.used, w.usedBits, w.usedNears, w.usedStarts, w.usedLows, w.usedSets = 0, 0, 0, 0, 0, 0
	w.prefilter = prefilter{}
	for _, m := range w.maps {
		m.Unmap() // fails only for a region that is not a mapping
	}
	clear(w.maps)
	w.maps = w.maps[:0]
}

// guardMaps lets sectionData map the sections it reads (of the Object
// Find reads) until endGuard, which its caller defers: it asks the
// runtime to turn a fault into a panic, and endGuard recovers a fault
// reading a mapping (see sectionrt.Object.MapSection). was is the
// goroutine's setting before, for endGuard to restore.
func (w *workspace) guardMaps() (was bool) {
	w.mapping = true
	return debug.SetPanicOnFault(true)
}

// endGuard ends guardMaps: deferred, it turns a fault reading one of w's
// mappings (o's file truncated meanwhile) into *err naming the file, and
// *out nil; any other panic goes on.
func (w *workspace) endGuard(o *sectionrt.Object, was bool, out *[]Suggestion, err *error) {
	debug.SetPanicOnFault(was)
	w.mapping = false
	r := recover()
	if r == nil {
		return
	}
	if f, ok := r.(interface{ Addr() uintptr }); !ok || !w.mapped(f.Addr()) {
		panic(r)
	}
	*out, *err = nil, fmt.Errorf("%s: the file changed while it was read (truncated?): %v", o.Name(), r)
}

// mapped reports whether addr lies in one of w's mappings.
func (w *workspace) mapped(addr uintptr) bool {
	for _, m := range w.maps {
		if m.Contains(addr) {
			return true
		}
	}
	return false
}
