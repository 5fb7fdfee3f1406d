package clex

import "strings"

// Decl is a file-scope declaration found by shape: a function definition
// (a parameter list followed by a body), or what may be an object
// definition (an identifier ending a declarator before '=', ';' or an
// attribute). Names hidden in macros are not found; callers check what
// they edit with annotate.ScanC.
type Decl struct {
	Name string
	Func bool // a function definition with a body
	// NameTok indexes Toks: the declared identifier.
	NameTok int
	// Start is the offset of the declaration's first token (comments
	// before it excluded); DeclaratorEnd the offset after the name and the
	// array brackets that follow it ("tbl[4]").
	Start, DeclaratorEnd int
	// Extern and Typedef say the head has those words; Conditional that
	// the declaration is inside #if/#ifdef.
	Extern, Typedef, Conditional bool
}

// Decls returns the file-scope declarations of lx in file order.
func (lx *Lexer) Decls() []Decl {
	var out []Decl
	depth := 0
	var cond []int
	var head []int // indices of the depth-0 tokens of the current declaration
	sawEq := false
	inBody := false
	end := func() { head, sawEq, inBody = nil, false, false }
	object := func() {
		if d, ok := lx.objectDecl(head, len(cond) > 0); ok {
			out = append(out, d)
		}
	}
	for k, t := range lx.Toks {
		switch t.Kind {
		case Comment:
			continue
		case PP:
			depth, cond = PPCondition(lx.Text(t), depth, cond)
			continue
		}
		txt := lx.Text(t)
		lvl := depth // the level the token sits at: a closing bracket at its opener's
		if txt == ")" || txt == "]" || txt == "}" {
			lvl = depth - 1
		}
		if lvl <= 0 && !inBody {
			switch txt {
			case "{":
				if n := len(head); n > 0 && !sawEq && lx.Text(lx.Toks[head[n-1]]) == ")" {
					if d, ok := lx.funcDecl(head, len(cond) > 0); ok {
						out = append(out, d)
					}
					inBody = true
				}
			case "=":
				if !sawEq {
					object()
				}
				sawEq = true
			case ";":
				if !sawEq {
					object()
				}
				end()
				continue
			}
			if !sawEq {
				head = append(head, k)
			}
		}
		switch txt {
		case "(", "[", "{":
			depth++
		case ")", "]":
			depth = max(depth-1, 0)
		case "}":
			depth = max(depth-1, 0)
			if depth == 0 && inBody {
				end()
			}
		}
	}
	return out
}

// PPCondition follows a preprocessor line txt: each branch of an #if
// starts at the bracket depth the #if was at (cond holds one per open
// #if). It returns the depth to go on at and the updated cond.
func PPCondition(txt string, depth int, cond []int) (int, []int) {
	word := strings.Fields(strings.TrimPrefix(txt, "#"))
	if len(word) == 0 {
		return depth, cond
	}
	switch word[0] {
	case "if", "ifdef", "ifndef":
		cond = append(cond, depth)
	case "elif", "else", "elifdef", "elifndef":
		if len(cond) > 0 {
			depth = cond[len(cond)-1]
		}
	case "endif":
		if len(cond) > 0 {
			cond = cond[:len(cond)-1]
		}
	}
	return depth, cond
}

// words reports whether the head tokens hold extern or typedef.
func (lx *Lexer) words(head []int) (extern, typedef bool) {
	for _, k := range head {
		switch lx.Text(lx.Toks[k]) {
		case "extern":
			extern = true
		case "typedef":
			typedef = true
		}
	}
	return
}

// funcDecl: head ends with the parameter list's ')'; the name is the
// identifier before its '('.
func (lx *Lexer) funcDecl(head []int, conditional bool) (Decl, bool) {
	// head holds depth-0 tokens only, plus the '(' and ')' of each group
	// (the group's inside is at depth > 0 and was not appended), so the
	// '(' is the token before the last.
	n := len(head)
	if n < 3 || lx.Text(lx.Toks[head[n-2]]) != "(" {
		return Decl{}, false
	}
	nt := head[n-3]
	if lx.Toks[nt].Kind != Ident || lx.Text(lx.Toks[nt]) == "__attribute__" {
		return Decl{}, false
	}
	ext, td := lx.words(head)
	t := lx.Toks[nt]
	return Decl{Name: lx.Text(t), Func: true, NameTok: nt, Start: lx.Toks[head[0]].Off, DeclaratorEnd: t.End,
		Extern: ext, Typedef: td, Conditional: conditional}, true
}

// objectDecl: the name is the last identifier of the head that is not an
// attribute macro (__name, or __name(...)) and is followed by '[', an
// attribute, '=', ';' or the end of the head; a '(' after it makes it a
// prototype.
func (lx *Lexer) objectDecl(head []int, conditional bool) (Decl, bool) {
	for i := len(head) - 1; i >= 0; i-- {
		t := lx.Toks[head[i]]
		if t.Kind != Ident {
			continue
		}
		txt := lx.Text(t)
		if isAttr(txt) || isKeyword(txt) {
			continue
		}
		if i+1 < len(head) && lx.Text(lx.Toks[head[i+1]]) == "(" {
			return Decl{}, false
		}
		if i > 0 {
			switch lx.Text(lx.Toks[head[i-1]]) {
			case "struct", "union", "enum":
				return Decl{}, false
			}
		}
		end := t.End
		for j := i + 1; j+1 < len(head) && lx.Text(lx.Toks[head[j]]) == "[" && lx.Text(lx.Toks[head[j+1]]) == "]"; j += 2 {
			end = lx.Toks[head[j+1]].End
		}
		ext, td := lx.words(head)
		return Decl{Name: txt, NameTok: head[i], Start: lx.Toks[head[0]].Off, DeclaratorEnd: end,
			Extern: ext, Typedef: td, Conditional: conditional}, true
	}
	return Decl{}, false
}

func isAttr(s string) bool { return strings.HasPrefix(s, "__") }

func isKeyword(s string) bool {
	switch s {
	case "static", "const", "volatile", "extern", "typedef", "inline", "int", "char", "short", "long",
		"unsigned", "signed", "void", "float", "double", "_Bool", "bool", "struct", "union", "enum", "restrict":
		return true
	}
	return false
}
