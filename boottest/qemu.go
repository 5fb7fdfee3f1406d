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

// consoleLines is how many console lines an error quotes.
const consoleLines = 15

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
	p, err := startQEMU(qemu, args, nonce, log)
	if err != nil {
		return out, err
	}
	if out.result, err = p.awaitResult(ctx, timeout); err != nil {
		return out, err
	}
	out.powerOff = p.awaitPowerOff(ctx)
	return out, nil
}

// qemuProcess is a running QEMU whose console is being read.
type qemuProcess struct {
	cmd     *exec.Cmd
	stderr  bytes.Buffer
	started time.Time
	tail    consoleTail
	got     chan scanResult // the first framed result, or why there is none
	exited  chan error      // cmd.Wait's result, once the console is closed
}

// scanResult is the guest's result as read from the console, or why there
// is none.
type scanResult struct {
	result []byte
	err    error
}

// startQEMU starts QEMU and a goroutine that reads its console to the end
// and then waits for it.
func startQEMU(qemu string, args []string, nonce string, log io.Writer) (*qemuProcess, error) {
	p := &qemuProcess{
		cmd:    exec.Command(qemu, args...),
		got:    make(chan scanResult, 1),
		exited: make(chan error, 1),
	}
	// Killed by the kernel when this process dies (a test binary ended by
	// go test's -timeout, a cancelled CI job): an orphaned QEMU would keep
	// a core busy under TCG with no one reading its console.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", qemu, err)
	}
	p.started = time.Now()
	go func() {
		p.scanConsole(stdout, nonce, log)
		// Wait closes stdout, so it comes after the last console line.
		p.exited <- p.cmd.Wait()
	}()
	return p, nil
}

// scanConsole copies the console to log line by line, keeps its tail, and
// sends the first result framed for nonce (or the reason there is none) on
// p.got. It reads on after the result so that QEMU never blocks writing.
func (p *qemuProcess) scanConsole(stdout io.Reader, nonce string, log io.Writer) {
	sent := false
	send := func(r scanResult) {
		if !sent {
			sent = true
			p.got <- r
		}
	}
	fr := newResultFrame(nonce)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		fmt.Fprintln(log, line)
		p.tail.add(line)
		if r, ok := fr.line(line); ok {
			send(r)
		}
	}
	// io.ErrClosedPipe after a kill is not worth reporting.
	send(scanResult{err: errors.New("console closed without a result")})
}

// resultFrame finds the guest's result on the console: the lines between
// the begin marker and the end marker of this run's nonce, checked against
// the SHA-256 that the end marker carries (kernel messages may interleave).
type resultFrame struct {
	begin, end string
	inResult   bool
	body       []byte
}

func newResultFrame(nonce string) *resultFrame {
	return &resultFrame{
		begin: wire.BeginMarker + " " + nonce,
		end:   wire.EndMarker + " " + nonce + " sha256=",
	}
}

// line takes the next console line; ok says it closed a frame, whose result
// (or garbling) r holds.
func (f *resultFrame) line(line string) (r scanResult, ok bool) {
	switch {
	case strings.Contains(line, f.begin):
		f.inResult, f.body = true, nil
	case f.inResult && strings.Contains(line, f.end):
		f.inResult = false
		want := line[strings.Index(line, f.end)+len(f.end):]
		sum := sha256.Sum256(f.body)
		if hex.EncodeToString(sum[:]) != strings.TrimSpace(want) {
			return scanResult{err: fmt.Errorf("guest result garbled on the console (SHA-256 mismatch; kernel output interleaved?): %.200q", f.body)}, true
		}
		return scanResult{result: f.body}, true
	case f.inResult:
		f.body = append(f.body, line...)
	}
	return scanResult{}, false
}

// awaitResult waits for the guest's result; on an error QEMU has exited or
// been killed.
func (p *qemuProcess) awaitResult(ctx context.Context, timeout time.Duration) ([]byte, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-p.got:
		if r.err == nil {
			return r.result, nil
		}
		// The console closed (QEMU exited) or the result was garbled:
		// wait for QEMU and report how it ended.
		select {
		case werr := <-p.exited:
			return nil, fmt.Errorf("QEMU ended after %v without a result (%v; exit: %v; stderr: %s); last console lines:\n  %s",
				time.Since(p.started).Round(time.Millisecond), r.err, werr, strings.TrimSpace(p.stderr.String()), p.tail.lines())
		case <-time.After(powerOffGrace):
			p.kill()
			return nil, fmt.Errorf("%v; last console lines:\n  %s", r.err, p.tail.lines())
		}
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("QEMU did not finish within %v and was killed; last console lines:\n  %s", timeout, p.tail.lines())
	case <-ctx.Done():
		p.kill()
		return nil, fmt.Errorf("QEMU killed: %w; last console lines:\n  %s", ctx.Err(), p.tail.lines())
	}
}

// awaitPowerOff waits for QEMU to exit after the result (the guest powers
// off once it has printed it) and says how it ended.
func (p *qemuProcess) awaitPowerOff(ctx context.Context) string {
	select {
	case werr := <-p.exited:
		if werr != nil {
			return fmt.Sprintf("QEMU exited: %v", werr)
		}
		return fmt.Sprintf("powered off; QEMU exited %v after start", time.Since(p.started).Round(time.Millisecond))
	case <-time.After(powerOffGrace):
		p.kill()
		return fmt.Sprintf("killed: no power-off within %v of the result", powerOffGrace)
	case <-ctx.Done():
		p.kill()
		return "killed: " + ctx.Err().Error()
	}
}

// kill kills QEMU and waits until it is reaped.
func (p *qemuProcess) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// consoleTail keeps the last consoleLines console lines for error
// messages: the scanning goroutine adds them while runQEMU reads them.
type consoleTail struct {
	mu   sync.Mutex
	tail []string
}

func (c *consoleTail) add(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tail = append(c.tail, line)
	if len(c.tail) > consoleLines {
		c.tail = c.tail[len(c.tail)-consoleLines:]
	}
}

// lines returns the kept lines, indented for an error message.
func (c *consoleTail) lines() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tail) == 0 {
		return "(none)"
	}
	return strings.Join(c.tail, "\n  ")
}
