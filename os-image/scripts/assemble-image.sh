#!/usr/bin/env bash
# Stage 3: the SD image from the customised root, without mounting anything: the boot partition is
# a FAT32 file filled with mtools, root and data are `mkfs.ext4 -d` files, sfdisk writes an MBR
# table on the image file and dd places each partition at its offset. Then xz and sha256.
# Usage: assemble-image.sh ROOT WORK_DIR OUT_IMAGE (OUT_IMAGE ends in .img; writes .img.xz + .sha256)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$1"
work="$2"
image="$3"
MiB=$((1024 * 1024))
boot_mib=256
data_mib=256 # grown to the rest of the card on the first boot (gatecast-grow-data)

echo "assemble: boot partition files" >&2
boot="$work/boot-files"
rm -rf "$boot" && mkdir -p "$boot"
"$here/scripts/boot-files.sh" "$root" "$boot"
# /boot/firmware is only the mount point on the root partition.
rm -rf "${root:?}/boot/firmware" && mkdir -m 0755 "$root/boot/firmware"

echo "assemble: data partition layout" >&2
data="$work/data-files"
rm -rf "$data" && mkdir -p "$data"/{network,ssh,nm,ssh-host}
chown 900:900 "$data" "$data/network" "$data/ssh" && chmod 0750 "$data" && chmod 0700 "$data"/{network,ssh,nm,ssh-host}

# Sizes: root gets what it holds plus room for fs metadata (and a little to spare); all MiB-aligned.
used_mib=$(($(du -s --block-size=1M "$root" | cut -f1)))
root_mib=$((used_mib + used_mib / 5 + 128))
echo "assemble: root ${used_mib} MiB used → partition ${root_mib} MiB" >&2

echo "assemble: file systems" >&2
rm -f "$work"/{boot,root,data}.part
mkfs.vfat -F 32 -n GCBOOT -C "$work/boot.part" $((boot_mib * 1024)) >/dev/null
(cd "$boot" && mcopy -s -p -m -i "$work/boot.part" ./* ::/)
truncate -s "${root_mib}M" "$work/root.part"
mkfs.ext4 -F -q -L gatecast-root -T default -m 0 -E root_owner=0:0 -d "$root" "$work/root.part"
truncate -s "${data_mib}M" "$work/data.part"
mkfs.ext4 -F -q -L GATECAST-DATA -m 1 -E root_owner=900:900 -d "$data" "$work/data.part"

echo "assemble: partition table and image" >&2
start_mib=4
boot_start=$((start_mib * MiB / 512))
root_start=$(((start_mib + boot_mib) * MiB / 512))
data_start=$(((start_mib + boot_mib + root_mib) * MiB / 512))
total_mib=$((start_mib + boot_mib + root_mib + data_mib))
rm -f "$image"
truncate -s "${total_mib}M" "$image"
sfdisk --quiet "$image" <<TABLE
label: dos
unit: sectors
start=$boot_start, size=$((boot_mib * MiB / 512)), type=c, bootable
start=$root_start, size=$((root_mib * MiB / 512)), type=83
start=$data_start, size=$((data_mib * MiB / 512)), type=83
TABLE
dd if="$work/boot.part" of="$image" bs=1M seek=$start_mib conv=notrunc,sparse status=none
dd if="$work/root.part" of="$image" bs=1M seek=$((start_mib + boot_mib)) conv=notrunc,sparse status=none
dd if="$work/data.part" of="$image" bs=1M seek=$((start_mib + boot_mib + root_mib)) conv=notrunc,sparse status=none
rm -f "$work"/{boot,root,data}.part

echo "assemble: xz (level ${GATECAST_XZ_LEVEL:-1}, all cores) and sha256" >&2
xz -f -T0 "-${GATECAST_XZ_LEVEL:-1}" "$image"
(cd "$(dirname "$image")" && sha256sum "$(basename "$image").xz" >"$(basename "$image").xz.sha256")
