package suggest

import (
	"cmp"
	"debug/elf"
	"encoding/binary"
	"math/bits"
	"slices"

	"github.com/initsec/initsec/sectionrt"
)

// The instruction bytes that Find reads, x86_64 and arm64 only: which
// bytes a relocation patches, the branches the assembler resolved without
// one, and how a relocated instruction uses its target.

// relocWidth is the number of bytes a relocation patches; 4 for the
// types not listed (x86_64 PC32, PLT32, 32, 32S; every arm64 instruction).
func relocWidth(m elf.Machine, typ uint32) uint64 {
	if m == elf.EM_X86_64 {
		switch elf.R_X86_64(typ) {
		case elf.R_X86_64_64, elf.R_X86_64_PC64:
			return 8
		case elf.R_X86_64_16, elf.R_X86_64_PC16:
			return 2
		case elf.R_X86_64_8, elf.R_X86_64_PC8:
			return 1
		}
	}
	if m == elf.EM_AARCH64 {
		switch elf.R_AARCH64(typ) {
		case elf.R_AARCH64_ABS64, elf.R_AARCH64_PREL64:
			return 8
		}
	}
	return 4
}

// The scan for resolved branches: in a code section, a call, jump or
// address of a local function of the same section has no relocation. The
// bytes are not disassembled; every position is tried as a displacement,
// skipping those a relocation patches. A chance match adds a reference
// that is not there, which can only keep a symbol resident, never suggest
// one.
//
// x86_64: any rel32 (call, jmp, jcc, RIP-relative lea/mov) whose target
// is a function's first byte, and rel8 after the short jmp and jcc
// opcodes (eb, 70-7f, e0-e3). arm64: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ
// and ADR in each aligned word.
//
// Only branches to the functions of nodes that want accepts are
// recorded, and only from the sites in [lo, hi) that run covers: the
// graph holds only edges into candidates, and Find scans the whole
// section only when it has members to check (see solveInStages).

// newScan prepares the scan of code section sec for branches to the
// functions whose nodes want accepts; nil when it has none.
func (g *refGraph) newScan(sec int, want func(node int) bool) (*resolvedScan, error) {
	s := &g.secs[sec]
	if s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR == 0 || s.Type != elf.SHT_PROGBITS {
		return nil, nil
	}
	all := g.allStarts(sec)
	if len(all) == 0 {
		return nil, nil
	}
	b, err := g.sectionCode(sec)
	if err != nil {
		return nil, err
	}
	sc := &resolvedScan{g: g, sec: sec, code: b, mask: g.patched[sec]}
	w := g.p.w
	slot := w.startsSlot()
	starts := w.starts[slot][:0]
	for _, f := range all {
		if want(f.node) {
			starts = append(starts, f)
		}
	}
	if g.o.Machine() == elf.EM_X86_64 {
		starts = skipEndbr(b, all, starts)
	}
	w.keepStarts(slot, starts)
	if len(starts) == 0 {
		return nil, nil
	}
	sc.starts = starts
	sc.indexStarts()
	return sc, nil
}

// run adds the references from the sites in [lo, hi).
func (sc *resolvedScan) run(lo, hi uint64) {
	switch sc.g.o.Machine() {
	case elf.EM_X86_64:
		sc.x86(lo, hi)
	case elf.EM_AARCH64:
		sc.arm64(sc.g.o.ByteOrder(), lo, hi)
	}
}

// funcStart is the first byte of a function of a node.
type funcStart struct {
	addr uint64
	node int
}

// funcStarts lists the first byte of each function of section sec that
// is a node, by address; of two at one address, the one later in the
// symbol table. It appends to starts[:0].
func (g *refGraph) funcStarts(sec int, starts []funcStart) []funcStart {
	starts = starts[:0]
	// The Named symbols (as every node's are), by address, then table
	// order. A node's members are all functions or all objects
	// (joinSymbols joins no other): its type is theirs, read without
	// the Symbol.
	for _, e := range g.symTab.section(sec, true) {
		n := int(g.symNode[e.sym])
		if n == 0 || g.nodes[n].object {
			continue
		}
		if k := len(starts) - 1; k >= 0 && starts[k].addr == e.lo {
			starts[k].node = n
			continue
		}
		starts = append(starts, funcStart{e.lo, n})
	}
	return starts
}

// allStarts is funcStarts of section sec, made once for the graph: the
// scans of a section (closeCandidates', scanAll's) each take theirs
// from it.
func (g *refGraph) allStarts(sec int) []funcStart {
	if g.startsOf[sec] == nil {
		w := g.p.w
		slot := w.startsSlot()
		s := g.funcStarts(sec, w.starts[slot])
		w.keepStarts(slot, s)
		if s == nil {
			s = []funcStart{} // made: none
		}
		g.startsOf[sec] = s
	}
	return g.startsOf[sec]
}

// skipEndbr adds to starts, some of all (funcStarts'), for each function
// that starts with endbr64, the address after it, unless a function of
// all starts there: with IBT a direct jump may skip the function's
// endbr64.
func skipEndbr(b []byte, all, starts []funcStart) []funcStart {
	n := len(starts)
	for _, f := range starts[:n] {
		a := f.addr
		if a+4 <= uint64(len(b)) && string(b[a:a+4]) == "\xf3\x0f\x1e\xfa" {
			if _, found := slices.BinarySearchFunc(all, a+4, cmpStart); !found {
				starts = append(starts, funcStart{a + 4, f.node})
			}
		}
	}
	if len(starts) > n {
		slices.SortFunc(starts, func(a, b funcStart) int { return cmp.Compare(a.addr, b.addr) })
	}
	return starts
}

func cmpStart(f funcStart, addr uint64) int { return cmp.Compare(f.addr, addr) }

// resolvedScan is the scan of one code section.
type resolvedScan struct {
	g      *refGraph
	sec    int
	code   []byte
	mask   []uint64    // the bytes relocations patch, as refGraph.patched
	starts []funcStart // by address, each address once
	// near has bit a-nearLo set for each start a < len(code)+8, so that
	// the scan can pass over the many positions that name no start
	// without a search; far is whether some start lies beyond (malformed
	// input). It spans only the starts (scanAll's are a few members'), so
	// that it need not be cleared for the whole section.
	near   []uint64
	nearLo uint64
	far    bool
	// lows holds each distinct low byte of a start when there are at
	// most maxFew (x86Rel32Few), else nil.
	lows []byte
	// low is x86Rel32Low's table, made on first use.
	low *lowTable
}

// indexStarts builds near, far and lows from starts.
func (sc *resolvedScan) indexStarts() {
	n := uint64(len(sc.code)) + 8
	last := len(sc.starts) - 1 // the last start below n
	for last >= 0 && sc.starts[last].addr >= n {
		last--
	}
	if last >= 0 {
		sc.nearLo = sc.starts[0].addr &^ 63
		sc.near = sc.g.p.w.nearSet(int((sc.starts[last].addr-sc.nearLo)/64 + 1))
	}
	var seen [256]bool
	for _, f := range sc.starts {
		if a := f.addr; a < n {
			d := a - sc.nearLo
			sc.near[d/64] |= 1 << (d % 64)
		} else {
			sc.far = true
		}
		if c := byte(f.addr); !seen[c] && len(sc.lows) <= maxFew {
			seen[c] = true
			sc.lows = append(sc.lows, c)
		}
	}
	if len(sc.lows) > maxFew {
		sc.lows = nil
	}
}

// maxFew is the most distinct low bytes x86Rel32Few compares: each costs
// four operations per eight sites, and a chance match in every 32 sites a
// branch mispredicted and the full test; from three on, x86Rel32Low's
// three operations per site cost less (BenchmarkScanAmdgpu/4).
const maxFew = 2

// patched reports whether a relocation patches any byte in [lo, hi).
func (sc *resolvedScan) patched(lo, hi uint64) bool {
	for k := lo; k < hi && k/64 < uint64(len(sc.mask)); k++ {
		if sc.mask[k/64]&(1<<(k%64)) != 0 {
			return true
		}
	}
	return false
}

// start reports whether a function of the scan starts at target.
func (sc *resolvedScan) start(target uint64) bool {
	if target < uint64(len(sc.code))+8 {
		return sc.isNear(target)
	}
	return sc.far
}

// isNear reports whether a start below len(code)+8 is at t.
func (sc *resolvedScan) isNear(t uint64) bool {
	d := t - sc.nearLo
	return d/64 < uint64(len(sc.near)) && sc.near[d/64]&(1<<(d%64)) != 0
}

// hit adds a reference of kind kind from the code at site to the function
// starting at target, if one does.
func (sc *resolvedScan) hit(site, target uint64, kind refKind) {
	k, ok := slices.BinarySearchFunc(sc.starts, target, cmpStart)
	if !ok {
		return
	}
	g, to := sc.g, sc.starts[k].node
	switch {
	case g.nodes[to].resident:
	case g.escapes(to, kind):
		g.use(0, to, kind)
	default:
		g.use(g.referrer(sc.sec, site), to, kind)
	}
}

// x86 tries, at each site in [lo, hi), a rel32 that ends there plus 4
// and a rel8 after a short jmp or jcc opcode.
func (sc *resolvedScan) x86(lo, hi uint64) {
	b := sc.code
	n := uint64(len(b))
	hi = min(hi, n)
	if lo >= hi {
		return
	}
	if sc.far {
		for p := lo; p < hi; p++ {
			sc.x86At(p)
		}
		return
	}
	sc.x86Rel32(lo, hi)
	sc.x86Rel8(lo, hi)
}

// x86Rel32 tries every rel32 at the sites in [lo, hi), hi <= len(code),
// no start far. The target of the rel32 at p is p+4+disp, whose low bits
// are those of p+4 plus the field's first bytes: a test of those sets
// aside most sites before the field is read whole. In a section's code
// about one field in four lands inside it (small immediates and
// displacements), so that the target's range tells little.
func (sc *resolvedScan) x86Rel32(lo, hi uint64) {
	if hi-lo >= minFiltered {
		if sc.lows != nil {
			lo = sc.x86Rel32Few(lo, hi)
		} else {
			lo = sc.x86Rel32Low(lo, hi)
		}
	}
	sc.x86Rel32At(lo, hi)
}

// minFiltered is the fewest sites worth the tables of x86Rel32Few and
// x86Rel32Low; closeCandidates reads most functions whole, a few hundred
// bytes each.
const minFiltered = 256

// x86Rel32At tries the rel32 at each site in [lo, hi), one at a time.
func (sc *resolvedScan) x86Rel32At(lo, hi uint64) {
	b := sc.code
	n := uint64(len(b))
	for p := lo; p < hi && p+4 <= n; p++ {
		if t := p + 4 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p:])))); sc.isNear(t) {
			sc.rel32(p, t)
		}
	}
}

// x86Rel32Low tries the rel32 at the sites in [lo, hi) whose target has
// the low 16 bits of a start, eight sites at a time, and returns where it
// stopped. A site passes with odds of about one in 65536 per start.
func (sc *resolvedScan) x86Rel32Low(lo, hi uint64) uint64 {
	if sc.low == nil {
		sc.low = sc.g.p.w.lowTable()
		for _, f := range sc.starts {
			sc.low.add(uint16(f.addr))
		}
	}
	// Sites p of [lo, hi) whose field c holds: p-lo < len(c)-3.
	c := sc.code[min(lo, uint64(len(sc.code))):min(uint64(len(sc.code)), hi+3)]
	p, has := lo, &sc.low.has
	for ; len(c) >= 11; c, p = c[8:], p+8 {
		// The target of the site p+k has the low 16 bits
		// (p+4)+field+k, taken from the table from p+4 on.
		t := (*[1<<16 + 8]uint8)(has[uint16(p+4):])
		v0 := t[binary.LittleEndian.Uint16(c)]
		v1 := t[int(binary.LittleEndian.Uint16(c[1:]))+1]
		v2 := t[int(binary.LittleEndian.Uint16(c[2:]))+2]
		v3 := t[int(binary.LittleEndian.Uint16(c[3:]))+3]
		v4 := t[int(binary.LittleEndian.Uint16(c[4:]))+4]
		v5 := t[int(binary.LittleEndian.Uint16(c[5:]))+5]
		v6 := t[int(binary.LittleEndian.Uint16(c[6:]))+6]
		v7 := t[int(binary.LittleEndian.Uint16(c[7:]))+7]
		if v0|v1|v2|v3|v4|v5|v6|v7 != 0 {
			sc.x86Rel32At(p, p+8)
		}
	}
	return p
}

// lowTable is x86Rel32Low's table of the low 16 bits of the starts: a
// byte each, so that a site's test is two loads and no arithmetic (a bit
// each took three times the operations). Entry v+65536m is entry v, so
// that a scan adds the site's address to the table's rather than to each
// field.
type lowTable struct {
	has [2<<16 + 8]uint8 // 1 for the low 16 bits of a start
	set []uint16         // where has is 1, so that clear need not clear it all
}

// add sets the entries of v.
func (t *lowTable) add(v uint16) {
	for x := int(v); x < len(t.has); x += 1 << 16 {
		t.has[x] = 1
	}
	t.set = append(t.set, v)
}

// clear makes every entry 0.
func (t *lowTable) clear() {
	for _, v := range t.set {
		for x := int(v); x < len(t.has); x += 1 << 16 {
			t.has[x] = 0
		}
	}
	t.set = t.set[:0]
}

// Bytes of a word, for the byte-wise arithmetic of x86Rel32Few.
const (
	ones = 0x0101010101010101
	tops = 0x8080808080808080
)

// x86Rel32Few is x86Rel32Low for a scan whose starts have one or two
// distinct low bytes (sc.lows), 32 sites at a time: a site p can reach a
// start t only where b[p] is the low byte of t-4-p, and each word of the
// code is compared with a word of those bytes for each low byte of a
// start. Those words repeat every 256 sites: tables of 32, made first.
// Most scans have one or two functions to look for, and each function
// its address and, when it has an endbr64 (a global one), the one after
// it; one low byte (a static function) has a loop of its own, a third
// faster than the two bytes' one. From three low bytes on x86Rel32Low
// takes less time (BenchmarkScanAmdgpu/4). It returns where it stopped.
func (sc *resolvedScan) x86Rel32Few(lo, hi uint64) uint64 {
	// tabs[k][j] is the word of block j (sites lo+8j+256m).
	var tabs [maxFew][32]uint64
	for k := range tabs {
		c := sc.lows[min(k, len(sc.lows)-1)]
		for j := range tabs[k] {
			tabs[k][j] = subBytes(uint64(c-4-byte(lo)-byte(8*j))*ones, 0x0706050403020100)
		}
	}
	// Sites p of [lo, hi) whose field c holds: p-lo < len(c)-3.
	b := sc.code
	c := b[min(lo, uint64(len(b))):min(uint64(len(b)), hi+3)]
	p, a := lo, 0
	if len(sc.lows) == 1 {
		t0 := &tabs[0]
		for ; len(c) >= 35; c, p, a = c[32:], p+32, (a+1)&7 {
			t := (*[4]uint64)(t0[4*(a&7):])
			v0 := binary.LittleEndian.Uint64(c) ^ t[0]
			v1 := binary.LittleEndian.Uint64(c[8:]) ^ t[1]
			v2 := binary.LittleEndian.Uint64(c[16:]) ^ t[2]
			v3 := binary.LittleEndian.Uint64(c[24:]) ^ t[3]
			if m0, m1, m2, m3 := zeroBytes(v0), zeroBytes(v1), zeroBytes(v2), zeroBytes(v3); m0|m1|m2|m3 != 0 {
				sc.x86Rel32Matches(p, m0, m1, m2, m3)
			}
		}
	}
	// Eight sites at a time: the last blocks, and every block for two
	// low bytes (whose matches, twice as many, cost more in the loop of
	// 32 sites than it saves).
	t0, t1 := &tabs[0], &tabs[1]
	for j := 4 * a; len(c) >= 11; c, p, j = c[8:], p+8, (j+1)&31 {
		x := binary.LittleEndian.Uint64(c)
		if m := zeroBytes(x^t0[j&31]) | zeroBytes(x^t1[j&31]); m != 0 {
			sc.x86Rel32Match(p, m)
		}
	}
	return p
}

// zeroBytes sets the top bit of each byte of v that is 0, and perhaps
// of a byte above one, which x86Rel32Match's full test rejects.
func zeroBytes(v uint64) uint64 { return (v - ones) &^ v & tops }

// x86Rel32Matches is x86Rel32Match for the four blocks of eight sites
// from i.
func (sc *resolvedScan) x86Rel32Matches(i, m0, m1, m2, m3 uint64) {
	for k, m := range [4]uint64{m0, m1, m2, m3} {
		if m != 0 {
			sc.x86Rel32Match(i+8*uint64(k), m)
		}
	}
}

// x86Rel32Match tries the rel32 at the sites i+k of the bytes k whose top
// bit match sets: (v-ones)&^v&tops sets it for each byte of v that is 0,
// and perhaps for a byte above one, which the full test rejects.
func (sc *resolvedScan) x86Rel32Match(i, match uint64) {
	b := sc.code
	for ; match != 0; match &= match - 1 {
		// x86Rel32At's test: most matches are by chance.
		p := i + uint64(bits.TrailingZeros64(match)/8)
		if t := p + 4 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p:])))); sc.isNear(t) {
			sc.rel32(p, t)
		}
	}
}

// subBytes subtracts y from x byte by byte, each byte modulo 256.
func subBytes(x, y uint64) uint64 {
	return ((x | tops) - (y &^ tops)) ^ ((x ^ ^y) & tops)
}

// x86Rel8 tries every rel8 after a short branch opcode at the sites in
// [lo, hi), hi <= len(code): only those within reach of a start, a rel8
// reaching 128 bytes back and 127 on from the byte after it.
func (sc *resolvedScan) x86Rel8(lo, hi uint64) {
	b := sc.code
	p := max(lo, 1)
	k, _ := slices.BinarySearchFunc(sc.starts, p-min(p, 127), cmpStart)
	for ; k < len(sc.starts) && p < hi; k++ {
		// The sites whose rel8 may reach start s: p+1+d = s, d in [-128, 127].
		s := sc.starts[k].addr
		p = max(p, s-min(s, 128))
		end := min(hi, s+128)
		for ; p < end; p++ {
			if shortBranch[b[p-1]] {
				if t := p + 1 + uint64(int64(int8(b[p]))); sc.isNear(t) {
					sc.rel8(p, t)
				}
			}
		}
	}
}

// x86At tries the rel32 and the rel8 at site p.
func (sc *resolvedScan) x86At(p uint64) {
	b := sc.code
	n := uint64(len(b))
	if p+4 <= n {
		if t := p + 4 + uint64(int64(int32(binary.LittleEndian.Uint32(b[p:])))); sc.start(t) {
			sc.rel32(p, t)
		}
	}
	if p >= 1 && p < n && shortBranch[b[p-1]] {
		if t := p + 1 + uint64(int64(int8(b[p]))); sc.start(t) {
			sc.rel8(p, t)
		}
	}
}

// rel32 adds the reference of the rel32 at p to the start t, unless a
// relocation patches it or it is a NOP's: a call, jmp or jcc is a call;
// anything else (lea func(%rip), or a chance match) takes the address.
func (sc *resolvedScan) rel32(p, t uint64) {
	if sc.patched(p, p+4) || x86NopDisp(sc.code, p) {
		return
	}
	kind := refAddress
	if x86Branch(sc.code, p) {
		kind = refCall
	}
	sc.hit(p, t, kind)
}

// rel8 adds the reference of the rel8 at p, after a short jmp or jcc
// opcode, to the start t, unless a relocation patches them.
func (sc *resolvedScan) rel8(p, t uint64) {
	if !sc.patched(p-1, p+1) {
		sc.hit(p, t, refCall)
	}
}

// shortBranch marks the opcodes followed by a rel8: jmp (eb), jcc
// (70-7f), loop and jrcxz (e0-e3).
var shortBranch = func() (t [256]bool) {
	t[0xeb] = true
	for op := 0x70; op <= 0x7f; op++ {
		t[op] = true
	}
	for op := 0xe0; op <= 0xe3; op++ {
		t[op] = true
	}
	return t
}()

// x86NopDisp reports whether the four bytes at p are the disp32 of a
// multi-byte NOP: 0f 1f /0 with ModRM 80 (nopl disp32(%rax)) or 84 and a
// SIB byte (nopw disp32(%rax,%rax,1)), the forms gas pads with
// (gas/config/tc-i386.c, i386_generate_nops). Their displacement is 0, so
// padding that ends right before a function would read as a rel32 to it
// and keep it resident for nothing.
func x86NopDisp(b []byte, p uint64) bool {
	return p >= 3 && b[p-3] == 0x0f && b[p-2] == 0x1f && b[p-1] == 0x80 ||
		p >= 4 && b[p-4] == 0x0f && b[p-3] == 0x1f && b[p-2] == 0x84
}

// arm64 decodes each aligned word at the sites in [lo, hi) as B, BL,
// B.cond, CBZ/CBNZ, TBZ/TBNZ or ADR.
func (sc *resolvedScan) arm64(bo binary.ByteOrder, lo, hi uint64) {
	b := sc.code
	n := uint64(len(b))
	for p := (lo + 3) &^ 3; p < hi && p+4 <= n; p += 4 {
		if sc.patched(p, p+4) {
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
		if t := p + uint64(off); sc.start(t) {
			sc.hit(p, t, kind)
		}
	}
}

// refKindOf classifies a relocation in code by the instruction bytes
// around the field it patches. Only the unambiguous forms are a call or an
// access; everything else counts as taking the address.
func refKindOf(m elf.Machine, code []byte, rel sectionrt.Relocation) refKind {
	switch m {
	case elf.EM_X86_64:
		off := rel.Offset
		switch elf.R_X86_64(rel.Type) {
		case elf.R_X86_64_PC32, elf.R_X86_64_PLT32:
			if x86Branch(code, off) {
				return refCall
			}
			// RIP-relative memory operand: ModRM mod=00 rm=101 just
			// before the field, and an opcode other than lea (8d).
			if off >= 2 && off <= uint64(len(code)) && code[off-1]&0xc7 == 0x05 && !(code[off-2] == 0x8d && (off < 3 || code[off-3] != 0x0f)) {
				return refAccess
			}
		case elf.R_X86_64_32S, elf.R_X86_64_32:
			// disp32 of a SIB operand without base (tbl(,%rax,8)): SIB
			// base=101 before the field, ModRM mod=00 rm=100 before it.
			if off >= 3 && off <= uint64(len(code)) && code[off-1]&0x07 == 0x05 && code[off-2]&0xc7 == 0x04 && code[off-3] != 0x8d {
				return refAccess
			}
		}
	case elf.EM_AARCH64:
		switch elf.R_AARCH64(rel.Type) {
		case elf.R_AARCH64_CALL26, elf.R_AARCH64_JUMP26:
			return refCall
		case elf.R_AARCH64_ADR_PREL_PG_HI21, elf.R_AARCH64_ADR_PREL_PG_HI21_NC,
			// The page of the target; the low 12 bits, added (an address)
			// or used as a load/store offset, decide.
			elf.R_AARCH64_LDST8_ABS_LO12_NC, elf.R_AARCH64_LDST16_ABS_LO12_NC, elf.R_AARCH64_LDST32_ABS_LO12_NC,
			elf.R_AARCH64_LDST64_ABS_LO12_NC, elf.R_AARCH64_LDST128_ABS_LO12_NC, elf.R_AARCH64_LD_PREL_LO19:
			return refAccess
		}
	}
	return refAddress
}

// x86Branch reports whether the rel32 field at off belongs to a call (e8),
// jmp (e9) or jcc (0f 80-8f).
func x86Branch(code []byte, off uint64) bool {
	if off < 1 || off > uint64(len(code)) {
		return false
	}
	if op := code[off-1]; op == 0xe8 || op == 0xe9 {
		return true
	}
	return off >= 2 && code[off-2] == 0x0f && code[off-1]&0xf0 == 0x80
}

// signExtend sign-extends v from bit index (the sign bit) to 32 bits.
func signExtend(v uint32, index int) int32 {
	shift := 31 - index
	return int32(v<<shift) >> shift
}
