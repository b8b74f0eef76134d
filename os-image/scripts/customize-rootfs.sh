#!/usr/bin/env bash
# Stage 2: turns the Debian base system (unpacked in ROOT) into gatecast's: the overlay (units,
# fstab, sshd/NetworkManager/journald settings), the gatecast user, the first agent release, locked
# accounts, the time zone and the enabled units. arm64 commands run in a chroot through qemu-user
# (binfmt_misc); nothing is mounted. Usage: customize-rootfs.sh ROOT WORK_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$1"
work="$2"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

echo "customise: overlay" >&2
cp -a --no-preserve=ownership "$here/overlay/." "$root/"
chmod 0755 "$root/usr/local/lib/gatecast/"*

echo "customise: the gatecast user (uid 900, no password)" >&2
in_root groupadd --system --gid 900 gatecast
in_root useradd --system --uid 900 --gid gatecast --home-dir /var/lib/gatecast --no-create-home \
  --shell /bin/bash --comment 'gatecast screen agent' gatecast
for group in video render input; do
  in_root getent group "$group" >/dev/null || in_root groupadd --system "$group"
  in_root usermod -aG "$group" gatecast
done
# No account has a password: root and gatecast locked ('!'/'*'), every other system account '*'.
in_root passwd -l root >/dev/null
in_root usermod -p '!' gatecast
awk -F: 'BEGIN{OFS=":"} $2=="" {$2="*"} {print}' "$root/etc/shadow" >"$root/etc/shadow.new"
cat "$root/etc/shadow.new" >"$root/etc/shadow" && rm "$root/etc/shadow.new"

echo "customise: time zone, machine id, resolv.conf" >&2
ln -sf /usr/share/zoneinfo/Asia/Ho_Chi_Minh "$root/etc/localtime"
echo Asia/Ho_Chi_Minh >"$root/etc/timezone"
# Empty (not absent): systemd makes a fresh id in RAM each boot on a read-only root, and no two
# cards share the build's id. The agent's serial comes from the Pi's device tree.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
ln -sf /etc/machine-id "$root/var/lib/dbus/machine-id"
ln -sf /run/NetworkManager/resolv.conf "$root/etc/resolv.conf"
# Host keys are made per screen on the data partition (ssh-host-keys), never shipped.
rm -f "$root"/etc/ssh/ssh_host_*

echo "customise: the first agent release in /opt/gatecast" >&2
rm -rf "$root/opt/gatecast"
node "$here/scripts/first-release.mjs" --root "$root/opt/gatecast" --work "$work/release" >"$work/first-release.json"
chown -R 0:0 "$root/opt/gatecast"
install -d -m 0755 "$root/var/lib/gatecast" "$root/boot/firmware"

echo "customise: units" >&2
in_root systemctl set-default graphical.target
in_root systemctl enable gatecast-agent.service gatecast-kiosk.service opt-gatecast.mount \
  gatecast-data.service gatecast-grow-data.service gatecast-ssh.path gatecast-wifi.path \
  NetworkManager.service chrony.service ssh.service
in_root systemctl mask getty@tty1.service ssh.socket apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer e2scrub_reap.service systemd-networkd-wait-online.service 2>/dev/null || true
in_root systemctl disable NetworkManager-wait-online.service 2>/dev/null || true

# The build's own leftovers.
rm -rf "$root"/var/cache/apt/*.bin "$root"/var/log/* "$root"/tmp/* "$root"/var/tmp/*
