#!/usr/bin/env bash
# The boot partition's files from the customised root: the Pi firmware (raspi-firmware), Debian's
# kernel and initrd, the Pis' device trees, and config.txt/cmdline.txt written here rather than
# left to raspi-firmware's hooks, so the result does not depend on what a chroot let them do.
# Usage: boot-files.sh ROOT OUT_DIR
set -euo pipefail
root="$1"
out="$2"

cp -rp "$root"/usr/lib/raspi-firmware/. "$out/"
kernel="$(ls "$root"/boot/vmlinuz-* | sort -V | tail -1)"
version="${kernel##*/vmlinuz-}"
[[ -s "$root/boot/initrd.img-$version" ]] || { echo "os-image: no initrd for kernel $version" >&2; exit 1; }
cp "$kernel" "$out/vmlinuz"
cp "$root/boot/initrd.img-$version" "$out/initrd.img"

# Device trees: every Pi the kernel knows, under the upstream names the firmware looks for with
# upstream_kernel=1, and the 3B+ also under the Raspberry Pi name (bcm2710-…) it uses otherwise.
dtbs="$root/usr/lib/linux-image-$version/broadcom"
cp "$dtbs"/bcm27*-rpi-*.dtb "$dtbs"/bcm283*-rpi-*.dtb "$out/"
[[ -s "$out/bcm2837-rpi-3-b-plus.dtb" ]] && cp "$out/bcm2837-rpi-3-b-plus.dtb" "$out/bcm2710-rpi-3-b-plus.dtb"
for required in bcm2711-rpi-4-b.dtb bcm2712-rpi-5-b.dtb bcm2710-rpi-3-b-plus.dtb; do
  [[ -s "$out/$required" ]] || echo "os-image: warning: kernel $version has no $required" >&2
done

cat >"$out/config.txt" <<CONFIG
# gatecast SD image: Raspberry Pi 4 and 5 (and 3B+), 64-bit, Debian's kernel ($version).
arm_64bit=1
upstream_kernel=1
kernel=vmlinuz
initramfs initrd.img followkernel
# A TV switched on after the Pi still gets a picture; no rainbow splash, no borders.
hdmi_force_hotplug=1
disable_overscan=1
disable_splash=1
# The SoC's watchdog: systemd feeds it (RuntimeWatchdogSec), a hung screen reboots.
dtparam=watchdog=on
dtparam=audio=on
enable_uart=1

[pi4]
max_framebuffers=2
arm_boost=1

[all]
CONFIG

# Root by label, read-only; kernel messages on tty3 and the serial port, not on the kiosk's tty1.
echo "console=ttyS1,115200 console=tty3 root=LABEL=gatecast-root rootfstype=ext4 ro rootwait fsck.repair=yes net.ifnames=0 cma=128M quiet loglevel=3 vt.global_cursor_default=0" >"$out/cmdline.txt"
