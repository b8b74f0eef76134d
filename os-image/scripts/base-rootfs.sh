#!/usr/bin/env bash
# Stage 1: the Debian trixie arm64 base system (packages.txt) as a tarball, cached by the hash of the
# package list and the recipe number, so a rebuild that changes only gatecast's files skips mmdebstrap.
# Usage: base-rootfs.sh CACHE_DIR  → prints the tarball's path on stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="$1"
mirror="${GATECAST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache/debs"

packages="$(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | paste -sd, -)"
# Bump when the mmdebstrap call below changes what it produces.
recipe=1
key="$( (cat "$here/packages.txt"; echo "$recipe") | sha256sum | cut -c1-16)"
tarball="$cache/base-$key.tar"
if [[ -s "$tarball" ]]; then
  echo "base system: cached $tarball" >&2
  echo "$tarball"
  exit 0
fi

# Maintainer scripts run arm64 binaries: the host needs qemu-user-static registered in binfmt_misc.
if ! [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  echo "os-image: qemu-aarch64 is not registered in binfmt_misc (apt-get install qemu-user-static binfmt-support)" >&2
  exit 1
fi

mode=root
[[ "$(id -u)" -eq 0 ]] || mode=unshare
echo "base system: mmdebstrap trixie arm64 (--mode=$mode), $(wc -w <<<"${packages//,/ }") packages…" >&2
# The .deb files are kept in CACHE/debs between runs (download/empty is skipped so they survive);
# the package lists stay in the image, as the agent counts pending security updates from them.
mmdebstrap \
  --mode="$mode" \
  --format=tar \
  --arch=arm64 \
  --variant=minbase \
  --components=main,non-free-firmware \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/vi/*' \
  --include="$packages" \
  --skip=download/empty \
  --skip=cleanup/apt/lists \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/ "$1"/boot/firmware' \
  --setup-hook="sync-in '$cache/debs' /var/cache/apt/archives/" \
  --customize-hook="sync-out /var/cache/apt/archives '$cache/debs'" \
  --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
  trixie "$tarball.part" \
  "deb $mirror trixie main non-free-firmware" \
  "deb $mirror trixie-updates main non-free-firmware" \
  "deb http://security.debian.org/debian-security trixie-security main non-free-firmware" >&2
mv "$tarball.part" "$tarball"
# Older base systems are of no further use.
find "$cache" -maxdepth 1 -name 'base-*.tar' ! -name "$(basename "$tarball")" -delete
echo "$tarball"
