// Package modfile opens kernel module files as distributions ship them:
// plain ELF (.ko, .o) and compressed with xz (.ko.xz), zstd (.ko.zst) or
// gzip (.ko.gz).
//
// A plain object is read in place (sectionrt.OpenFile: ReadAt of the
// headers and of the sections the checks ask for, not the whole file). A
// compressed one is decompressed into memory and handed to
// sectionrt.NewObjectBytes, which reads its sections as slices of that
// memory: no temporary files. A Reader keeps its buffer and decoders from
// one module to the next. Decompressed output is capped (MaxSize): a module
// larger than that, or a decompression bomb, is an error naming the file.
//
// xz and zstd are decoded by the system's C libraries, liblzma.so.5 and
// libzstd.so.1, loaded at run time (github.com/ebitengine/purego: no cgo)
// where they are installed, on linux/amd64 and linux/arm64 (purego makes
// the binary dynamically linked even with CGO_ENABLED=0; build with -tags
// initsec_godecoders for a static one without them). Elsewhere, or with
// INITSEC_GO_DECODERS=1, Go decoders do it: xz with
// github.com/therootcompany/xz (a port of xz-embedded; 1.5 times the CPU
// of liblzma on the kernel's modules, against 2.4 times for
// github.com/ulikunitz/xz, which also lacks the BCJ filters), zstd with
// github.com/klauspost/compress/zstd (also for what libzstd is not asked
// to decode: several frames, or a frame that does not record its size).
// Both paths give the same bytes, and the same error for the same bad
// input. Decoders says which is in use. gzip is always decoded in Go.
//
// The format is taken from the file's magic bytes, not from its name; a name
// ending in .xz, .zst or .gz whose content has another magic is an error, so
// that a zero-length or truncated download is reported as what it is.
package modfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	txz "github.com/therootcompany/xz"

	"github.com/initsec/initsec/sectionrt"
)

// MaxSize is the largest object Open accepts, in bytes, after
// decompression. The largest module of Debian's 6.1 and 6.12 kernels
// (amdgpu) is about 12 MiB uncompressed.
const MaxSize = 256 << 20

// limit is MaxSize; tests lower it.
var limit int64 = MaxSize

// Compression names a module file's compression.
type Compression string

const (
	None Compression = ""
	XZ   Compression = "xz"
	Zstd Compression = "zstd"
	Gzip Compression = "gzip"
)

var magics = []struct {
	c     Compression
	magic []byte
}{
	{XZ, []byte{0xfd, '7', 'z', 'X', 'Z', 0}},
	{Zstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{Gzip, []byte{0x1f, 0x8b}},
}

// Suffixes are the file name endings of module files, longest first where
// one ends another.
var Suffixes = []string{".ko.xz", ".ko.zst", ".ko.gz", ".ko", ".o"}

// IsModuleFile reports whether name ends in one of Suffixes.
func IsModuleFile(name string) bool {
	for _, s := range Suffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// Trim returns name without its module suffix ("dir/e1000e.ko.xz" →
// "dir/e1000e"), or name when it has none.
func Trim(name string) string {
	for _, s := range Suffixes {
		if t, ok := strings.CutSuffix(name, s); ok {
			return t
		}
	}
	return name
}

// ByName returns the compression a file name announces (.xz, .zst, .gz);
// the contents decide in Reader.Open.
func ByName(name string) Compression { return byName(name) }

// byName returns the compression a file name announces.
func byName(name string) Compression {
	switch {
	case strings.HasSuffix(name, ".xz"):
		return XZ
	case strings.HasSuffix(name, ".zst"):
		return Zstd
	case strings.HasSuffix(name, ".gz"):
		return Gzip
	}
	return None
}

// Sniff returns the compression whose magic starts b, or None.
func Sniff(b []byte) Compression {
	for _, m := range magics {
		if bytes.HasPrefix(b, m.magic) {
			return m.c
		}
	}
	return None
}

// Error is a module file that could not be read or decompressed. Its
// message starts with the file name.
type Error struct {
	File string
	Msg  string
	Err  error // may be nil
}

func (e *Error) Error() string {
	s := e.File + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Open reads the module file at path (decompressing it when it is
// compressed) and opens it as an ELF object named path. The Object holds no
// file open; Close is not needed but harmless.
func Open(path string) (*sectionrt.Object, error) {
	var r Reader
	return r.Open(path)
}

// A Reader opens module files one after another. A plain object is read
// in place with ReadAt (sectionrt.OpenFile): only its headers, symbol and
// string tables and the sections the checks ask for, never the whole
// file. A compressed one is decoded into one buffer that the Reader
// keeps, by decoders that it keeps too, so that checking thousands of
// modules does not allocate (and clear) a new buffer and a new dictionary
// for each. The Object it returns reads from that buffer or file: it
// must not be used after the next call to Open. A Reader is not safe for
// concurrent use; give each worker its own.
type Reader struct {
	// Serialize makes a module that decompresses to more than 8 MiB
	// wait until no other Serialize Reader holds one (until its Release),
	// so that workers checking at once do not each hold a large module.
	Serialize bool
	// Sparse keeps, of an xz module over 16 MiB decompressed, only what
	// the section-mismatch checks read (decoding each of its xz blocks
	// at most once, or, when it is one block, decoding it twice): the
	// Object can then give no other section's bytes. For verify's
	// workers.
	Sparse bool
	big    bool // holds bigSem

	buf []byte        // the decompressed object
	in  []byte        // a zstd file's bytes, or one xz block's
	xz  *txz.Reader   // reused with Reset
	zs  *zstd.Decoder // reused by DecodeAll
	cx  *cXZ          // liblzma's decoder, reused
	cz  *cZstd        // libzstd's context, reused

	chunk []byte // output of an xz block decoded in parts
}

// maxKeep is the largest decompression buffer a Reader keeps for the next
// module: one larger (a module such as amdgpu) is dropped after use, so
// that the workers do not each hold the largest module's size.
const maxKeep = 8 << 20

// bigSem is held by the one Serialize Reader that holds a large module.
var bigSem = make(chan struct{}, 1)

// Release is called when the last Object from Open is no longer used: a
// large module's buffer is dropped and, with Serialize, another Reader may
// take a large one. Open releases too.
func (r *Reader) Release() {
	if cap(r.buf) > maxKeep {
		r.buf = nil
	}
	if r.big {
		r.big = false
		<-bigSem
	}
}

// reserve is called before the Reader holds n bytes of output.
func (r *Reader) reserve(n int64) {
	if r.Serialize && !r.big && n > maxKeep {
		bigSem <- struct{}{}
		r.big = true
	}
}

// Open is like the package's Open, with the Reader's buffer.
func (r *Reader) Open(path string) (*sectionrt.Object, error) {
	o, _, err := r.OpenScreened(path, nil)
	return o, err
}

// OpenScreened is Open with a screen for compressed modules: once a
// module is decoded whole, clean (when not nil) is given its bytes, and
// when it answers true the module is not opened: cleared is true and o
// nil. It is how verify runs sectionrt.Screen.Clean on .ko.xz and .ko.zst
// without building an Object for the clean ones; plain files, and modules
// read sparse, are opened as Open does.
func (r *Reader) OpenScreened(path string, clean func(r io.ReaderAt, size int64) bool) (*sectionrt.Object, bool, error) {
	r.Release()
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	if size < 0 || size > limit {
		defer f.Close()
		data, err := Read(f, size, path)
		if err != nil {
			return nil, false, err
		}
		o, err := sectionrt.NewObjectBytes(data, path)
		return o, false, err
	}
	var head [8]byte
	n, err := f.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		f.Close()
		return nil, false, &Error{File: path, Msg: "read", Err: err}
	}
	c := Sniff(head[:n])
	if want := byName(path); want != None && c != want {
		f.Close()
		return nil, false, notCompressed(path, want, head[:n])
	}
	if c == None {
		o, err := sectionrt.OpenFile(f, path)
		if err != nil {
			f.Close()
			return nil, false, err
		}
		return o, false, nil
	}
	defer f.Close()
	if c == XZ && r.Sparse {
		if want := xzSize(f, size); want > sparseMin {
			sf, ok, err := r.sparseXZ(f, size, want, path)
			if err != nil {
				r.xz = nil
				return nil, false, err
			}
			if ok {
				o, err := sectionrt.NewObject(sf, path)
				return o, false, err
			}
		}
	}
	data, err := r.decompress(c, f, size, path)
	if err != nil {
		return nil, false, err
	}
	if clean != nil && clean(bytes.NewReader(data), int64(len(data))) {
		return nil, true, nil
	}
	o, err := sectionrt.NewObjectBytes(data, path)
	return o, false, err
}

// notCompressed is the error for a file named as compressed with want
// whose content starts with head.
func notCompressed(name string, want Compression, head []byte) error {
	what := "empty file"
	if len(head) > 0 {
		what = fmt.Sprintf("it starts with % x", head)
	}
	return &Error{File: name, Msg: fmt.Sprintf("not %s data (%s)", want, what)}
}

// decompress decodes f, a file of size bytes compressed with c, into the
// Reader's buffer, with its decoders; gzip goes through Read.
func (r *Reader) decompress(c Compression, f *os.File, size int64, name string) ([]byte, error) {
	switch c {
	case XZ:
		dec, err := r.startXZ(f, name)
		if err != nil {
			return nil, err
		}
		data, err := r.readAll(dec, xzSize(f, size), name, c)
		if err != nil {
			r.xz = nil
			return nil, err
		}
		return data, nil
	case Zstd:
		in, err := r.readIn(f, size, name)
		if err != nil {
			return nil, err
		}
		if l := clibs().zstd; l != nil {
			if r.cz == nil {
				r.cz = newCZstd(l)
			}
			if r.cz != nil {
				if n := r.cz.size(in); n >= 0 {
					return r.zstdC(in, n, name)
				}
			}
		}
		return r.zstdGo(in, name)
	}
	return Read(f, size, name)
}

// readIn reads f (size bytes, from its start) into the Reader's input
// buffer.
func (r *Reader) readIn(f *os.File, size int64, name string) ([]byte, error) {
	if int64(cap(r.in)) < size {
		r.in = make([]byte, size)
	}
	in := r.in[:size]
	if _, err := f.ReadAt(in, 0); err != nil {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	if cap(r.in) > maxKeep {
		r.in = nil
	}
	return in, nil
}

// startXZ starts an xz decoder reading f from its start: liblzma where
// it is loaded, else the Go decoder.
func (r *Reader) startXZ(f *os.File, name string) (io.Reader, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	if l := clibs().xz; l != nil {
		if r.cx == nil {
			r.cx = newCXZ(l)
		}
		if err := r.cx.Reset(f); err != nil {
			return nil, decodeErr(XZ, name, xzErr(err))
		}
		return r.cx, nil
	}
	if err := r.resetXZ(f); err != nil {
		return nil, decodeErr(XZ, name, xzErr(err))
	}
	return r.xz, nil
}

// zstdC decodes in, one frame that records its size n, with libzstd.
func (r *Reader) zstdC(in []byte, n int64, name string) ([]byte, error) {
	if n > limit {
		return nil, decodeErr(Zstd, name, zstd.ErrDecoderSizeExceeded)
	}
	r.reserve(n)
	if int64(cap(r.buf)) < n {
		r.buf = make([]byte, n)
	}
	data := r.buf[:n]
	if err := r.cz.decode(data, in); err != nil {
		return nil, decodeErr(Zstd, name, err)
	}
	return r.checkOut(data, name, Zstd)
}

// zstdGo decodes in with the Go decoder.
func (r *Reader) zstdGo(in []byte, name string) ([]byte, error) {
	if r.zs == nil {
		var err error
		r.zs, err = zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(uint64(limit)+1),
			zstd.WithDecoderMaxWindow(uint64(min(limit, zstd.MaxWindowSize))))
		if err != nil {
			return nil, decodeErr(Zstd, name, err)
		}
	}
	var h zstd.Header
	if h.Decode(in) == nil && h.HasFCS {
		r.reserve(int64(h.FrameContentSize))
	} else {
		r.reserve(limit) // not known: as if large
	}
	data, err := r.zs.DecodeAll(in, r.buf[:0])
	if cap(data) > cap(r.buf) {
		r.buf = data[:0]
	}
	if err != nil {
		return nil, decodeErr(Zstd, name, err)
	}
	return r.checkOut(data, name, Zstd)
}

// resetXZ starts the Reader's xz decoder on f.
func (r *Reader) resetXZ(f io.Reader) error {
	var err error
	if r.xz == nil {
		r.xz, err = txz.NewReader(f, xzDictMax)
	} else {
		err = r.xz.Reset(f)
	}
	if err != nil {
		r.xz = nil // its state is unknown: start afresh next time
	}
	return err
}

// xzDictMax is the largest LZMA2 dictionary a .ko.xz may ask for: the
// decoder allocates what the stream header names. The kernel compresses
// modules with a 1 MiB dictionary (scripts/Makefile.modinst); xz -9 uses
// 64 MiB.
const xzDictMax = 64 << 20

// xzErr names the one xz error whose cause decodeErr cannot tell.
func xzErr(err error) error {
	if errors.Is(err, txz.ErrMemlimit) {
		return fmt.Errorf("%w (more than %d MiB)", err, xzDictMax>>20)
	}
	return err
}

// readAll reads dec to its end into the Reader's buffer, stopping with an
// error past the limit. want is the expected size, -1 when not known.
func (r *Reader) readAll(dec io.Reader, want int64, name string, c Compression) ([]byte, error) {
	r.reserve(want)
	if want > int64(cap(r.buf)) {
		r.buf = make([]byte, 0, want+1) // +1: the end is seen without growing
	} else if cap(r.buf) == 0 {
		r.buf = make([]byte, 0, 256<<10)
	}
	b := r.buf[:0]
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > limit {
				break
			}
			r.reserve(int64(cap(b)) * 2)
			nb := make([]byte, len(b), min(int64(cap(b))*2, limit+1))
			copy(nb, b)
			b = nb
			r.buf = b[:0]
		}
		n, err := dec.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, decodeErr(c, name, xzErr(err))
		}
	}
	return r.checkOut(b, name, c)
}

// checkOut checks the decompressed size: within the limit, not empty.
func (r *Reader) checkOut(b []byte, name string, c Compression) ([]byte, error) {
	if int64(len(b)) > limit {
		return nil, &Error{File: name, Msg: fmt.Sprintf("%s: decompressed size is more than the limit of %s", c, limitText())}
	}
	if len(b) == 0 {
		return nil, &Error{File: name, Msg: fmt.Sprintf("%s: decompresses to nothing", c)}
	}
	return b, nil
}

// ReadFile returns the ELF bytes of the module file at path: its content,
// decompressed when it is compressed, at most MaxSize bytes.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError names the file
	}
	defer f.Close()
	var size int64 = -1
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return Read(f, size, path)
}

// Read reads a module from r, whose size is size bytes (-1 when not
// known), decompressing it as its magic says. name is used in errors.
func Read(r io.Reader, size int64, name string) ([]byte, error) {
	if size > limit {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is %d bytes, more than the limit of %s", size, limitText())}
	}
	var head [8]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	c := Sniff(head[:n])
	if want := byName(name); want != None && c != want {
		return nil, notCompressed(name, want, head[:n])
	}
	// The whole file goes to memory: the ELF reader wants random access,
	// and the decoders read in small pieces (xz 3x slower from a file).
	buf := bytes.NewBuffer(make([]byte, 0, max(size, int64(n))))
	buf.Write(head[:n])
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1-int64(n))); err != nil {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	if int64(buf.Len()) > limit {
		return nil, &Error{File: name, Msg: "more than the limit of " + limitText()}
	}
	if c == None {
		return buf.Bytes(), nil
	}
	return decompress(c, buf.Bytes(), name)
}

// decompress streams src through the decoder for c into memory, stopping
// with an error past MaxSize.
func decompress(c Compression, in []byte, name string) ([]byte, error) {
	// One-shot C decoders are freed at once: their memory is not Go's,
	// and would wait for a garbage collection otherwise.
	if l := clibs().zstd; c == Zstd && l != nil {
		if z := newCZstd(l); z != nil {
			defer z.end()
			if n := z.size(in); n >= 0 {
				r := Reader{cz: z}
				return r.zstdC(in, n, name)
			}
		}
	}
	var (
		dec io.Reader
		err error
		src = bytes.NewReader(in)
	)
	switch {
	case c == XZ && clibs().xz != nil:
		x := newCXZ(clibs().xz)
		defer x.end()
		err = xzErr(x.Reset(src))
		dec = x
	case c == XZ:
		// The decoder allocates the dictionary its stream header names,
		// up to xzDictMax; the output is capped below.
		var z *txz.Reader
		z, err = txz.NewReader(src, xzDictMax)
		err = xzErr(err)
		dec = z
	case c == Zstd:
		var z *zstd.Decoder
		z, err = zstd.NewReader(src,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(uint64(limit)+1),
			zstd.WithDecoderMaxWindow(uint64(min(limit, zstd.MaxWindowSize))))
		if z != nil {
			defer z.Close()
		}
		dec = z
	case c == Gzip:
		var g *gzip.Reader
		g, err = gzip.NewReader(src)
		dec = g
	}
	if err != nil {
		return nil, decodeErr(c, name, err)
	}
	// Kernel modules compress about 3:1 with xz; start there.
	est := min(max(int64(len(in))*4, 64<<10), limit)
	buf := bytes.NewBuffer(make([]byte, 0, est))
	_, err = buf.ReadFrom(io.LimitReader(dec, limit+1))
	if err != nil {
		return nil, decodeErr(c, name, err)
	}
	if int64(buf.Len()) > limit {
		return nil, &Error{File: name, Msg: fmt.Sprintf("%s: decompressed size is more than the limit of %s", c, limitText())}
	}
	if buf.Len() == 0 {
		return nil, &Error{File: name, Msg: fmt.Sprintf("%s: decompresses to nothing", c)}
	}
	return buf.Bytes(), nil
}

func limitText() string {
	if limit%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", limit>>20)
	}
	return fmt.Sprintf("%d bytes", limit)
}

func decodeErr(c Compression, name string, err error) error {
	msg := string(c)
	if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return &Error{File: name, Msg: fmt.Sprintf("%s: decompressed size is more than the limit of %s", c, limitText()), Err: err}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg += ": truncated"
	} else {
		msg += ": corrupt"
	}
	return &Error{File: name, Msg: msg, Err: err}
}
