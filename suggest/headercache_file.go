package suggest

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// The cache file of IndexHeadersCached:
//
//	magic     "initsec header index 1\n"
//	build     string: the Go build ID of the initsec that wrote it
//	roots     uvarint count, then each absolute root as a string
//	trees     one node per root
//	crc       CRC-32C of all the bytes before it, 4 bytes little-endian
//
// A string is a uvarint length and its bytes. A node is its kind (a
// byte: hkind), then for a directory or a header its stamp (dev, ino,
// size, mtime, ctime as uvarints; times as two's complement), then a
// directory's entries (a uvarint count, then each entry's name and node)
// or a header's definitions as a string (appendDefs: a uvarint count,
// then each name and its line as a uvarint), which a run that does not
// lex the header copies as it is. Not gob: on Debian 6.1's x86 trees
// (772 KB here, 918 KB as gob) gob loads in 7.8 ms (44,000 allocations:
// each of the 23,000 definitions a struct and a string of its own), this
// in 1.9 ms (7,000: names are substrings of one copy of the file).
const headerCacheMagic = "initsec header index 1\n"

// headerCacheKeep is how many cache files the directory keeps (the
// newest): one per header tree and build of initsec, so that two builds
// run in turn (a benchmark against the previous commit) do not rebuild
// each other's.
const headerCacheKeep = 16

// headerCacheFile is the cache file for roots, in
// os.UserCacheDir()/initsec/header-index: a hash of this build's ID and
// the absolute roots. "" when there is no user cache directory or the
// build cannot be told (then nothing is cached).
func headerCacheFile(roots []string) string {
	dir, err := os.UserCacheDir()
	b := buildID()
	if err != nil || b == "" {
		return ""
	}
	abs, err := absRoots(roots)
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(headerCacheMagic + b + "\x00" + strings.Join(abs, "\x00")))
	return filepath.Join(dir, "initsec", "header-index", hex.EncodeToString(h.Sum(nil)[:16]))
}

func absRoots(roots []string) ([]string, error) {
	abs := make([]string, len(roots))
	for i, r := range roots {
		a, err := filepath.Abs(r)
		if err != nil {
			return nil, err
		}
		abs[i] = a
	}
	return abs, nil
}

// buildID identifies the running build: a cache written by another
// (another lexer, perhaps) is not used. It is the Go build ID (the
// .note.go.buildid section, a hash of the build's inputs: the same
// sources build the same ID), else the executable's stamp.
var buildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if b, err := s.Data(); err == nil && len(b) > 0 {
				return "go:" + string(b)
			}
		}
	}
	st, _, err := lstatStamp(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("exe:%s:%d:%d:%d:%d", exe, st.dev, st.ino, st.size, st.mtime)
})

// loadHeaderCache returns the trees stored in file for roots, or nil when
// the file is missing, unreadable, corrupt or not this build's.
func loadHeaderCache(file string, roots []string) []*hnode {
	data, err := os.ReadFile(file)
	if err != nil || len(data) < 4 {
		return nil
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(body):]) {
		return nil
	}
	// The names are substrings of the file's bytes, which nothing writes
	// after: taken as a string without a copy, whose 0.7 MB (Debian
	// 6.1's headers) were memory touched for the first time on every
	// run of suggest.
	d := &hdecoder{s: unsafe.String(unsafe.SliceData(body), len(body))}
	if d.fixed(headerCacheMagic) != headerCacheMagic || d.str() != buildID() {
		return nil
	}
	abs, err := absRoots(roots)
	if err != nil || d.uint() != uint64(len(abs)) {
		return nil
	}
	for _, a := range abs {
		if d.str() != a {
			return nil
		}
	}
	tree := make([]*hnode, len(roots))
	for i := range tree {
		tree[i] = d.node("")
	}
	if d.err != nil || d.i != len(d.s) {
		return nil
	}
	return tree
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// hdecoder reads the cache file's body; the first error stops it (every
// read after returns zero values). Names are substrings of s: one copy of
// the file for all of them.
type hdecoder struct {
	s   string
	i   int
	err error
}

var errCacheFormat = errors.New("header cache: bad format")

func (d *hdecoder) fail() { d.err, d.i = errCacheFormat, len(d.s) }

func (d *hdecoder) fixed(s string) string {
	if len(d.s)-d.i < len(s) {
		d.fail()
		return ""
	}
	d.i += len(s)
	return d.s[d.i-len(s) : d.i]
}

// uint is binary.Uvarint over the string.
func (d *hdecoder) uint() uint64 {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		if d.i >= len(d.s) || shift > 63 {
			d.fail()
			return 0
		}
		c := d.s[d.i]
		d.i++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
}

func (d *hdecoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)-d.i) {
		d.fail()
		return ""
	}
	d.i += int(n)
	return d.s[d.i-int(n) : d.i]
}

// count reads a count of items that take at least 2 bytes each: no more
// than the rest of the file can hold.
func (d *hdecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.s)-d.i)/2 {
		d.fail()
		return 0
	}
	return int(n)
}

// node reads a node and, for a directory, its entries.
func (d *hdecoder) node(name string) *hnode {
	if d.i >= len(d.s) {
		d.fail()
		return &hnode{}
	}
	n := &hnode{name: name, kind: hkind(d.s[d.i])}
	d.i++
	if n.kind == kindNone {
		return n
	}
	n.stamp = stamp{d.uint(), d.uint(), d.uint(), int64(d.uint()), int64(d.uint())}
	switch n.kind {
	case kindDir:
		n.kids = make([]*hnode, d.count())
		for i := range n.kids {
			n.kids[i] = d.node(d.str())
			if i > 0 && n.kids[i-1].name >= n.kids[i].name {
				d.fail() // kid's binary search needs them in order
			}
		}
	case kindHeader:
		n.defs = d.str()
	default:
		d.fail()
	}
	return n
}

// writable reports whether a file can be made in dir (made if missing).
func writable(dir string) bool {
	if os.MkdirAll(dir, 0o755) != nil {
		return false
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// saveHeaderCache writes the trees to file for roots: a temporary file
// renamed over it, so that a concurrent run reads the old or the new,
// never a part. It then removes the oldest cache files beyond
// headerCacheKeep.
func saveHeaderCache(file string, roots []string, tree []*hnode) error {
	abs, err := absRoots(roots)
	if err != nil {
		return err
	}
	b := append(make([]byte, 0, 1<<20), headerCacheMagic...)
	b = appendStr(b, buildID())
	b = binary.AppendUvarint(b, uint64(len(abs)))
	for _, a := range abs {
		b = appendStr(b, a)
	}
	for _, n := range tree {
		b = appendNode(b, n)
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	pruneHeaderCache(dir)
	return nil
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendNode(b []byte, n *hnode) []byte {
	b = append(b, byte(n.kind))
	if n.kind == kindNone {
		return b
	}
	for _, v := range []uint64{n.stamp.dev, n.stamp.ino, n.stamp.size, uint64(n.stamp.mtime), uint64(n.stamp.ctime)} {
		b = binary.AppendUvarint(b, v)
	}
	if n.kind == kindDir {
		b = binary.AppendUvarint(b, uint64(len(n.kids)))
		for _, k := range n.kids {
			b = appendNode(appendStr(b, k.name), k)
		}
		return b
	}
	return appendStr(b, n.defs)
}

// appendDefs encodes a header's definitions: their count, then each
// name and line.
func appendDefs(b []byte, defs []headerDef) []byte {
	b = binary.AppendUvarint(b, uint64(len(defs)))
	for _, d := range defs {
		b = binary.AppendUvarint(appendStr(b, d.name), uint64(d.line))
	}
	return b
}

// defsReader reads the definitions appendDefs encoded, in order:
//
//	for d := readDefs(defs); d.next(); { use d.name, d.line }
type defsReader struct {
	hdecoder
	left int
	name string
	line int
}

func readDefs(s string) defsReader {
	r := defsReader{hdecoder: hdecoder{s: s}}
	r.left = r.count()
	return r
}

func (r *defsReader) next() bool {
	if r.left <= 0 || r.err != nil {
		return false
	}
	r.left--
	r.name, r.line = r.str(), int(r.uint())
	return r.err == nil
}

// pruneHeaderCache removes the oldest cache files of dir beyond
// headerCacheKeep, and temporary files an hour old (a run that was
// killed while writing).
func pruneHeaderCache(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if strings.HasPrefix(e.Name(), ".tmp-") {
			if time.Since(fi.ModTime()) > time.Hour {
				os.Remove(filepath.Join(dir, e.Name()))
			}
			continue
		}
		files = append(files, file{e.Name(), fi.ModTime()})
	}
	slices.SortFunc(files, func(a, b file) int { return b.mod.Compare(a.mod) })
	for _, f := range files[min(len(files), headerCacheKeep):] {
		os.Remove(filepath.Join(dir, f.name))
	}
}
