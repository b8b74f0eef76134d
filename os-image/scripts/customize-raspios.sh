#!/usr/bin/env bash
# The alternative path: turns a Raspberry Pi OS Lite (64-bit, trixie-based) image the user supplies
# into a gatecast image with the same steps as the Debian image (packages.txt minus the boot
# packages Raspberry Pi OS brings itself, the overlay, the first release, locked accounts, a data
# partition). Unlike build.sh it needs root AND loop mounts (losetup, mount), so it does not run in
# an unprivileged container. Usage (as root): customize-raspios.sh RASPIOS.img OUT.img
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$1"
image="$2"
data_mib=256
[[ "$(id -u)" -eq 0 ]] || { echo "customize-raspios: needs root (loop devices and mounts)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/var/tmp}/gatecast-raspios.XXXXXX")"
mnt="$work/root"
loop=""
cleanup() {
  umount -R "$mnt" 2>/dev/null || true
  [[ -n "$loop" ]] && losetup -d "$loop" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# The data partition goes after Raspberry Pi OS's root: its first-boot "grow the root" step is
# dropped from cmdline.txt below, and gatecast-grow-data grows the data partition instead.
cp --sparse=always "$src" "$image"
end_sector=$(sfdisk --json "$image" | node -e 'const t=JSON.parse(require("fs").readFileSync(0)).partitiontable; const p=t.partitions.at(-1); console.log(p.start+p.size)')
truncate -s "+$((data_mib + 4))M" "$image"
echo "start=$(((end_sector + 8191) / 8192 * 8192)), size=$((data_mib * 2048)), type=83" | sfdisk --append --quiet "$image"

loop="$(losetup --find --show --partscan "$image")"
fatlabel "${loop}p1" GCBOOT
e2label "${loop}p2" gatecast-root
mkfs.ext4 -q -L GATECAST-DATA -E root_owner=900:900 "${loop}p3"
mkdir -p "$mnt"
mount "${loop}p2" "$mnt"
mount "${loop}p1" "$mnt/boot/firmware"
for fs in proc sys dev; do mount --rbind "/$fs" "$mnt/$fs"; done
cp /etc/resolv.conf "$mnt/etc/resolv.conf.gatecast-build"

node_major="$(chroot "$mnt" sh -c 'apt-cache policy nodejs' | awk '/Candidate/ {print $2}' | cut -d. -f1)"
# Boot packages (raspi-firmware, linux-image-arm64, initramfs) are Raspberry Pi OS's own here.
packages="$(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | grep -vE '^(raspi-firmware|linux-image-arm64|initramfs-tools)$' | paste -sd' ' -)"
chroot "$mnt" sh -c "mv /etc/resolv.conf.gatecast-build /etc/resolv.conf 2>/dev/null; apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages"
[[ "${node_major:-0}" -ge 20 ]] || echo "customize-raspios: warning: this Raspberry Pi OS offers nodejs ${node_major:-none}; the agent needs 20.19 or later (use the trixie-based release)" >&2

"$here/scripts/customize-rootfs.sh" "$mnt" "$work"
# Raspberry Pi OS's first-boot wizard and root resize would fight the read-only root.
chroot "$mnt" systemctl disable userconfig.service rpi-resize.service 2>/dev/null || true
sed -i -e 's/root=[^ ]*/root=LABEL=gatecast-root/' -e 's/\brw\b/ro/' -e 's#init=[^ ]*##' \
  -e 's/\(rootwait\)/\1 ro/' "$mnt/boot/firmware/cmdline.txt"
grep -q '^dtparam=watchdog=on' "$mnt/boot/firmware/config.txt" || echo 'dtparam=watchdog=on' >>"$mnt/boot/firmware/config.txt"
umount -R "$mnt"
losetup -d "$loop" && loop=""
xz -f -T0 -3 "$image"
(cd "$(dirname "$image")" && sha256sum "$(basename "$image").xz" >"$(basename "$image").xz.sha256")
echo "customize-raspios: $image.xz" >&2
