package target

import (
	"context"
	"fmt"
	"slices"
)

// DriftKind is how a fresh resolution differs from the lock.
type DriftKind string

const (
	DriftNewABI      DriftKind = "new-abi"      // the kernel release changed: Old, New are releases
	DriftReplaced    DriftKind = "replaced"     // the role is played by another package: Old, New are "NAME VERSION"
	DriftVersion     DriftKind = "version"      // same package, another version: Old, New are versions
	DriftChecksum    DriftKind = "checksum"     // same package and version, another SHA256: the archive changed a published file
	DriftAdded       DriftKind = "added"        // a role the lock does not have: New is "NAME VERSION"
	DriftRemoved     DriftKind = "removed"      // a locked role the archive no longer fills: Old is "NAME VERSION"
	DriftGone        DriftKind = "gone"         // a locked package version the archive no longer has: the lock cannot be installed from it
	DriftSeriesEnded DriftKind = "series-ended" // the release no longer serves the target's series: New says why
	DriftUnlocked    DriftKind = "unlocked"     // listed in the targets file, not in the lock
	DriftUnlisted    DriftKind = "unlisted"     // in the lock, no longer in the targets file
)

// Drift is one difference between the lock and the archive (or the
// targets file) for a target.
type Drift struct {
	Target  Target
	Kind    DriftKind
	Role    Role   // for package-level kinds
	Package string // the package concerned, for package-level kinds
	Old     string
	New     string
}

func (d Drift) String() string {
	switch d.Kind {
	case DriftNewABI:
		return fmt.Sprintf("%s: new ABI %s (locked: %s)", d.Target, d.New, d.Old)
	case DriftReplaced:
		return fmt.Sprintf("%s: %s is now %s (locked: %s)", d.Target, d.Role, d.New, d.Old)
	case DriftVersion:
		return fmt.Sprintf("%s: %s %s is now %s (locked: %s)", d.Target, d.Role, d.Package, d.New, d.Old)
	case DriftChecksum:
		return fmt.Sprintf("%s: %s %s: SHA256 is now %s (locked: %s)", d.Target, d.Role, d.Package, d.New, d.Old)
	case DriftAdded:
		return fmt.Sprintf("%s: new %s package %s", d.Target, d.Role, d.New)
	case DriftRemoved:
		return fmt.Sprintf("%s: no %s package any more (locked: %s)", d.Target, d.Role, d.Old)
	case DriftGone:
		return fmt.Sprintf("%s: %s %s %s is gone from the archive", d.Target, d.Role, d.Package, d.Old)
	case DriftSeriesEnded:
		return fmt.Sprintf("%s: series ended: %s", d.Target, d.New)
	case DriftUnlocked:
		return fmt.Sprintf("%s: not in the lock", d.Target)
	case DriftUnlisted:
		return fmt.Sprintf("%s: locked but no longer listed in %s", d.Target, TargetsFile)
	}
	return fmt.Sprintf("%s: %s %s %s: %s -> %s", d.Target, d.Kind, d.Role, d.Package, d.Old, d.New)
}

// Diff compares fresh resolutions of the listed targets with the lock.
// Drift comes in the order of fresh, then the lock's unlisted targets;
// within a target: series-ended, new-abi, then per role in role order.
// Diff does not know what the archive still holds; Check adds "gone".
func Diff(lock *Lock, fresh []Resolution) []Drift {
	var out []Drift
	listed := map[Target]bool{}
	for _, f := range fresh {
		listed[f.Target] = true
		old, ok := lock.Lookup(f.Target)
		switch {
		case !ok && f.Ended != "":
			out = append(out, Drift{Target: f.Target, Kind: DriftSeriesEnded, New: f.Ended})
			continue
		case !ok:
			out = append(out, Drift{Target: f.Target, Kind: DriftUnlocked})
			continue
		case f.Ended != "":
			out = append(out, Drift{Target: f.Target, Kind: DriftSeriesEnded, Old: old.Kernel(), New: f.Ended})
			continue
		}
		if old.Kernel() != f.Kernel() {
			out = append(out, Drift{Target: f.Target, Kind: DriftNewABI, Old: old.Kernel(), New: f.Kernel()})
		}
		for _, role := range Roles {
			o, hasOld := old.Package(role)
			n, hasNew := f.Package(role)
			d := Drift{Target: f.Target, Role: role}
			switch {
			case !hasOld && !hasNew:
				continue
			case !hasOld:
				d.Kind, d.Package, d.New = DriftAdded, n.Name, n.Name+" "+n.Version
			case !hasNew:
				d.Kind, d.Package, d.Old = DriftRemoved, o.Name, o.Name+" "+o.Version
			case o.Name != n.Name:
				d.Kind, d.Package, d.Old, d.New = DriftReplaced, n.Name, o.Name+" "+o.Version, n.Name+" "+n.Version
			case o.Version != n.Version:
				d.Kind, d.Package, d.Old, d.New = DriftVersion, n.Name, o.Version, n.Version
			case o.SHA256 != n.SHA256:
				d.Kind, d.Package, d.Old, d.New = DriftChecksum, n.Name, o.SHA256, n.SHA256
			default:
				continue
			}
			out = append(out, d)
		}
	}
	if lock != nil {
		for _, r := range lock.Resolutions {
			if !listed[r.Target] {
				out = append(out, Drift{Target: r.Target, Kind: DriftUnlisted})
			}
		}
	}
	return out
}

// Check resolves targets through src, compares them with the lock (Diff)
// and asks each release's index whether every locked package version
// that the fresh resolution no longer uses is still in the archive,
// reporting those that are not as "gone" after the target's other drift.
// It returns the fresh resolutions (for a lock update) and the drift.
func Check(ctx context.Context, src Source, targets []Target, lock *Lock) ([]Resolution, []Drift, error) {
	fresh, ixs, err := resolve(ctx, src, targets)
	if err != nil {
		return nil, nil, err
	}
	drift := Diff(lock, fresh)
	var out []Drift
	for _, f := range fresh {
		for _, d := range drift {
			if d.Target == f.Target {
				out = append(out, d)
			}
		}
		old, ok := lock.Lookup(f.Target)
		if !ok {
			continue
		}
		// The locked packages the fresh resolution does not use as they are.
		var stale []Package
		for _, p := range old.Packages {
			if n, ok := f.Package(p.Role); !ok || n.Name != p.Name || n.Version != p.Version {
				stale = append(stale, p)
			}
		}
		if len(stale) == 0 {
			continue
		}
		var names []string
		for _, p := range stale {
			names = append(names, p.Name)
		}
		slices.Sort(names)
		have, err := ixs[f.Target.Release].Versions(ctx, f.Target.Arch, slices.Compact(names))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f.Target, err)
		}
		for _, p := range stale {
			if !slices.ContainsFunc(have[p.Name], func(s Stanza) bool { return s.Version == p.Version && s.SHA256 == p.SHA256 }) {
				out = append(out, Drift{Target: f.Target, Kind: DriftGone, Role: p.Role, Package: p.Name, Old: p.Version})
			}
		}
	}
	for _, d := range drift {
		if d.Kind == DriftUnlisted {
			out = append(out, d)
		}
	}
	return fresh, out, nil
}
