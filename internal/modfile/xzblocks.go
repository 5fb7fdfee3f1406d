package modfile

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sort"
)

// The .xz format (https://tukaani.org/xz/xz-file-format.txt): a stream is
// a 12-byte header, blocks, an index (one record per block: unpadded
// size, uncompressed size) and a 12-byte footer that gives the index's
// size. Each block is padded to a multiple of four bytes.

// xzRecord is one index record.
type xzRecord struct{ unpadded, size int64 }

// xzIndex returns the records of the index of f's last stream (f is size
// bytes) and the index's length in bytes; ok is false when there is no
// well-formed index there (a truncated file, stream padding).
func xzIndex(f *os.File, size int64) (recs []xzRecord, n int64, ok bool) {
	var foot [12]byte
	if size < 32 {
		return nil, 0, false
	}
	if _, err := f.ReadAt(foot[:], size-12); err != nil || foot[10] != 'Y' || foot[11] != 'Z' {
		return nil, 0, false
	}
	n = (int64(binary.LittleEndian.Uint32(foot[4:8])) + 1) * 4
	if n > 1<<20 || n > size-24 {
		return nil, 0, false
	}
	idx := make([]byte, n)
	if _, err := f.ReadAt(idx, size-12-n); err != nil || idx[0] != 0 ||
		crc32.ChecksumIEEE(idx[:n-4]) != binary.LittleEndian.Uint32(idx[n-4:]) {
		return nil, 0, false
	}
	b := idx[1 : n-4]
	uvarint := func() (int64, bool) {
		v, k := binary.Uvarint(b)
		if k <= 0 || v > 1<<62 {
			return 0, false
		}
		b = b[k:]
		return int64(v), true
	}
	count, ok := uvarint()
	if !ok || count > n {
		return nil, 0, false
	}
	for range count {
		u, ok1 := uvarint()
		s, ok2 := uvarint()
		if !ok1 || !ok2 {
			return nil, 0, false
		}
		recs = append(recs, xzRecord{u, s})
	}
	return recs, n, true
}

// plausible bounds the decompressed size an index may claim for its
// compressed size before it is believed: buffers are allocated from it
// before decoding, and a small file must not make a large one. The
// kernel's modules compress about 4:1 with xz.
func plausible(compressed, decompressed int64) bool {
	return decompressed <= 1024*compressed+1<<20
}

// xzSize returns the decompressed size that the index of f's last xz
// stream records (f is size bytes), at most limit+1, or -1 when it cannot
// be read or is not plausible: a hint for the buffer, so that the output
// is not copied as it grows.
func xzSize(f *os.File, size int64) int64 {
	recs, _, ok := xzIndex(f, size)
	if !ok {
		return -1
	}
	var total int64
	for _, r := range recs {
		if r.size > limit {
			return -1
		}
		total += r.size
	}
	if !plausible(size, total) {
		return -1
	}
	return min(total, limit+1)
}

// xzBlock is one block of an xz file: its bytes at off in the file
// (unpadded of them, then padding), decompressing to size bytes at pos.
type xzBlock struct{ off, unpadded, pos, size int64 }

// maxBlock is the largest block sparseBlocks decodes alone.
const maxBlock = 16 << 20

// xzBlocks returns the stream header and the blocks of f (size bytes)
// when f is one xz stream, with no padding, whose blocks are each at most
// maxBlock, plausible, and together at most limit; else no blocks.
func xzBlocks(f *os.File, size int64) (head [12]byte, bs []xzBlock) {
	recs, n, ok := xzIndex(f, size)
	if !ok || len(recs) == 0 {
		return head, nil
	}
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return head, nil
	}
	off, pos := int64(12), int64(0)
	for _, r := range recs {
		if r.size > maxBlock || r.unpadded > size || !plausible(r.unpadded, r.size) {
			return head, nil
		}
		bs = append(bs, xzBlock{off, r.unpadded, pos, r.size})
		off += (r.unpadded + 3) &^ 3
		pos += r.size
	}
	if off+n+12 != size || pos > limit {
		return head, nil
	}
	return head, bs
}

// oneBlockStream returns, in dst, block b of an xz file (its bytes
// read from f) as a stream of its own: the file's stream header, the
// block, an index of that one block and a footer. Any decoder decodes it
// alone: an xz block depends on no other.
func oneBlockStream(dst []byte, f *os.File, head [12]byte, b xzBlock) ([]byte, error) {
	padded := (b.unpadded + 3) &^ 3
	dst = append(dst[:0], head[:]...)
	dst = append(dst, make([]byte, padded)...)
	if _, err := f.ReadAt(dst[12:], b.off); err != nil {
		return nil, err
	}
	idx := len(dst)
	dst = append(dst, 0)
	dst = binary.AppendUvarint(dst, 1)
	dst = binary.AppendUvarint(dst, uint64(b.unpadded))
	dst = binary.AppendUvarint(dst, uint64(b.size))
	for (len(dst)-idx)%4 != 0 {
		dst = append(dst, 0)
	}
	dst = binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[idx:]))
	var foot [12]byte
	binary.LittleEndian.PutUint32(foot[4:], uint32((len(dst)-idx)/4-1))
	foot[8], foot[9] = head[6], head[7] // the stream flags
	binary.LittleEndian.PutUint32(foot[:4], crc32.ChecksumIEEE(foot[4:10]))
	foot[10], foot[11] = 'Y', 'Z'
	return append(dst, foot[:]...), nil
}

// decodeBlock decodes block b of f alone: into out when out is not nil (it
// is b.size bytes), else in chunks handed to keep with their offsets in
// the module, until keep returns false. A block that decodes to another
// size than the index's is an error, unless keep stopped first.
func (r *Reader) decodeBlock(f *os.File, head [12]byte, b xzBlock, name string, out []byte, keep func(pos int64, chunk []byte) bool) error {
	var err error
	r.in, err = oneBlockStream(r.in, f, head, b)
	if err != nil {
		return &Error{File: name, Msg: "read", Err: err}
	}
	var dec io.Reader
	src := &sliceReader{b: r.in}
	if l := clibs().xz; l != nil {
		if r.cx == nil {
			r.cx = newCXZ(l)
		}
		err, dec = r.cx.Reset(src), r.cx
	} else {
		err, dec = r.resetXZ(src), r.xz
	}
	if err != nil {
		return decodeErr(XZ, name, xzErr(err))
	}
	sizeErr := &Error{File: name, Msg: "xz: corrupt", Err: fmt.Errorf("the block at %#x decodes to other than the %d bytes its index records", b.off, b.size)}
	if out != nil {
		n := 0
		for n < len(out) {
			k, err := dec.Read(out[n:])
			n += k
			if err == io.EOF && n < len(out) {
				return sizeErr
			}
			if err != nil && err != io.EOF {
				return decodeErr(XZ, name, xzErr(err))
			}
		}
		var one [1]byte
		for { // the stream must end here
			k, err := dec.Read(one[:])
			if k > 0 {
				return sizeErr
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return decodeErr(XZ, name, xzErr(err))
			}
		}
	}
	if cap(r.chunk) == 0 {
		r.chunk = make([]byte, 256<<10)
	}
	for n := int64(0); ; {
		k, err := dec.Read(r.chunk[:cap(r.chunk)])
		if n+int64(k) > b.size || err == io.EOF && n+int64(k) != b.size {
			return sizeErr
		}
		if k > 0 && !keep(b.pos+n, r.chunk[:k]) {
			return nil
		}
		n += int64(k)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return decodeErr(XZ, name, xzErr(err))
		}
	}
}

// sliceReader reads b; unlike bytes.Reader it can be made without
// allocating when its b changes.
type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

// sparseBlocks is sparseXZ for a file of several blocks bs: of the first
// block, the ELF header only; then the blocks holding the section header
// table, held until the ranges to keep are known; then each block holding
// kept bytes, once: decoded straight into its range when it lies in one,
// else in chunks. Besides the kept bytes it holds the blocks of the
// section header table (one block of 3 MiB, in Debian's) and a chunk.
func (r *Reader) sparseBlocks(f *os.File, head [12]byte, bs []xzBlock, name string) (*sparseFile, bool, error) {
	last := bs[len(bs)-1]
	total := last.pos + last.size
	if total < 64 {
		return nil, false, nil
	}
	r.reserve(total)
	defer func() { r.chunk = nil }()
	var hdr [64]byte
	got := 0
	err := r.decodeBlock(f, head, bs[0], name, nil, func(pos int64, b []byte) bool {
		copyRange(hdr[:], 0, pos, b)
		got += len(b)
		return got < len(hdr)
	})
	if err != nil {
		return nil, false, err
	}
	shoff, shlen, ok := elfTable(hdr[:], total)
	if !ok {
		return nil, false, nil
	}
	held := map[int][]byte{}
	sht := make([]byte, shlen)
	for i := blockAt(bs, shoff); i < len(bs) && bs[i].pos < shoff+shlen; i++ {
		held[i] = make([]byte, bs[i].size)
		if err := r.decodeBlock(f, head, bs[i], name, held[i], nil); err != nil {
			return nil, false, err
		}
		copyRange(sht, shoff, bs[i].pos, held[i])
	}
	shstrndx := int(binary.LittleEndian.Uint16(hdr[62:]))
	sf := &sparseFile{name: name, size: total, spans: r.allocSpans(mergeRanges(keepRanges(shoff, sht, shstrndx, total)))}
	done := map[int]bool{}
	for i, data := range held {
		copySpans(sf.spans, bs[i].pos, data)
		delete(held, i) // its memory may go before the next block's
		done[i] = true
	}
	if err := r.fillFromBlocks(f, head, bs, done, sf.spans, name); err != nil {
		return nil, false, err
	}
	return sf, true, nil
}

// blockAt returns the index of the block of bs that holds offset off.
func blockAt(bs []xzBlock, off int64) int {
	return sort.Search(len(bs), func(i int) bool { return bs[i].pos+bs[i].size > off })
}

// copySpans copies what of chunk b (at pos) lies in spans.
func copySpans(spans []span, pos int64, b []byte) {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].off+int64(len(spans[i].data)) > pos })
	for ; i < len(spans) && spans[i].off < pos+int64(len(b)); i++ {
		copyRange(spans[i].data, spans[i].off, pos, b)
	}
}

// fillFromBlocks fills spans (sorted, not overlapping) from the blocks bs
// not done, decoding each that holds kept bytes once: straight into its
// span when it lies in one, else in chunks.
func (r *Reader) fillFromBlocks(f *os.File, head [12]byte, bs []xzBlock, done map[int]bool, spans []span, name string) error {
	j := 0 // the first span that ends after the block
	for i, b := range bs {
		end := b.pos + b.size
		for j < len(spans) && spans[j].off+int64(len(spans[j].data)) <= b.pos {
			j++
		}
		if done[i] || j == len(spans) || spans[j].off >= end {
			continue // nothing (more) kept here
		}
		var err error
		if s := spans[j]; s.off <= b.pos && s.off+int64(len(s.data)) >= end {
			err = r.decodeBlock(f, head, b, name, s.data[b.pos-s.off:end-s.off], nil)
		} else {
			err = r.decodeBlock(f, head, b, name, nil, func(pos int64, chunk []byte) bool {
				copySpans(spans[j:], pos, chunk)
				return true
			})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
