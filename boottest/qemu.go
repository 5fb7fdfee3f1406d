package boottest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/initsec/initsec/boottest/internal/wire"
)

// consoleTail is how many console lines an error quotes.
const consoleTail = 15

// powerOffGrace is how long QEMU may take to power off after printing the
// result before it is killed.
const powerOffGrace = 15 * time.Second

type qemuOutput struct {
	result   []byte // the JSON between the markers
	powerOff string
}

// runQEMU runs QEMU, copies its console to log and returns the framed
// result. QEMU is killed when timeout passes or ctx ends.
func runQEMU(ctx context.Context, qemu string, args []string, nonce string, timeout time.Duration, log io.Writer) (qemuOutput, error) {
	var out qemuOutput
	if log == nil {
		log = io.Discard
	}
	cmd := exec.Command(qemu, args...)
	// Killed by the kernel when this process dies (a test binary ended by
	// go test's -timeout, a cancelled CI job): an orphaned QEMU would keep
	// a core busy under TCG with no one reading its console.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return out, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return out, fmt.Errorf("start %s: %w", qemu, err)
	}
	started := time.Now()

	type scanResult struct {
		result []byte
		err    error
	}
	var (
		mu   sync.Mutex
		tail []string
	)
	got := make(chan scanResult, 1)
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		sent := false
		send := func(r scanResult) {
			if !sent {
				sent = true
				got <- r
			}
		}
		begin := wire.BeginMarker + " " + nonce
		end := wire.EndMarker + " " + nonce + " sha256="
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		var (
			inResult bool
			body     []byte
		)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			fmt.Fprintln(log, line)
			mu.Lock()
			tail = append(tail, line)
			if len(tail) > consoleTail {
				tail = tail[len(tail)-consoleTail:]
			}
			mu.Unlock()
			switch {
			case strings.Contains(line, begin):
				inResult, body = true, nil
			case inResult && strings.Contains(line, end):
				inResult = false
				want := line[strings.Index(line, end)+len(end):]
				sum := sha256.Sum256(body)
				if hex.EncodeToString(sum[:]) != strings.TrimSpace(want) {
					send(scanResult{err: fmt.Errorf("guest result garbled on the console (SHA-256 mismatch; kernel output interleaved?): %.200q", body)})
					continue
				}
				send(scanResult{result: body})
			case inResult:
				body = append(body, line...)
			}
		}
		// io.ErrClosedPipe after a kill is not worth reporting.
		send(scanResult{err: errors.New("console closed without a result")})
	}()
	exited := make(chan error, 1)
	go func() {
		<-scanDone
		exited <- cmd.Wait()
	}()
	lastLines := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(tail) == 0 {
			return "(none)"
		}
		return strings.Join(tail, "\n  ")
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	kill := func() {
		cmd.Process.Kill()
		<-exited
	}
	select {
	case r := <-got:
		if r.err != nil {
			// The console closed (QEMU exited) or the result was garbled:
			// wait for QEMU and report how it ended.
			select {
			case werr := <-exited:
				return out, fmt.Errorf("QEMU ended after %v without a result (%v; exit: %v; stderr: %s); last console lines:\n  %s",
					time.Since(started).Round(time.Millisecond), r.err, werr, strings.TrimSpace(stderr.String()), lastLines())
			case <-time.After(powerOffGrace):
				kill()
				return out, fmt.Errorf("%v; last console lines:\n  %s", r.err, lastLines())
			}
		}
		out.result = r.result
	case <-timer.C:
		kill()
		return out, fmt.Errorf("QEMU did not finish within %v and was killed; last console lines:\n  %s", timeout, lastLines())
	case <-ctx.Done():
		kill()
		return out, fmt.Errorf("QEMU killed: %w; last console lines:\n  %s", ctx.Err(), lastLines())
	}

	// The guest powers off after printing its result.
	select {
	case werr := <-exited:
		if werr != nil {
			out.powerOff = fmt.Sprintf("QEMU exited: %v", werr)
		} else {
			out.powerOff = fmt.Sprintf("powered off; QEMU exited %v after start", time.Since(started).Round(time.Millisecond))
		}
	case <-time.After(powerOffGrace):
		kill()
		out.powerOff = fmt.Sprintf("killed: no power-off within %v of the result", powerOffGrace)
	case <-ctx.Done():
		kill()
		out.powerOff = "killed: " + ctx.Err().Error()
	}
	return out, nil
}
