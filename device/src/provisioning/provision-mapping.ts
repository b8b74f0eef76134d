import { createHash } from 'node:crypto';
import {
  agentConfigSchema,
  type AgentConfigInput,
  type ProvisionFile,
  type ReleasePublicKey,
} from '@gatecast/protocol';
import type { EnrolmentSettings } from './enrolment-settings.js';
import { isRecord } from './provision-file.js';

/** A screen's identity and where its fleet is: from the boot file, or from an approved enrolment. */
export interface Credentials {
  deviceId: string;
  secret: string;
  mqttUrl: string;
  fleetUrl: string;
  dataDir: string;
  /** The fleet's private CA as written to the data partition; absent for a public CA or plain MQTT. */
  caFile?: string;
  publicKeys: readonly ReleasePublicKey[];
}

/**
 * The agent config for new credentials. A valid existing config keeps its other settings (player,
 * log level, update timings) so a re-provisioned screen does not lose what someone tuned; a broken
 * one is replaced whole. Keys are kept when the new source pins none, so nothing is unpinned by omission.
 */
export function agentConfigFor(credentials: Credentials, existing: unknown): AgentConfigInput {
  const fresh: AgentConfigInput = {
    deviceId: credentials.deviceId,
    secret: credentials.secret,
    mqtt: {
      url: credentials.mqttUrl,
      ...(credentials.caFile === undefined ? {} : { caFile: credentials.caFile }),
    },
    fleetUrl: credentials.fleetUrl,
    dataDir: credentials.dataDir,
    updates: { publicKeys: [...credentials.publicKeys] },
  };
  if (!isRecord(existing) || !agentConfigSchema.safeParse(existing).success) return fresh;
  const old = existing as AgentConfigInput;
  const { caFile: _oldCa, ...oldMqtt } = old.mqtt;
  const publicKeys =
    credentials.publicKeys.length > 0 ? [...credentials.publicKeys] : old.updates?.publicKeys;
  const merged: AgentConfigInput = {
    ...old,
    ...fresh,
    mqtt: { ...oldMqtt, ...fresh.mqtt },
    updates: { ...old.updates, publicKeys: publicKeys ?? [] },
  };
  return agentConfigSchema.safeParse(merged).success ? merged : fresh;
}

/** Device credentials from the boot file (only for a file with `device`). */
export function credentialsFromProvision(
  file: ProvisionFile & { device: NonNullable<ProvisionFile['device']> },
  dataDir: string,
  caFile: string | undefined,
): Credentials {
  return {
    deviceId: file.device.id,
    secret: file.device.secret,
    mqttUrl: file.mqttUrl ?? '',
    fleetUrl: file.fleetUrl,
    dataDir,
    ...(caFile === undefined ? {} : { caFile }),
    publicKeys: file.releasePublicKeys,
  };
}

export function enrolmentSettingsFromProvision(
  file: ProvisionFile & { enrolmentToken: string },
  caFile: string | undefined,
): EnrolmentSettings {
  return {
    fleetUrl: file.fleetUrl,
    token: file.enrolmentToken,
    ...(file.gateId === undefined ? {} : { gateId: file.gateId }),
    ...(file.zoneId === undefined ? {} : { zoneId: file.zoneId }),
    ...(caFile === undefined ? {} : { caFile }),
    releasePublicKeys: file.releasePublicKeys,
  };
}

/**
 * The boot file as left on the card after import: the same, minus every credential (device
 * secret, Wi-Fi passphrase, enrolment token), plus when it was imported. A lost card leaks nothing.
 */
export function scrubProvision(raw: Record<string, unknown>, importedAt: Date): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = { ...raw };
  delete scrubbed.enrolmentToken;
  if (isRecord(raw.device)) {
    const { secret: _secret, ...device } = raw.device;
    scrubbed.device = device;
  }
  if (isRecord(raw.wifi)) {
    const { psk: _psk, ...wifi } = raw.wifi;
    scrubbed.wifi = wifi;
  }
  scrubbed.imported = importedAt.toISOString();
  return scrubbed;
}

/** One line of an SSH authorized_keys file per key; empty when none (then SSH stays off). */
export function authorizedKeysText(keys: readonly string[]): string {
  return keys.map((key) => `${key.trim()}\n`).join('');
}

export type WifiSettings = NonNullable<ProvisionFile['wifi']>;
export const WIFI_CONNECTION_ID = 'gatecast-wifi';

/** A NetworkManager keyfile for the provisioned Wi-Fi: WPA-PSK, or open without a passphrase. */
export function wifiKeyfile(wifi: WifiSettings): string {
  const uuid = stableUuid(`gatecast-wifi:${wifi.ssid}`);
  const lines = [
    '[connection]',
    `id=${WIFI_CONNECTION_ID}`,
    `uuid=${uuid}`,
    'type=wifi',
    'autoconnect=true',
    'autoconnect-priority=10',
    '',
    '[wifi]',
    'mode=infrastructure',
    `ssid=${keyfileValue(wifi.ssid)}`,
    `hidden=${wifi.hidden ? 'true' : 'false'}`,
    '',
  ];
  if (wifi.psk !== undefined) {
    lines.push('[wifi-security]', 'key-mgmt=wpa-psk', `psk=${keyfileValue(wifi.psk)}`, '');
  }
  lines.push('[ipv4]', 'method=auto', '', '[ipv6]', 'method=auto', 'addr-gen-mode=stable-privacy', '');
  return lines.join('\n');
}

/** GKeyFile escaping: backslash, line breaks and a leading space would change the value. */
export function keyfileValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/^ /, '\\s');
}

/** The same SSID gives the same connection UUID, so a re-import replaces rather than duplicates. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
