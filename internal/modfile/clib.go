//go:build linux && (amd64 || arm64) && !initsec_godecoders

package modfile

import (
	"fmt"
	"io"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
	txz "github.com/therootcompany/xz"
)

// liblzma and libzstd are loaded with purego (dlopen without cgo: the
// binary still builds with CGO_ENABLED=0). Only calls and structures that
// the libraries keep ABI-stable are used: liblzma's lzma_stream and
// lzma_stream_decoder/lzma_code/lzma_end (stable since liblzma 5.0,
// /usr/include/lzma/base.h and container.h) and libzstd's stable API
// (zstd.h, the part outside ZSTD_STATIC_LINKING_ONLY).

// lzmaStream is liblzma's lzma_stream (/usr/include/lzma/base.h): the
// pointers are kept as uintptr, the buffers they point into pinned for
// as long as liblzma may use them.
type lzmaStream struct {
	nextIn    uintptr
	availIn   uintptr
	totalIn   uint64
	nextOut   uintptr
	availOut  uintptr
	totalOut  uint64
	allocator uintptr
	internal  uintptr
	reserved  [4]uintptr
	seekPos   uint64
	reserved2 uint64
	reserved3 uintptr
	reserved4 uintptr
	enum1     int32
	enum2     int32
}

// lzma_ret and lzma_action values (base.h) and decoder flags
// (container.h).
const (
	lzmaOK           = 0
	lzmaStreamEnd    = 1
	lzmaMemError     = 5
	lzmaMemlimit     = 6
	lzmaFormatError  = 7
	lzmaOptionsError = 8
	lzmaDataError    = 9
	lzmaBufError     = 10

	lzmaRun          = 0
	lzmaFinish       = 3
	lzmaConcatenated = 0x08
)

type lzmaLib struct {
	version string
	decoder func(s *lzmaStream, memlimit uint64, flags uint32) int32
	code    func(s *lzmaStream, action int32) int32
	end     func(s *lzmaStream)
}

type zstdLib struct {
	version    string
	createDCtx func() uintptr
	freeDCtx   func(uintptr) uintptr
	decompress func(dctx uintptr, dst *byte, dstCap uintptr, src *byte, srcSize uintptr) uintptr
	contentSz  func(src *byte, srcSize uintptr) uint64
	frameSize  func(src *byte, srcSize uintptr) uintptr
	isError    func(code uintptr) uint32
	errorName  func(code uintptr) string
}

// bind sets each function pointer in fns to the library symbol of the
// same index in names; an error names the first symbol missing.
func bind(lib uintptr, file string, names []string, fns ...any) error {
	for i, n := range names {
		sym, err := purego.Dlsym(lib, n)
		if err != nil {
			return fmt.Errorf("%s: no %s: %w", file, n, err)
		}
		purego.RegisterFunc(fns[i], sym)
	}
	return nil
}

func loadLZMA() (*lzmaLib, error) {
	const file = "liblzma.so.5"
	h, err := purego.Dlopen(file, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, err
	}
	l := new(lzmaLib)
	var version func() string
	err = bind(h, file, []string{"lzma_version_string", "lzma_stream_decoder", "lzma_code", "lzma_end"},
		&version, &l.decoder, &l.code, &l.end)
	if err != nil {
		return nil, err
	}
	l.version = "liblzma " + version() + " (" + file + ")"
	return l, nil
}

func loadZstd() (*zstdLib, error) {
	const file = "libzstd.so.1"
	h, err := purego.Dlopen(file, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, err
	}
	z := new(zstdLib)
	var version func() string
	err = bind(h, file, []string{"ZSTD_versionString", "ZSTD_createDCtx", "ZSTD_freeDCtx", "ZSTD_decompressDCtx",
		"ZSTD_getFrameContentSize", "ZSTD_findFrameCompressedSize", "ZSTD_isError", "ZSTD_getErrorName"},
		&version, &z.createDCtx, &z.freeDCtx, &z.decompress, &z.contentSz, &z.frameSize, &z.isError, &z.errorName)
	if err != nil {
		return nil, err
	}
	z.version = "libzstd " + version() + " (" + file + ")"
	return z, nil
}

// The C state of a decoder (liblzma's stream, libzstd's context) is freed
// by a cleanup when the decoder is garbage, or at once by end, which stops
// that cleanup first. A decoder is unreachable as soon as its fields are
// loaded for its last C call: without the Stop, a collection during end's
// own free would queue the cleanup, which would free the same memory on
// another thread (glibc: "free(): invalid pointer"). Each other C call on
// that state is followed by runtime.KeepAlive of its decoder, so that the
// cleanup cannot run during the call either.

// cXZ decodes xz with liblzma. It is an io.Reader over the source given
// to Reset, like the Go decoder, and keeps liblzma's decoder (its
// dictionary) from one module to the next.
type cXZ struct {
	lib     *lzmaLib
	s       *lzmaStream
	cleanup runtime.Cleanup
	src     io.Reader
	srcEOF  bool
	ibuf    []byte // input read from src
	in      []byte // what of ibuf liblzma has not taken
	done    bool
	err     error
}

func newCXZ(lib *lzmaLib) *cXZ {
	x := &cXZ{lib: lib, s: new(lzmaStream), ibuf: make([]byte, 128<<10)}
	x.cleanup = runtime.AddCleanup(x, func(s *lzmaStream) { lib.end(s) }, x.s)
	return x
}

// end frees liblzma's memory now rather than when x is garbage. x must
// not be used after.
func (x *cXZ) end() {
	x.cleanup.Stop()
	x.lib.end(x.s)
}

// Reset starts decoding src, a whole .xz file (concatenated streams and
// stream padding allowed, as the Go decoder and xz -dc allow them).
func (x *cXZ) Reset(src io.Reader) error {
	x.src, x.srcEOF, x.in, x.done, x.err = src, false, nil, false, nil
	if ret := x.lib.decoder(x.s, xzDictMax+1<<20, lzmaConcatenated); ret != lzmaOK {
		x.err = lzmaErr(ret)
	}
	runtime.KeepAlive(x)
	return x.err
}

// fill reads more input when liblzma has taken all of it.
func (x *cXZ) fill() error {
	for len(x.in) == 0 && !x.srcEOF {
		n, err := x.src.Read(x.ibuf)
		x.in = x.ibuf[:n]
		if err == io.EOF {
			x.srcEOF = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Read decodes into p. Its errors are the Go decoder's for the same
// cause, so that a bad file reads the same on both paths.
func (x *cXZ) Read(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	if x.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if x.err = x.fill(); x.err != nil {
		return 0, x.err
	}
	var pin runtime.Pinner
	defer pin.Unpin()
	pin.Pin(&p[0])
	s := x.s
	s.nextIn, s.availIn = 0, 0
	if len(x.in) > 0 {
		pin.Pin(&x.in[0])
		s.nextIn, s.availIn = uintptr(unsafe.Pointer(&x.in[0])), uintptr(len(x.in))
	}
	s.nextOut, s.availOut = uintptr(unsafe.Pointer(&p[0])), uintptr(len(p))
	action := int32(lzmaRun)
	if x.srcEOF {
		action = lzmaFinish
	}
	ret := x.lib.code(s, action)
	runtime.KeepAlive(x)
	n := len(p) - int(s.availOut)
	x.in = x.in[len(x.in)-int(s.availIn):]
	s.nextIn, s.nextOut = 0, 0
	switch {
	case ret == lzmaStreamEnd:
		x.done = true
		return n, io.EOF
	case ret == lzmaOK:
		return n, nil
	}
	x.err = lzmaErr(ret)
	return n, x.err
}

// lzmaErr maps a liblzma error to the Go decoder's error for the same
// cause (github.com/therootcompany/xz), so that a bad file reads the same
// on both paths. LZMA_BUF_ERROR (no progress: the input ends early, or
// garbage follows the stream) is xz-embedded's XZ_BUF_ERROR, ErrBuf.
func lzmaErr(ret int32) error {
	switch ret {
	case lzmaMemlimit:
		return txz.ErrMemlimit
	case lzmaFormatError:
		return txz.ErrFormat
	case lzmaOptionsError:
		return txz.ErrOptions
	case lzmaDataError:
		return txz.ErrData
	case lzmaBufError:
		return txz.ErrBuf
	case lzmaMemError:
		return fmt.Errorf("liblzma: out of memory (LZMA_MEM_ERROR)")
	}
	return fmt.Errorf("liblzma: error %d", ret)
}

// cZstd decodes single zstd frames that record their size, with libzstd,
// into a buffer of that size.
type cZstd struct {
	lib     *zstdLib
	dctx    uintptr // the ZSTD_DCtx
	cleanup runtime.Cleanup
}

func newCZstd(lib *zstdLib) *cZstd {
	d := lib.createDCtx()
	if d == 0 {
		return nil
	}
	z := &cZstd{lib: lib, dctx: d}
	z.cleanup = runtime.AddCleanup(z, func(d uintptr) { lib.freeDCtx(d) }, d)
	return z
}

// end frees libzstd's context now rather than when z is garbage. z must
// not be used after.
func (z *cZstd) end() {
	z.cleanup.Stop()
	z.lib.freeDCtx(z.dctx)
}

// size returns the decompressed size of in when in is one zstd frame
// that records it, else -1 (several frames, a skippable frame, no size
// recorded, or not a well-formed frame: the Go decoder takes those). A
// size over 32 times the input's, plus 1 MiB, is -1 too: the output
// buffer is allocated before decoding, and a small file must not make a
// large one (zstd -19 compresses modules about 5:1; the Go decoder grows
// its buffer as it decodes).
func (z *cZstd) size(in []byte) int64 {
	if len(in) == 0 {
		return -1
	}
	if fs := z.lib.frameSize(&in[0], uintptr(len(in))); z.lib.isError(fs) != 0 || fs != uintptr(len(in)) {
		return -1
	}
	n := z.lib.contentSz(&in[0], uintptr(len(in)))
	if n >= 1<<63 || n > 32*uint64(len(in))+1<<20 { // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are ≥ 1<<63
		return -1
	}
	return int64(n)
}

// decode decodes in, whose size says it decompresses to len(out) bytes,
// into out.
func (z *cZstd) decode(out, in []byte) error {
	var dst *byte
	if len(out) > 0 {
		dst = &out[0]
	}
	n := z.lib.decompress(z.dctx, dst, uintptr(len(out)), &in[0], uintptr(len(in)))
	runtime.KeepAlive(z)
	if z.lib.isError(n) != 0 {
		return fmt.Errorf("libzstd: %s", z.lib.errorName(n))
	}
	if n != uintptr(len(out)) {
		return fmt.Errorf("libzstd: %d bytes decoded, the frame header says %d", n, len(out))
	}
	return nil
}
