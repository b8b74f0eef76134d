import type { HostFiles } from './host-files.js';

export type HdmiStatus = 'connected' | 'disconnected' | 'unknown';
export interface Resolution {
  width: number;
  height: number;
}

export interface DisplayOutput {
  hdmi: HdmiStatus;
  /** The connected display's preferred mode (first in DRM's `modes`); null when unknown. */
  preferredMode: Resolution | null;
}

const HDMI_CONNECTOR = /^card\d+-HDMI-A-\d+$/;

/** A DRM connector's `status` file: `connected`, `disconnected` or `unknown`. */
export function parseConnectorStatus(text: string | null): HdmiStatus {
  const value = text?.trim();
  return value === 'connected' || value === 'disconnected' ? value : 'unknown';
}

/** The first line of a connector's `modes` (`1920x1080`, sometimes with an `i` for interlaced). */
export function parseFirstMode(text: string | null): Resolution | null {
  const match = /^(\d+)x(\d+)/.exec(text?.trim() ?? '');
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : null;
}

/** Several ports (a Pi 4 has two): one with a display is connected; all reporting none is disconnected. */
export function combineStatuses(statuses: readonly HdmiStatus[]): HdmiStatus {
  if (statuses.includes('connected')) return 'connected';
  if (statuses.length > 0 && statuses.every((status) => status === 'disconnected')) return 'disconnected';
  return 'unknown';
}

async function hdmiConnectors(sys: HostFiles): Promise<string[]> {
  return ((await sys.list('class/drm')) ?? []).filter((name) => HDMI_CONNECTOR.test(name)).sort();
}

/** The HDMI state only: a few sysfs reads, for the change watcher. */
export async function readHdmiStatus(sys: HostFiles): Promise<HdmiStatus> {
  const connectors = await hdmiConnectors(sys);
  const statuses = await Promise.all(
    connectors.map(async (c) => parseConnectorStatus(await sys.read(`class/drm/${c}/status`))),
  );
  return combineStatuses(statuses);
}

/**
 * What the kernel's DRM says about the HDMI ports. The mode the output runs at is not in sysfs;
 * the preferred mode is what the kiosk session picks, so it stands in when the player cannot tell.
 */
export async function readDisplayOutput(sys: HostFiles): Promise<DisplayOutput> {
  const connectors = await hdmiConnectors(sys);
  const read = await Promise.all(
    connectors.map(async (connector) => ({
      status: parseConnectorStatus(await sys.read(`class/drm/${connector}/status`)),
      mode: parseFirstMode(await sys.read(`class/drm/${connector}/modes`)),
    })),
  );
  const connected = read.find((entry) => entry.status === 'connected');
  return { hdmi: combineStatuses(read.map((entry) => entry.status)), preferredMode: connected?.mode ?? null };
}
