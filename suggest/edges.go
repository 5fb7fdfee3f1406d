package suggest

// The graph's edges, and the search for the node a reference comes from.
//
// Only edges that members can depend on are kept. A node that is neither
// eligible nor root code (init or exit) is never a member, is never
// reached through, and a reference from it rules its target out for both
// root classes: such a reference is recorded as the target's resident
// flag. A resident node, in turn, is never a member, so that no edge into
// it is recorded either: members, seedsRuledOut and closeCandidates read
// the flag. Once the candidates are known (addCode), every eligible node
// outside them is flagged so too: it is never a member either. The
// referrers of a member are all edges, so that its ReferencedFrom is
// complete.

// refEdge is a reference from node from to node to, linked into the
// referrer list of to (nextIn) and the target list of from (nextOut).
type refEdge struct {
	from, to        int32
	nextIn, nextOut int32
}

// rulesOut reports whether a reference from node n keeps its target
// resident whatever else refers to it: n is neither eligible nor init or
// exit code, nor ever a member.
func (g *refGraph) rulesOut(n int) bool {
	nd := &g.nodes[n]
	return !nd.eligible && nd.class != classInit && nd.class != classExit
}

// edge adds a reference from node from to node to.
func (g *refGraph) edge(from, to int) {
	if to == 0 {
		return
	}
	nd := &g.nodes[to]
	switch {
	case nd.resident || !nd.eligible:
		return // never a member: who refers to it does not matter
	case g.rulesOut(from):
		nd.resident = true
		return
	case nd.in != 0 && g.edges[nd.in].from == int32(from):
		return // again: relocations come in address order, so most repeats are in a row
	}
	if nd.in == 0 {
		g.cands = append(g.cands, int32(to))
	}
	g.edges = append(g.edges, refEdge{from: int32(from), to: int32(to), nextIn: nd.in, nextOut: g.nodes[from].out})
	e := int32(len(g.edges) - 1)
	nd.in, g.nodes[from].out = e, e
}

// escapes reports whether a reference of kind kind to node to lets its
// address escape.
func (g *refGraph) escapes(to int, kind refKind) bool {
	return kind == refAddress || (kind == refCall) == g.nodes[to].object
}

// use adds a reference of kind kind from node from to node to. A
// reference that lets the target's address escape (an address taken, a
// branch to an object, a memory operand on a function) counts as one from
// resident code, whatever from is.
func (g *refGraph) use(from, to int, kind refKind) {
	if to == 0 {
		return
	}
	if g.escapes(to, kind) {
		if g.nodes[to].eligible {
			g.nodes[to].resident = true
		}
		return
	}
	g.edge(from, to)
}

// referrer returns the node that a reference from address addr of section
// sec comes from (nodeAt), or, when that node certainly rules its targets
// out, the section's pseudo-node, which does as much and spares the
// search. Certainly: the section is resident, so a node there is init or
// exit code only if it joins a clone of an init or exit function
// (rootIn), and none of its eligible extents holds addr, so the symbol
// holding it, if any, is not eligible.
func (g *refGraph) referrer(sec int, addr uint64) int {
	if sec == g.at.sec && g.at.lo <= addr && addr < g.at.hi {
		return g.at.node
	}
	if !g.symTab.plainSection(sec) && g.p.class[sec] == classResident && !g.rootIn[sec] && !holds(g.p.elig[sec], addr, false, true) {
		return g.anonNode(sec)
	}
	return g.nodeAt(sec, addr)
}

// nodeAt returns the node of the symbol that covers addr in section sec
// (SymbolAt's), or the section's pseudo-node. It keeps its answer for the
// next address of the same extent, as relocations and the scan come in
// address order.
func (g *refGraph) nodeAt(sec int, addr uint64) int {
	if sec == g.at.sec && g.at.lo <= addr && addr < g.at.hi {
		return g.at.node
	}
	if !g.symTab.plainSection(sec) {
		if n := g.targetNode(sec, addr); n != 0 {
			return n
		}
		return g.anonNode(sec)
	}
	sym, lo, hi := g.symbolAt(sec, addr)
	n := int(g.symNode[sym])
	if n == 0 {
		n = g.anonNode(sec)
	}
	if sym != 0 {
		g.at.sec, g.at.lo, g.at.hi, g.at.node = sec, lo, hi, n
	}
	return n
}

// targetNode is nodeAt without the pseudo-node: 0 when no symbol covers
// addr, or when the one that does is no node.
func (g *refGraph) targetNode(sec int, addr uint64) int {
	if g.symTab.plainSection(sec) {
		sym, _, _ := g.symbolAt(sec, addr)
		return int(g.symNode[sym])
	}
	if s, ok := g.o.SymbolAt(sec, addr); ok {
		return int(g.symNode[s.Index])
	}
	return 0
}

func (g *refGraph) anonNode(sec int) int {
	if n := g.anon[sec]; n != 0 {
		return n
	}
	s := &g.secs[sec]
	n := g.addPseudo(s.Name, g.p.class[sec])
	g.anon[sec] = n
	if c := g.p.class[sec]; c == classInit || c == classExit {
		g.roots = append(g.roots, int32(n)) // code or data of init or exit, no symbol's
	}
	return n
}
