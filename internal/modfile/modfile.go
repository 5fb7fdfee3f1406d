// Package modfile opens kernel module files as distributions ship them:
// plain ELF (.ko, .o) and compressed with xz (.ko.xz), zstd (.ko.zst) or
// gzip (.ko.gz).
//
// The whole object is read into memory (decompressed, for a compressed one)
// and handed to sectionrt.NewObjectBytes, which reads its sections as slices
// of that memory: no temporary files, and one read per file instead of one
// pread per header and section, which is what a checker walking thousands
// of modules wants. Decompressed output
// is capped (MaxSize): a module larger than that, or a decompression bomb,
// is an error naming the file.
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
	"github.com/ulikunitz/xz"

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

// A Reader opens module files one after another into one buffer that it
// keeps, so that checking thousands of modules does not allocate (and
// clear) a new buffer for each. The Object it returns reads from that
// buffer: it must not be used after the next call to Open. A Reader is
// not safe for concurrent use; give each worker its own.
type Reader struct {
	buf []byte
}

// Open is like the package's Open, with the Reader's buffer.
func (r *Reader) Open(path string) (*sectionrt.Object, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	data, err := r.read(f, size, path)
	if err != nil {
		return nil, err
	}
	return sectionrt.NewObjectBytes(data, path)
}

// read reads a plain file of known size straight into the buffer (one
// read, no growing), and anything else through Read.
func (r *Reader) read(f io.Reader, size int64, name string) ([]byte, error) {
	if size < 0 || size > limit {
		return Read(f, size, name)
	}
	if int64(cap(r.buf)) < size+1 {
		r.buf = make([]byte, size+1+size/4)
	}
	b := r.buf[:size+1]
	n, err := io.ReadFull(f, b)
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
	case err != nil:
		return nil, &Error{File: name, Msg: "read", Err: err}
	default: // the file grew while we read it
		return Read(io.MultiReader(bytes.NewReader(b), f), -1, name)
	}
	b = b[:n]
	if c := Sniff(b); c != None || byName(name) != None {
		return Read(bytes.NewReader(b), int64(n), name)
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
		what := "empty file"
		if n > 0 {
			what = fmt.Sprintf("it starts with % x", head[:n])
		}
		return nil, &Error{File: name, Msg: fmt.Sprintf("not %s data (%s)", want, what)}
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
	return decompress(c, bytes.NewReader(buf.Bytes()), int64(buf.Len()), name)
}

// decompress streams src through the decoder for c into memory, stopping
// with an error past MaxSize.
func decompress(c Compression, src io.Reader, size int64, name string) ([]byte, error) {
	var (
		dec io.Reader
		err error
	)
	switch c {
	case XZ:
		// The decoder allocates the dictionary its stream header names
		// (the kernel's xz modules: 1 or 2 MiB, scripts/xz_wrap.sh; xz
		// allows up to 1.5 GiB) and DictCap cannot lower that; the
		// memory actually touched is bounded by the output, capped below.
		dec, err = xz.ReaderConfig{SingleStream: false}.NewReader(src)
	case Zstd:
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
	case Gzip:
		var g *gzip.Reader
		g, err = gzip.NewReader(src)
		dec = g
	}
	if err != nil {
		return nil, decodeErr(c, name, err)
	}
	// Kernel modules compress about 3:1 with xz; start there.
	est := int64(64 << 10)
	if size > 0 {
		est = min(size*4, limit)
	}
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
