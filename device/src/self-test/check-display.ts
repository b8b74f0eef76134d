import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostFiles } from '../health/host-files.js';
import { parseConnectorStatus, parseFirstMode, type HdmiStatus } from '../health/display-output.js';
import type { CheckOutcome } from './probes.js';

/** Real outputs (`card0-HDMI-A-1`, `card1-DSI-1`…); the Pi's writeback connector is no display. */
const CONNECTOR = /^card\d+-(?!Writeback)(.+)$/;

interface Connector {
  name: string;
  status: HdmiStatus;
  enabled: boolean | null;
  mode: { width: number; height: number } | null;
  monitor: string | null;
}

/**
 * The display as the kernel's DRM sees it. The mode a compositor runs is not in sysfs; the
 * connector's first mode is the display's preferred one, which the kiosk session picks.
 */
export async function checkDisplay(sysRoot: string): Promise<CheckOutcome> {
  const sys = hostFiles(sysRoot);
  const entries = await sys.list('class/drm');
  if (entries === null) {
    return {
      status: 'fail',
      summary: 'no display driver: /sys/class/drm is missing (is dtoverlay=vc4-kms-v3d in config.txt?)',
    };
  }
  const connectors = await Promise.all(
    entries
      .filter((name) => CONNECTOR.test(name))
      .sort()
      .map((name) => readConnector(sysRoot, name)),
  );
  const connected = connectors.find((c) => c.status === 'connected');
  const details = { connectors: connectors.map((c) => `${c.name}: ${c.status}`).join(', ') || null };
  if (!connected) {
    return {
      status: 'fail',
      summary:
        connectors.length === 0
          ? 'no display output found (the DRM driver shows no connectors)'
          : 'no display connected: check the HDMI cable and that the TV is on (use the HDMI port next to the power socket)',
      details,
    };
  }
  const where = `${connected.name}${connected.monitor ? ` (${connected.monitor})` : ''}`;
  const base = {
    ...details,
    connector: connected.name,
    monitor: connected.monitor,
    enabled: connected.enabled,
    width: connected.mode?.width ?? null,
    height: connected.mode?.height ?? null,
  };
  if (!connected.mode) {
    return {
      status: 'warn',
      summary: `display connected on ${where} but it reports no modes (EDID unreadable: try another cable)`,
      details: base,
    };
  }
  return {
    status: 'pass',
    summary: `${connected.mode.width}×${connected.mode.height} on ${where}`,
    details: base,
  };
}

async function readConnector(sysRoot: string, name: string): Promise<Connector> {
  const sys = hostFiles(sysRoot);
  const dir = `class/drm/${name}`;
  const [status, enabled, modes, edid] = await Promise.all([
    sys.read(`${dir}/status`),
    sys.read(`${dir}/enabled`),
    sys.read(`${dir}/modes`),
    readFile(join(sysRoot, dir, 'edid')).catch(() => null),
  ]);
  const enabledText = enabled?.trim();
  return {
    name: CONNECTOR.exec(name)?.[1] ?? name,
    status: parseConnectorStatus(status),
    enabled: enabledText === 'enabled' ? true : enabledText === 'disabled' ? false : null,
    mode: parseFirstMode(modes),
    monitor: edid ? parseEdidMonitorName(edid) : null,
  };
}

/** The monitor name descriptor (tag 0xFC) of an EDID base block, e.g. "SAMSUNG"; null without one. */
export function parseEdidMonitorName(edid: Buffer): string | null {
  if (edid.length < 128) return null;
  for (const offset of [54, 72, 90, 108]) {
    const isDescriptor = edid[offset] === 0 && edid[offset + 1] === 0 && edid[offset + 3] === 0xfc;
    if (!isDescriptor) continue;
    const text = edid
      .subarray(offset + 5, offset + 18)
      .toString('latin1')
      .split('\n')[0]
      ?.replace(/[^\x20-\x7e]/g, '')
      .trim();
    return text ? text.slice(0, 40) : null;
  }
  return null;
}
