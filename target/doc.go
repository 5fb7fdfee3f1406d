// Package target names the kernels a module repository builds for and
// pins each to exact Debian packages, resolved from the archive's own
// metadata.
//
// # Targets
//
// A target is DISTRO-RELEASE/SERIES/ARCH, or DISTRO-RELEASE/ARCH for the
// release's default kernel (see ParseName): debian-12/6.1/amd64,
// debian-12/6.12/amd64, debian-13/amd64, debian-sid/amd64 (sid's newest
// series), debian-12/6.1/arm64. A repository lists its targets in
// initsec.targets at its root, one per line with '#' comments
// (ParseTargets); without that file (ErrNoTargetsFile) builds use the
// host's kernel or $KDIR, as kbuild.FindKDIR does.
//
// # Resolution
//
// Resolve asks a Source for each release's package index and follows
// Depends from the metapackages down; it never knows a kernel ABI name in
// advance (Debian moves them with every security update):
//
//	linux-headers-SERIES-ARCH, or linux-headers-ARCH whose version is of SERIES
//	  -> linux-headers-RELEASE -> linux-headers-*-common, linux-kbuild-*,
//	     linux-base-RELEASE (7.x), gcc-N (directly, or through
//	     linux-compiler-gcc-N-* (6.1) or gcc-N-for-host (7.x))
//	linux-image-SERIES-ARCH, or linux-image-ARCH
//	  -> linux-image-RELEASE (7.x: a meta over linux-binary-RELEASE and
//	     linux-modules-RELEASE)
//
// Each package is taken at its candidate version (the highest in the
// release's suites: bookworm + bookworm-security, trixie +
// trixie-security, sid) with its SHA256 and pool Filename. An "="
// relation in a Depends must hold, the image must be the headers'
// release, and a named series must be the headers' MAJOR.MINOR; a
// release that no longer serves a named series gives a Resolution with
// Ended set, which is drift, not an error.
//
// APT is the Source over the real archive: apt-get update and apt-cache
// show under a private APT_CONFIG per release, lists and cache in a cache
// directory, sources signed-by the Debian archive keyring, and
// Acquire::Check-Valid-Until=false for snapshot archives. The system's
// apt configuration and state are never read or written. PackagesIndex
// is the same over Packages files, for tests.
//
// # Lock and drift
//
// initsec.targets.lock (FormatLock, ParseLock) holds one line per
// package, sorted, committed like go.sum. Check resolves afresh and
// reports Drift: a new ABI, a package replaced or at another version or
// checksum, a role added or removed, a series that ended, a locked
// version gone from the archive, and targets listed but not locked or
// locked but not listed.
//
// # Sources of the facts
//
// The chain above is read from the archive's Packages indexes (the
// Depends fields apt-cache show prints), as measured on the Debian
// archive snapshot of 2026-10/11: bookworm's linux-headers-amd64 depends
// on linux-headers-6.1.0-N-amd64, which depends on -common,
// linux-kbuild-6.1 and linux-compiler-gcc-12-x86 (-> gcc-12), while the
// arm64 headers depend on gcc-12 directly; bookworm-security's
// linux-headers-6.12-amd64 and trixie's 6.12 headers depend on gcc-12
// and gcc-14; sid's 7.x headers depend on gcc-16-for-host and
// linux-base-RELEASE, and its linux-image-RELEASE on linux-binary-* and
// linux-modules-* (KERNEL-FACTS.md, "7.x"). Nothing in the code relies on
// those particular names beyond the patterns in classify. Version
// ordering is dpkg's (deb-version(7)); the paragraph format is Debian
// Policy §5.1 (deb822). Kernel updates of a stable release are published
// in SUITE-security before a point release moves them to SUITE, so both
// suites are searched (bookworm-security's 6.1 is newer than bookworm's).
package target
