package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/initsec/initsec/internal/hugeheap"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// parseFlags parses a command's flags. When it returns false the command
// ends with the code: 0 after -h, 2 on a bad flag (the FlagSet has printed
// why).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	}
	return exitError, false
}

// objectArgs checks the -format and the arguments of a command that reads
// objects and prints text or JSON. When it returns false the command ends
// with exit status 2.
func objectArgs(fs *flag.FlagSet, stderr io.Writer, format string) bool {
	if format != "text" && format != "json" {
		fmt.Fprintf(stderr, "initsec %s: unknown -format %q (want text or json)\n", fs.Name(), format)
		return false
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return false
	}
	return true
}

// noObjectsError is an argument that holds no module object: a directory
// searched before the build, or one that builds nothing. It is an error,
// not an empty pass, so that a CI step run before the build fails.
type noObjectsError struct{ Path string }

func (e *noObjectsError) Error() string {
	return fmt.Sprintf("%s: no module object (.ko, .o) to check (hint: build first: initsec build %s, or mage initsec:build)",
		e.Path, e.Path)
}

// expandObjects is modfile.ExpandListing with a noObjectsError for each
// argument in which it finds no object (and no other error).
func expandObjects(args []string) (files []string, listing modfile.Listing, errs []error) {
	var seen map[string]bool
	for _, arg := range args {
		fs, l, es := modfile.ExpandListing([]string{arg})
		errs = append(errs, es...)
		if len(fs) == 0 && len(es) == 0 {
			errs = append(errs, &noObjectsError{Path: arg})
		}
		if len(args) == 1 {
			return fs, l, errs // one argument: no file twice
		}
		if seen == nil {
			seen, listing = make(map[string]bool), modfile.Listing{}
		}
		maps.Copy(listing, l)
		for _, f := range fs {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	return files, listing, errs
}

// fastPaths is whether eachObjectFast tries fast; a variable for the
// test that compares the commands' output with and without it.
var fastPaths = true

// eachObjectFast expands args (files and directories, as verify does),
// opens each object (.ko, .o, compressed modules) and calls work with it,
// on as many workers as GOMAXPROCS, each reading into its own reused
// buffer (so work must not keep o, only what it takes from it). It
// returns, in the order of the files, what work returned with keep set.
// Errors, each naming its object (or the argument that holds none), go to
// stderr in that order too; the other objects are still visited. failed
// is whether any failed.
//
// fast, when not nil, is tried first on each uncompressed regular file,
// opened with modfile.OpenRaw, with the worker's sectionrt.Screen; where
// it answers (ok), its value (with keep, as work's) is taken and the
// object is not opened. It must answer only where work would have given
// the same value and keep without an error.
func eachObjectFast[T any](stderr io.Writer, verb string, args []string, fast func(s *sectionrt.Screen, path string, r io.ReaderAt, size int64) (v T, keep, ok bool), work func(path string, o *sectionrt.Object) (v T, keep bool, err error)) (out []T, failed bool) {
	files, _, errs := expandObjects(args)
	for _, err := range errs {
		fmt.Fprintf(stderr, "initsec %s: %v\n", verb, err)
		failed = true
	}
	type result struct {
		v    T
		keep bool
		err  error
	}
	results := make([]result, len(files))
	// Workers take the next file from a shared counter: a channel
	// handoff per object cost more scheduling than a small module's work.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := modfile.Reader{Serialize: true} // one large module at a time
			var s sectionrt.Screen
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				res := &results[i]
				if fast != nil && fastPaths && modfile.ByName(files[i]) == modfile.None {
					if f, size, ok := modfile.OpenRaw(files[i]); ok {
						v, keep, ok := fast(&s, files[i], f, size)
						f.Close()
						if ok {
							res.v, res.keep = v, keep
							continue
						}
					}
				}
				o, err := r.Open(files[i])
				if err == nil {
					res.v, res.keep, err = work(files[i], o)
					o.Close()
				}
				r.Release()
				res.err = err
			}
		}()
	}
	wg.Wait()
	for _, res := range results {
		if res.err != nil {
			fmt.Fprintf(stderr, "initsec %s: %v\n", verb, res.err)
			failed = true
		} else if res.keep {
			out = append(out, res.v)
		}
	}
	return out, failed
}

// primeMinBytes is the least size of the files named that primeHeap
// primes for.
const primeMinBytes = 4 << 20

// primeHeap has n bytes of heap marked for huge pages
// (hugeheap.Reserve) before a run over args reads objects, if the run
// looks large: a directory among args, or files of primeMinBytes or
// more. On Debian 6.1's tree, on a 2-core VM, suggest's page faults went
// from about 9,400 to 1,800 and its CPU time from about 510 to 400 ms,
// report's from 3,200 to 1,100 and 215 to 170 ms. A run over a few small
// objects allocates too little for the collection Reserve costs (about
// 7 ms of CPU time) to pay. verify measured no faster: it allocates
// about 3 MB in all, and its faults saved cost about what the collection
// does.
func primeHeap(args []string, n int) hugeheap.Result {
	var size int64
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			continue // expandObjects reports it
		}
		if fi.IsDir() {
			size = primeMinBytes
			break
		}
		size += fi.Size()
	}
	if size < primeMinBytes {
		return hugeheap.Result{Why: fmt.Sprintf("%d bytes of objects named, less than %d", size, primeMinBytes)}
	}
	return hugeheap.Reserve(n)
}

// writeJSON writes items as an indented JSON array, the bytes a
// json.Encoder with SetIndent("", "  ") writes, in one write; false when
// it could not. The items are encoded on every core, a share each: the
// encoding and indenting of suggest's reports on Debian 6.1's tree took
// about 1.5 ms, after every object is read, when nothing else runs.
func writeJSON[T any](stdout, stderr io.Writer, verb string, items []T) bool {
	parts := make([][]byte, min(runtime.GOMAXPROCS(0), max(len(items)/32, 1)))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { parts[k], errs[k] = encodeItems(items[k*len(items)/len(parts) : (k+1)*len(items)/len(parts)]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(stderr, "initsec %s: %v\n", verb, err)
		return false
	}
	out := []byte("[]\n")
	if len(items) > 0 {
		out = append([]byte("[\n"), bytes.Join(parts, []byte(",\n"))...)
		out = append(out, "\n]\n"...)
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "initsec %s: %v\n", verb, err)
		return false
	}
	return true
}

// encodeItems encodes items as elements of writeJSON's array: each
// indented one level, joined by ",\n", without the brackets.
func encodeItems[T any](items []T) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("  ", "  ")
	for i := range items {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("  ")
		if err := enc.Encode(items[i]); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	return b.Bytes(), nil
}

// setUsage makes fs print text, then its flags' defaults, for -h and usage
// errors. The help texts are package-level constants so that a command's
// run function reads as what it does.
func setUsage(fs *flag.FlagSet, text string) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), text)
		fs.PrintDefaults()
	}
}
