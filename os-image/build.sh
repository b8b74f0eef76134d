#!/usr/bin/env bash
# `npm run image:build`: the gatecast SD image, os-image/out/gatecast-<version>-arm64.img.xz (+ .sha256).
# Stages: base system (mmdebstrap, cached) → gatecast's customisation → assembly without mounts.
# Needs: mmdebstrap, qemu-user-static + binfmt-support, mtools, dosfstools, fdisk, e2fsprogs, xz-utils.
# Runs as root (chroot for the arm64 steps); see README.md for an ordinary user or a container.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${GATECAST_IMAGE_CACHE:-$here/.cache}"
out="${GATECAST_IMAGE_OUT:-$here/out}"
version="$(node -p "require('$repo/device/package.json').version")"
started=$SECONDS

# The work folder is outside the repo: an unpacked Debian root must not meet the repo's linters.
work="$(mktemp -d "${TMPDIR:-/var/tmp}/gatecast-image.XXXXXX")"
trap 'rm -rf --one-file-system "$work"' EXIT
mkdir -p "$out" "$work/root"

# GATECAST_BASE_TARBALL: reuse a base system tarball as is (for working on the later stages).
tarball="${GATECAST_BASE_TARBALL:-$("$here/scripts/base-rootfs.sh" "$cache")}"
echo "[$((SECONDS - started))s] unpacking the base system" >&2
tar -C "$work/root" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tarball"
echo "[$((SECONDS - started))s] customising" >&2
"$here/scripts/customize-rootfs.sh" "$work/root" "$work"
echo "[$((SECONDS - started))s] assembling" >&2
"$here/scripts/assemble-image.sh" "$work/root" "$work" "$out/gatecast-$version-arm64.img"
image="$out/gatecast-$version-arm64.img.xz"
echo "[$((SECONDS - started))s] built $image ($(du -h --apparent-size "$image" | cut -f1)), $(cut -d' ' -f1 "$image.sha256")" >&2
