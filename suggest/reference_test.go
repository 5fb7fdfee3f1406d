package suggest

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// findReference is Find without its shortcuts: no seed search, every
// relocation of every allocated section adds its references to any node,
// and every code section is scanned from every site for branches to every
// function. It is the graph Find built before it learned what it may
// skip, in the simplest form it had: each node's referrers in a map, the
// escaping addresses as edges from one pseudo-node, the members found by
// the plain fixed point, and the scan for resolved branches trying every
// position in two passes. Only the nodes (newRefGraph) and the
// instruction predicates (refKindOf, x86Branch, x86NopDisp, relocWidth)
// are Find's own. TestFindMatchesReference holds Find to it.
func findReference(o *sectionrt.Object) ([]Suggestion, error) {
	rels, err := o.RelocSections()
	if err != nil {
		return nil, err
	}
	if err := o.CheckSymbolExtents(); err != nil {
		return nil, err
	}
	r := &refOracle{g: newRefGraph(o, newPrefilter(o, new(workspace))), referers: map[int]map[int]bool{}, out: map[int][]int{}, patched: map[int][]uint64{}}
	for _, rs := range rels {
		if err := r.addRelocs(rs); err != nil {
			return nil, err
		}
	}
	for sec := range r.g.secs {
		if err := r.scan(sec); err != nil {
			return nil, err
		}
	}
	out := append(r.suggestions(r.members(classInit), classInit), r.suggestions(r.members(classExit), classExit)...)
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.Section, b.Section), cmp.Compare(a.Symbol, b.Symbol))
	})
	return out, nil
}

// refOracle is findReference's graph over the nodes of g.
type refOracle struct {
	g        *refGraph
	referers map[int]map[int]bool // node -> its referrers
	out      map[int][]int        // node -> the nodes it references
	escape   int                  // the pseudo-node of escaping addresses, 0 until needed
	patched  map[int][]uint64     // section -> the bytes its relocations patch, bit k of word k/64
}

// nodeAt is the node of the symbol SymbolAt finds, or the section's
// pseudo-node.
func (r *refOracle) nodeAt(sec int, addr uint64) int {
	if n := r.targetNode(sec, addr); n != 0 {
		return n
	}
	return r.g.anonNode(sec)
}

func (r *refOracle) targetNode(sec int, addr uint64) int {
	if s, ok := r.g.o.SymbolAt(sec, addr); ok {
		return int(r.g.symNode[s.Index])
	}
	return 0
}

// use adds a reference from from to to; one that lets the target's
// address escape comes from the escape pseudo-node.
func (r *refOracle) use(from, to int, kind refKind) {
	if to == 0 {
		return
	}
	if kind == refAddress || (kind == refCall) == r.g.nodes[to].object {
		if r.escape == 0 {
			r.escape = r.g.addPseudo("(address taken)", classResident)
		}
		from = r.escape
	}
	if r.referers[to] == nil {
		r.referers[to] = map[int]bool{}
	}
	if !r.referers[to][from] {
		r.referers[to][from] = true
		r.out[from] = append(r.out[from], to)
	}
}

// addRelocs adds every reference of relocation section rs.
func (r *refOracle) addRelocs(rs sectionrt.RelocSection) error {
	g := r.g
	src := &g.secs[rs.Target]
	class := g.p.class[rs.Target]
	if src.Flags&elf.SHF_ALLOC == 0 {
		return nil
	}
	rels, err := g.o.Relocations(rs)
	if err != nil {
		return err
	}
	exec := src.Flags&elf.SHF_EXECINSTR != 0
	var code []byte
	if exec {
		if code, err = g.o.SectionData(rs.Target); err != nil {
			return err
		}
		if src.Type == elf.SHT_PROGBITS {
			mask := r.patched[rs.Target]
			if mask == nil {
				mask = make([]uint64, (src.Size+63)/64)
				r.patched[rs.Target] = mask
			}
			for _, rel := range rels {
				for k := rel.Offset; k < rel.Offset+relocWidth(g.o.Machine(), rel.Type) && k < src.Size; k++ {
					mask[k/64] |= 1 << (k % 64)
				}
			}
		}
	}
	if class == classIgnore {
		return nil
	}
	for _, rel := range rels {
		sym := &g.syms[rel.Sym]
		tsec := g.section(sym.SectionIndex)
		if !sym.Defined() || tsec == nil || class == classSite && tsec.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		var targets []int
		if n := int(g.symNode[rel.Sym]); n != 0 {
			targets = []int{n}
		} else {
			bias := int64(0)
			if exec {
				bias = sectionrt.PCBias(g.o.Machine(), rel.Type)
			}
			t := sym.Value + uint64(rel.Addend) + uint64(bias)
			targets = []int{r.targetNode(sym.SectionIndex, t)}
			if bias != 0 && tsec.Flags&elf.SHF_EXECINSTR == 0 {
				for _, k := range []uint64{1, 2, 4} {
					targets = append(targets, r.targetNode(sym.SectionIndex, t+k))
				}
			}
		}
		from := g.anonNode(rs.Target)
		if class != classSite {
			from = r.nodeAt(rs.Target, rel.Offset)
		}
		kind := refAddress
		if exec {
			kind = refKindOf(g.o.Machine(), code, rel)
		}
		for _, t := range targets {
			r.use(from, t, kind)
		}
	}
	return nil
}

// scan adds the resolved branches of code section sec to every function
// of it: x86_64, every rel32 to a function's first byte (or the byte
// after its endbr64), then every rel8 after a short jmp or jcc; arm64,
// every branch and ADR word. Bytes a relocation patches are skipped, and
// so is the disp32 of a multi-byte NOP.
func (r *refOracle) scan(sec int) error {
	g := r.g
	s := &g.secs[sec]
	if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR == 0 || s.Type != elf.SHT_PROGBITS {
		return nil
	}
	starts := map[uint64]int{}
	for i := 1; i < len(g.syms); i++ {
		sym := &g.syms[i]
		if sym.Defined() && sym.SectionIndex == sec && sym.Type == elf.STT_FUNC && g.symNode[i] != 0 {
			starts[sym.Value] = int(g.symNode[i])
		}
	}
	if len(starts) == 0 {
		return nil
	}
	b, err := g.o.SectionData(sec)
	if err != nil {
		return err
	}
	mask := r.patched[sec]
	patched := func(lo, hi uint64) bool {
		for k := lo; k < hi && k/64 < uint64(len(mask)); k++ {
			if mask[k/64]&(1<<(k%64)) != 0 {
				return true
			}
		}
		return false
	}
	hit := func(site, target uint64, kind refKind) {
		if to, ok := starts[target]; ok {
			r.use(r.nodeAt(sec, site), to, kind)
		}
	}
	n := uint64(len(b))
	switch g.o.Machine() {
	case elf.EM_X86_64:
		var skip []uint64
		for a := range starts {
			if a+4 <= n && string(b[a:a+4]) == "\xf3\x0f\x1e\xfa" {
				skip = append(skip, a)
			}
		}
		for _, a := range skip {
			if _, ok := starts[a+4]; !ok {
				starts[a+4] = starts[a]
			}
		}
		for p := uint64(0); p+4 <= n; p++ {
			t := p + 4 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p:]))))
			if _, ok := starts[t]; !ok || patched(p, p+4) || x86NopDisp(b, p) {
				continue
			}
			kind := refAddress
			if x86Branch(b, p) {
				kind = refCall
			}
			hit(p, t, kind)
		}
		for p := uint64(1); p < n; p++ {
			op := b[p-1]
			if (op == 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3)) && !patched(p-1, p+1) {
				hit(p, p+1+uint64(int64(int8(b[p]))), refCall)
			}
		}
	case elf.EM_AARCH64:
		bo := g.o.ByteOrder()
		for p := uint64(0); p+4 <= n; p += 4 {
			if patched(p, p+4) {
				continue
			}
			w := bo.Uint32(b[p:])
			var off int64
			kind := refCall
			switch {
			case w&0x7c000000 == 0x14000000: // B, BL
				off = int64(signExtend(w&0x03ffffff, 25)) * 4
			case w&0xff000010 == 0x54000000, w&0x7e000000 == 0x34000000: // B.cond, CBZ/CBNZ
				off = int64(signExtend((w>>5)&0x7ffff, 18)) * 4
			case w&0x7e000000 == 0x36000000: // TBZ/TBNZ
				off = int64(signExtend((w>>5)&0x3fff, 13)) * 4
			case w&0x9f000000 == 0x10000000: // ADR
				off = int64(signExtend(((w>>5)&0x7ffff)<<2|(w>>29)&3, 20))
				kind = refAddress
			default:
				continue
			}
			hit(p, p+uint64(off), kind)
		}
	}
	return nil
}

// members is the greatest set of eligible nodes whose referrers are all
// root-class code or members, restricted to those reachable from
// root-class code through members, repeated until stable.
func (r *refOracle) members(root refClass) []bool {
	g := r.g
	in := make([]bool, len(g.nodes))
	for i := range g.nodes {
		in[i] = g.nodes[i].eligible && len(r.referers[i]) > 0
	}
	for changed := true; changed; {
		changed = false
		for i := range g.nodes {
			if !in[i] {
				continue
			}
			for f := range r.referers[i] {
				if !in[f] && !g.nodes[f].root(root) {
					in[i], changed = false, true
					break
				}
			}
		}
		seen := make([]bool, len(g.nodes))
		var stack []int
		for i := range g.nodes {
			if g.nodes[i].root(root) {
				stack = append(stack, i)
			}
		}
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, t := range r.out[f] {
				if in[t] && !seen[t] {
					seen[t] = true
					stack = append(stack, t)
				}
			}
		}
		for i := range g.nodes {
			if in[i] && !seen[i] {
				in[i], changed = false, true
			}
		}
	}
	return in
}

// suggestions are the members in of root class root.
func (r *refOracle) suggestions(in []bool, root refClass) []Suggestion {
	g := r.g
	var out []Suggestion
	for i := range in {
		if !in[i] {
			continue
		}
		nd := &g.nodes[i]
		names, file := g.memberNames(i)
		s := Suggestion{Symbol: g.name(i), Section: g.sectionName(i), Size: nd.size, Kind: kindFor(nd.object, g.sectionName(i), root), ReferencedFrom: []string{}, File: file}
		for f := range r.referers[i] {
			if f != i {
				s.ReferencedFrom = append(s.ReferencedFrom, g.name(f))
			}
		}
		slices.Sort(s.ReferencedFrom)
		s.ReferencedFrom = slices.Compact(s.ReferencedFrom)
		if len(names) > 1 || (len(names) == 1 && names[0] != s.Symbol) {
			s.Symbols = names
		}
		out = append(out, s)
	}
	return out
}

// TestFindMatchesReference: on the installed Debian trees, Find's
// suggestions are findReference's, object by object (on 6.1 all 4,023
// modules; on 6.12, whose modules are xz-compressed, every fourth).
func TestFindMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		every  int
	}{{"6.1.", 1}, {"6.12.", 4}} {
		t.Run(tc.prefix, func(t *testing.T) {
			sample, release := installedSample(t, tc.prefix, tc.every)
			n := compareWithReference(t, sample)
			t.Logf("%s: %d objects, %d suggestions", release, len(sample), n)
			if n == 0 {
				t.Errorf("no suggestion in %d objects: the comparison shows nothing", len(sample))
			}
		})
	}
}

// compareWithReference runs Find and findReference on each object, on
// GOMAXPROCS workers, reports each difference, and returns how many
// suggestions Find made.
func compareWithReference(t *testing.T, files []string) int {
	var mu sync.Mutex
	total := 0
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r modfile.Reader
			for f := range next {
				got, want, err := findBoth(&r, f)
				mu.Lock()
				switch {
				case err != nil:
					t.Error(err)
				case !reflect.DeepEqual(got, want):
					t.Errorf("%s:\nFind:      %+v\nreference: %+v", f, got, want)
				}
				total += len(got)
				mu.Unlock()
			}
			r.Release()
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return total
}

func findBoth(r *modfile.Reader, path string) (got, want []Suggestion, err error) {
	o, err := r.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer o.Close()
	if got, err = Find(o); err != nil {
		return nil, nil, fmt.Errorf("Find: %w", err)
	}
	if want, err = findReference(o); err != nil {
		return nil, nil, fmt.Errorf("reference: %w", err)
	}
	return got, want, nil
}

// refJoin is joinSymbols as it was first written, for
// TestJoinMatchesReference: local functions grouped by (STT_FILE name,
// base name) in a map, aliases by sectionrt's own index of the section's
// symbols, and a linked module's globals joined with their parts through
// maps of names. It returns, for each symbol, the least symbol of its
// group (0 for a symbol that is no member), and counted.
func refJoin(o *sectionrt.Object, linked bool) (group []int32, counted []bool) {
	syms, nsecs := o.SymbolTable(), len(o.SectionTable())
	parent := make([]int32, len(syms))
	counted = make([]bool, len(syms))
	var members []int32
	union := func(a, b int32) { parent[find(parent, a)] = find(parent, b) }
	byKey := map[[2]string]int32{}
	for i := range syms {
		parent[i] = int32(i)
		s := &syms[i]
		if i == 0 || !isMember(s, nsecs) {
			continue
		}
		members = append(members, int32(i))
		counted[i] = true
		if s.Type == elf.STT_FUNC && s.Bind == elf.STB_LOCAL {
			k := [2]string{s.File, baseName(s.Name)}
			if first, ok := byKey[k]; ok {
				union(int32(i), first)
			} else {
				byKey[k] = int32(i)
			}
		}
	}
	for sec := range nsecs {
		l := o.SectionSymbols(sec)
		run := 0 // the first of l at b's address
		for j, b := range l {
			sb := &syms[b]
			if syms[l[run]].Value != sb.Value {
				run = j
			}
			if sb.Size == 0 || !isMember(sb, nsecs) {
				continue
			}
			for _, a := range l[run:j] {
				if sa := &syms[a]; sa.Size == sb.Size && sa.Type == sb.Type && isMember(sa, nsecs) {
					union(int32(b), int32(a))
					counted[b] = false
					break
				}
			}
		}
	}
	if linked {
		global := map[string]int32{}
		type grp struct {
			first int32
			exact bool
		}
		groups := map[[2]string]*grp{}
		for _, i := range members {
			s := &syms[i]
			base := baseName(s.Name)
			switch {
			case s.Type != elf.STT_FUNC:
			case s.Bind == elf.STB_GLOBAL:
				global[s.Name] = i
			case s.Bind == elf.STB_LOCAL:
				k := [2]string{s.File, base}
				if groups[k] == nil {
					groups[k] = &grp{first: i}
				}
				groups[k].exact = groups[k].exact || s.Name == base
			}
		}
		partOf := map[string][]int32{}
		for k, gr := range groups {
			if !gr.exact {
				partOf[k[1]] = append(partOf[k[1]], gr.first)
			}
		}
		for name, i := range global {
			if firsts := partOf[name]; len(firsts) == 1 {
				union(firsts[0], i)
			}
		}
	}
	group = make([]int32, len(syms))
	least := map[int32]int32{}
	for _, i := range members { // in table order: the first seen is the least
		r := find(parent, i)
		if _, ok := least[r]; !ok {
			least[r] = i
		}
		group[i] = least[r]
	}
	return group, counted
}

// refEligible is the rule of Find's doc for one symbol, written again
// from the doc rather than from prefilter.eligible, which the reference's
// nodes come from: STB_LOCAL, or STB_GLOBAL in a linked module; sized;
// a function in .text or .text.*, or an object whose name has no '.' in
// .rodata*, .data* or .bss* (the name, or it and a '.'), not
// .data..percpu* nor .data.once.
func refEligible(s *sectionrt.Symbol, sec string, linked bool) bool {
	if s.Bind != elf.STB_LOCAL && (!linked || s.Bind != elf.STB_GLOBAL) || s.Size == 0 {
		return false
	}
	switch s.Type {
	case elf.STT_FUNC:
		return sec == ".text" || strings.HasPrefix(sec, ".text.")
	case elf.STT_OBJECT:
		if strings.Contains(s.Name, ".") || strings.HasPrefix(sec, ".data..percpu") || sec == ".data.once" {
			return false
		}
		for _, p := range []string{".rodata", ".data", ".bss"} {
			if sec == p || strings.HasPrefix(sec, p+".") {
				return true
			}
		}
	}
	return false
}

// TestJoinMatchesReference: on the installed trees (6.1 whole, 6.12 every
// fourth module), newRefGraph makes of the symbols the nodes refJoin
// makes, counts the same sizes, and makes eligible exactly the nodes
// whose every symbol refEligible accepts.
func TestJoinMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		every  int
	}{{"6.1.", 1}, {"6.12.", 4}} {
		files, release := installedSample(t, tc.prefix, tc.every)
		var r modfile.Reader
		joined, eligibleNodes := 0, 0
		for i := range files {
			o, err := r.Open(files[i])
			if err != nil {
				t.Fatal(err)
			}
			p := newPrefilter(o, new(workspace))
			g := newRefGraph(o, p)
			want, wantCounted := refJoin(o, p.linked)
			for s := range g.syms {
				got := int32(0)
				if n := g.symNode[s]; n != 0 {
					got = g.nodes[n].first // the least symbol of its node: nodes begin at their first in table order
				}
				if got != want[s] || got != 0 && g.p.w.counted[s] != wantCounted[s] {
					t.Errorf("%s: symbol %d (%s): node of %d, counted %v; reference %d, %v", files[i], s, g.syms[s].Name, got, g.p.w.counted[s], want[s], wantCounted[s])
					break
				}
				if got != 0 && got != int32(s) {
					joined++
				}
			}
			refEl := map[int32]bool{}
			for s, first := range want {
				if first != 0 {
					sym := &g.syms[s]
					el, seen := refEl[first]
					refEl[first] = (el || !seen) && refEligible(sym, g.secs[sym.SectionIndex].Name, p.linked)
				}
			}
			for first, el := range refEl {
				if got := g.nodes[g.symNode[first]].eligible; got != el {
					t.Errorf("%s: node of %s: eligible %v, the rule says %v", files[i], g.syms[first].Name, got, el)
					break // one a module
				}
				if el {
					eligibleNodes++
				}
			}
			o.Close()
		}
		r.Release()
		t.Logf("%s: %d symbols joined to another, %d eligible nodes", release, joined, eligibleNodes)
		if joined == 0 || eligibleNodes == 0 {
			t.Errorf("%s: no symbol joined or no node eligible: the comparison shows nothing", release)
		}
	}
}
