#!/bin/sh
# The container's start: the provision file from the balena device variable GATECAST_PROVISION (the
# JSON `gatecast provision` writes) on the first start, the seat and the cage compositor, then the
# agent's launcher — which balena restarts when it exits (75 after an update, like systemd).
set -eu
data=/var/lib/gatecast
boot=$data/boot
mkdir -p "$boot/gatecast" "$XDG_RUNTIME_DIR"
chown gatecast:gatecast "$data" "$boot" "$boot/gatecast"
chmod 0700 "$XDG_RUNTIME_DIR" && chown gatecast:gatecast "$XDG_RUNTIME_DIR"
if [ -n "${GATECAST_PROVISION:-}" ] && [ ! -e "$data/agent.json" ]; then
  printf '%s\n' "$GATECAST_PROVISION" >"$boot/gatecast/provision.json"
  chown gatecast:gatecast "$boot/gatecast/provision.json" && chmod 0600 "$boot/gatecast/provision.json"
fi
seatd -g video &
sleep 1
su gatecast -s /bin/sh -c 'cage -d -- sleep infinity' &
exec su gatecast -s /bin/sh -c "exec node /opt/gatecast/launcher.mjs --config $data/agent.json --boot-dir $boot --commissioning"
