package suggest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/initsec/initsec/internal/clex"
)

// HeaderIndex knows the functions and objects that header files define
// (static inline functions above all): the names of a kernel's include
// trees, or of a module's own headers. A suggestion of such a name is an
// out-of-line copy of a header definition (kzalloc.constprop.0, a
// header's list_add_tail the compiler did not inline): the module's
// sources cannot annotate it, so it is reported apart (Split).
//
// This needs no debug information: Debian's installed modules have none,
// and their sources are not installed, but the headers of the same release
// are (linux-headers-RELEASE). A module's own static function with the
// name of a header inline of its release cannot be in a file that includes
// that header (C forbids the redefinition), so a clash can only drop a
// suggestion, never add one.
//
// IndexHeaders lexes every header, IndexHeadersFor only those that
// mention a name asked; IndexHeadersCached and IndexHeadersForCached give
// the same answers from an index kept in the user cache, lexing only the
// headers changed since it was written.
type HeaderIndex struct {
	defs  map[string]defAt // name -> its first definition
	Files int              // headers read
}

// defAt is where a definition is: "path:line" is made only when asked
// (Lookup), not for each of a kernel's 20,000 names.
type defAt struct {
	path string
	line int
}

// Lookup returns where a header defines name: "path:line".
func (h *HeaderIndex) Lookup(name string) (string, bool) {
	if h == nil {
		return "", false
	}
	d, ok := h.defs[name]
	if !ok {
		return "", false
	}
	return d.path + ":" + strconv.Itoa(d.line), true
}

// Len is the number of names indexed.
func (h *HeaderIndex) Len() int { return len(h.defs) }

// IndexHeaders reads every .h file under roots (missing roots are skipped)
// and records each file-scope function definition (a body in a header:
// static inline) and each static object definition with where it is.
func IndexHeaders(roots ...string) (*HeaderIndex, error) {
	h := &HeaderIndex{defs: map[string]defAt{}}
	var readErr error // the first; the headers after it are not read
	err := walkHeaders(roots, func(p string) {
		if readErr != nil {
			return
		}
		src, err := os.ReadFile(p)
		if err != nil {
			readErr = err
			return
		}
		h.Files++
		h.addDefs(p, definitions(src, func(name string) bool { _, ok := h.defs[name]; return !ok }))
	})
	if readErr != nil {
		err = readErr
	}
	if err != nil {
		return nil, fmt.Errorf("index headers: %w", err)
	}
	return h, nil
}

// IndexHeadersFor is IndexHeaders for names only: Lookup answers for
// each of them as the index of IndexHeaders(roots...) would, and knows no
// other name. It reads every header, on GOMAXPROCS goroutines, but lexes
// only those in which one of names occurs as an identifier: on a kernel's
// 6,000 headers, a few dozen for the names of a tree's suggestions.
func IndexHeadersFor(names []string, roots ...string) (*HeaderIndex, error) {
	want := newNameSet(names)
	type file struct {
		path string
		defs []headerDef
	}
	found, err := eachHeader(roots, func(p string, src []byte) file {
		if !want.occursIn(src) {
			return file{}
		}
		return file{p, definitions(src, func(name string) bool { return want.names[name] })}
	})
	if err != nil {
		return nil, err
	}
	h := &HeaderIndex{defs: map[string]defAt{}, Files: len(found)}
	for _, f := range found {
		h.addDefs(f.path, f.defs)
	}
	return h, nil
}

// headerDef is a definition in a header: its name and line.
type headerDef struct {
	name string
	line int
}

// addDefs records the definitions of the header at path, in file order,
// whose names no header before it defines.
func (h *HeaderIndex) addDefs(path string, defs []headerDef) {
	for _, d := range defs {
		if _, ok := h.defs[d.name]; !ok {
			h.defs[d.name] = defAt{path, d.line}
		}
	}
}

// eachHeader returns, in the order IndexHeaders visits the .h files under
// roots (missing roots skipped), what look returns for each file's bytes.
// GOMAXPROCS goroutines read the files into reused buffers (look must not
// keep the bytes) and call look while the walk goes on. The error is
// IndexHeaders': the first file that could not be read, or the walk's.
func eachHeader[T any](roots []string, look func(path string, src []byte) T) ([]T, error) {
	type job struct {
		i    int
		path string
	}
	type result struct {
		v   T
		err error
	}
	var mu sync.Mutex
	var results []result // grown by the walk, filled by the workers
	jobs := make(chan job, 256)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for j := range jobs {
				var r result
				if buf, r.err = readInto(buf, j.path); r.err == nil {
					r.v = look(j.path, buf)
				}
				mu.Lock()
				results[j.i] = r
				mu.Unlock()
			}
		}()
	}
	walkErr := walkHeaders(roots, func(p string) {
		mu.Lock()
		results = append(results, result{})
		i := len(results) - 1
		mu.Unlock()
		jobs <- job{i, p}
	})
	close(jobs)
	wg.Wait()
	out := make([]T, len(results))
	for i, r := range results {
		if r.err != nil {
			return nil, fmt.Errorf("index headers: %w", r.err)
		}
		out[i] = r.v
	}
	if walkErr != nil {
		return nil, fmt.Errorf("index headers: %w", walkErr)
	}
	return out, nil
}

// walkHeaders calls emit with each .h file under roots, in IndexHeaders'
// order (missing roots skipped), and returns the walk's error.
func walkHeaders(roots []string, emit func(path string)) error {
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".h") && d.Type().IsRegular() {
				emit(p)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// readInto reads the file at p into buf's storage, grown as needed. It
// reads with the system calls themselves: os.Open would also try to add
// each file to the poller, one more system call per header for nothing.
func readInto(buf []byte, p string) ([]byte, error) {
	fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return buf, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// nameSet is a set of C identifiers with a fast test of whether a source
// mentions one: Wu and Manber's multi-pattern search ("A fast algorithm
// for multi-pattern searching", 1994), with blocks of 3 bytes, which
// passes over most of a header without looking at each byte. A set with
// a name shorter than 3 bytes scans identifiers one by one instead.
type nameSet struct {
	names map[string]bool
	// m is the length of the shortest name. shift[h] is how far the
	// window (the first m bytes of a possible name) may move when the 3
	// bytes ending it hash to h, and cands[h] are the names whose first m
	// bytes end with 3 such bytes; nil shift: scan identifiers.
	m     int
	shift []uint8
	cands map[uint16][]string
}

func newNameSet(names []string) *nameSet {
	s := &nameSet{names: make(map[string]bool, len(names)), m: -1}
	for _, n := range names {
		if n != "" {
			s.names[n] = true
			if s.m < 0 || len(n) < s.m {
				s.m = len(n)
			}
		}
	}
	if s.m < 3 {
		return s
	}
	s.shift = make([]uint8, 1<<16)
	for i := range s.shift {
		s.shift[i] = uint8(min(s.m-2, 255))
	}
	s.cands = make(map[uint16][]string)
	for n := range s.names {
		for j := 2; j < s.m; j++ {
			h := block(n[j-2], n[j-1], n[j])
			s.shift[h] = min(s.shift[h], uint8(min(s.m-1-j, 255)))
		}
		h := block(n[s.m-3], n[s.m-2], n[s.m-1])
		s.cands[h] = append(s.cands[h], n)
	}
	return s
}

// block hashes 3 bytes; a collision only shortens a shift.
func block(a, b, c byte) uint16 { return uint16(a)<<10 ^ uint16(b)<<5 ^ uint16(c) }

// identByte is clex.IsIdentChar as a table.
var identByte = func() (t [256]bool) {
	for c := range t {
		t[c] = clex.IsIdentChar(byte(c))
	}
	return t
}()

// occursIn reports whether one of the names is an identifier of src as
// clex reads them: a run of identifier bytes without its leading digits
// (clex makes each digit a token of its own). Comments, strings and
// preprocessor lines are not told apart: a mention there is a false hit,
// which only costs a lexing.
func (s *nameSet) occursIn(src []byte) bool {
	if s.shift == nil {
		return s.scanIdents(src)
	}
	n, m := len(src), s.m
	for pos := m - 1; pos < n; {
		h := block(src[pos-2], src[pos-1], src[pos])
		if sh := s.shift[h]; sh != 0 {
			pos += int(sh)
			continue
		}
		start := pos - m + 1
		for _, name := range s.cands[h] {
			if end := start + len(name); end <= n && string(src[start:end]) == name && isToken(src, start, end) {
				return true
			}
		}
		pos++
	}
	return false
}

// isToken reports whether src[start:end] is an identifier token: not
// continued by an identifier byte, and preceded by none but digits.
func isToken(src []byte, start, end int) bool {
	if end < len(src) && identByte[src[end]] {
		return false
	}
	i := start
	for i > 0 && '0' <= src[i-1] && src[i-1] <= '9' {
		i--
	}
	return i == 0 || !identByte[src[i-1]]
}

// scanIdents is occursIn one identifier at a time.
func (s *nameSet) scanIdents(src []byte) bool {
	n := len(src)
	for i := 0; i < n; {
		if !identByte[src[i]] {
			i++
			continue
		}
		j := i + 1
		for j < n && identByte[src[j]] {
			j++
		}
		for i < j && '0' <= src[i] && src[i] <= '9' {
			i++
		}
		if i < j && s.names[string(src[i:j])] {
			return true
		}
		i = j
	}
	return false
}

// definitions lists, in order, the file-scope function definitions and
// static object definitions of a header whose names keep accepts.
func definitions(src []byte, keep func(name string) bool) []headerDef {
	lx := clex.Lex(src)
	var out []headerDef
	for _, d := range lx.Decls() {
		if d.Extern || d.Typedef || (!d.Func && !strings.Contains(string(src[d.Start:d.DeclaratorEnd]), "static")) || !keep(d.Name) {
			continue
		}
		line, _ := lx.Pos(lx.Toks[d.NameTok].Off)
		out = append(out, headerDef{d.Name, line})
	}
	return out
}

// KernelHeaderRoots returns the include trees of a kernel build directory
// for arch ("x86", "arm64"): KDIR/include and KDIR/arch/ARCH/include, and
// the same in the source tree a Debian headers package points to (its
// Makefile is one line, "include /usr/src/linux-headers-R-common/Makefile").
func KernelHeaderRoots(kdir, arch string) []string {
	dirs := []string{kdir}
	if b, err := os.ReadFile(filepath.Join(kdir, "Makefile")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "include" && filepath.Base(f[1]) == "Makefile" {
				dirs = append(dirs, filepath.Dir(f[1]))
			}
		}
	}
	var roots []string
	for _, d := range dirs {
		roots = append(roots, filepath.Join(d, "include"), filepath.Join(d, "arch", arch, "include"))
	}
	return roots
}

// HeaderInline is a suggestion whose name a header defines.
type HeaderInline struct {
	Suggestion
	// Header is where: "path:line".
	Header string `json:"header"`
}

// Split separates the suggestions whose names h defines (out-of-line
// copies of header definitions, which the module's sources cannot
// annotate) from the others.
func Split(sugg []Suggestion, h *HeaderIndex) (own []Suggestion, inlines []HeaderInline) {
	for _, s := range sugg {
		if w, ok := h.Lookup(s.Symbol); ok {
			inlines = append(inlines, HeaderInline{s, w})
			continue
		}
		own = append(own, s)
	}
	return own, inlines
}
