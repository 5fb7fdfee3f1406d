// Package buildroot makes Debian build roots with mmdebstrap, caches them,
// and runs kbuild inside them, for kernels whose compiler is newer than the
// host's (Debian sid's 7.x headers want gcc-16; trixie's 6.12 gcc-14).
//
// # Roots
//
// A Spec names a suite ("sid", "trixie"), an architecture (the host's by
// default) and the packages to install, exact names chosen by the caller
// (optionally NAME=VERSION): make, the compiler and
// linux-headers-RELEASE-FLAVOUR. This package resolves nothing; a
// metapackage such as linux-headers-amd64 works but keeps whatever it
// resolved to when the root was made.
//
// Cache.Ensure returns the root for a Spec, making it if needed with
//
//	mmdebstrap --mode=root --format=directory --variant=apt
//	    --architectures=ARCH --aptopt='Acquire::Check-Valid-Until "false"'
//	    --include=PKG,... SUITE DIR [MIRROR]
//
// (mmdebstrap is installed on the host with apt-get when missing). The
// Valid-Until check is off because the archive may be a snapshot past its
// Release files' Valid-Until; signatures are still verified with the host's
// debian-archive-keyring. A root lives in the cache directory
// (os.UserCacheDir()/initsec/roots unless Cache.Dir says otherwise) under
// its key, SUITE-ARCH-DIGEST, the digest being SHA-256 over the suite,
// architecture, mirror and the sorted, deduplicated package list. It is
// made in a temporary directory (.tmp-KEY-*) and renamed into place once
// complete, with a manifest (.initsec-buildroot.json: the Spec, when it was
// made, and every installed package's version); a directory without the
// manifest is never used. Once a root exists, Ensure only reads its
// manifest: nothing is downloaded again. Concurrent Ensures of one key, in
// any process, wait on an flock (.KEY.lock) so only one runs mmdebstrap.
// Cache.Remove and Cache.Clean delete roots (and the remains of interrupted
// creations), refusing with ErrBusy while a Build uses one and refusing any
// directory with something mounted below it. Making roots and building in
// them needs root privileges; there is no daemon.
//
// # Building
//
// Root.Build runs kbuild for an external module inside a root: the same
// make arguments as kbuild.Build on the host (kbuild.MakeArgs: W=,
// CONFIG_SECTION_MISMATCH_WARN_ONLY=, -jN, extra variables), the same
// result and error types, with modpost's messages parsed from the output.
// The module directory is bind-mounted read-write at /build/NAME, so the
// .ko files land in the user's directory. Each Build runs in a private
// mount namespace of its own (unshare(CLONE_NEWNS) on a locked OS thread,
// / made rprivate) where it mounts proc at /proc (objtool reads it) and
// tmpfs at /tmp and /build, then chroots into the root to run make. This
// was chosen over reference-counting one shared /proc mount: concurrent
// builds in one root cannot see or undo each other's mounts, the host's
// mount table never shows them, and the kernel drops them with the
// namespace even if this process is killed. They are also unmounted
// explicitly before Build returns, on success, failure and cancellation.
// mmdebstrap itself runs in such a namespace too, so the /dev, /sys and
// /proc it mounts into a half-made root cannot outlive it.
//
// # Running other programs
//
// Root.Run runs any program of the root the same way (same namespace, same
// mounts), with directories of this machine bound below BuildDir, read-only
// or read-write: the root's modpost over modules unpacked here, say, which
// needs the root's C library (sid's 7.x modpost wants GLIBC 2.38).
package buildroot
