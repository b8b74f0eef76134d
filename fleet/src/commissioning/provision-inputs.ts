import { readFileSync } from 'node:fs';
import type { ProvisionFileInput, ReleasePublicKey } from '@gatecast/protocol';
import { CliError } from '../cli/io.js';

/** What `gatecast provision` was told, before the fleet is asked anything. */
export interface ProvisionOptions {
  device?: string;
  enrolmentToken?: string;
  image?: string;
  bootDir?: string;
  wifiSsid?: string;
  wifiPsk?: string;
  wifiCountry?: string;
  wifiHidden?: boolean;
  sshKey?: string[];
  ca?: string;
  gate?: string;
  zone?: string;
  name?: string;
  rotateSecret?: boolean;
  fleetUrl?: string;
  mqttUrl?: string;
  json?: boolean;
}

/** The screen's credentials: its own, or a token to ask for them (zero-touch). */
export type Credentials =
  | { kind: 'device'; id: string; secret: string; mqttUrl: string; gateId: string; zoneId: string }
  | { kind: 'token'; token: string };

/** Usage errors first, so nothing on the fleet changes for a command that cannot finish. */
export function checkProvisionOptions(options: ProvisionOptions): void {
  if ((options.device === undefined) === (options.enrolmentToken === undefined)) {
    throw new CliError('give either --device ID or --enrolment-token TOKEN', 2);
  }
  if ((options.image === undefined) === (options.bootDir === undefined)) {
    throw new CliError('give either --image FILE (an .img) or --boot-dir PATH (a mounted SD card)', 2);
  }
  if (options.wifiPsk !== undefined && options.wifiSsid === undefined) {
    throw new CliError('--wifi-psk needs --wifi-ssid', 2);
  }
  const placing = [options.gate, options.zone, options.name].filter((value) => value !== undefined);
  if (options.device !== undefined && placing.length > 0 && placing.length < 3) {
    throw new CliError('to create a device give all of --gate, --zone and --name', 2);
  }
  if (options.enrolmentToken !== undefined && (options.rotateSecret || options.name !== undefined)) {
    throw new CliError('--rotate-secret and --name go with --device, not with --enrolment-token', 2);
  }
}

/** SSH public keys from files: one per non-empty line, comments skipped. */
export function readSshKeys(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    readText(file, 'SSH key')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#')),
  );
}

export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code}`, 2);
  }
}

/** Pure: the provision file from the options, the credentials and what the fleet told. */
export function buildProvisionFile(
  options: ProvisionOptions,
  credentials: Credentials,
  fleetUrl: string,
  releasePublicKeys: ReleasePublicKey[],
  extras: { sshKeys: string[]; caPem?: string | undefined },
): ProvisionFileInput {
  const placement =
    credentials.kind === 'device'
      ? { gateId: credentials.gateId, zoneId: credentials.zoneId }
      : {
          ...(options.gate ? { gateId: options.gate } : {}),
          ...(options.zone ? { zoneId: options.zone } : {}),
        };
  return {
    format: 1,
    fleetUrl,
    ...(credentials.kind === 'device'
      ? { device: { id: credentials.id, secret: credentials.secret }, mqttUrl: credentials.mqttUrl }
      : { enrolmentToken: credentials.token }),
    ...(options.wifiSsid === undefined
      ? {}
      : {
          wifi: {
            ssid: options.wifiSsid,
            ...(options.wifiPsk === undefined ? {} : { psk: options.wifiPsk }),
            hidden: options.wifiHidden ?? false,
            country: options.wifiCountry ?? 'VN',
          },
        }),
    ...(extras.caPem === undefined ? {} : { caCertificatePem: extras.caPem }),
    ...placement,
    sshAuthorizedKeys: extras.sshKeys,
    releasePublicKeys,
  };
}

/** What `provision` prints: everything it wrote except the secret and the Wi-Fi passphrase. */
export function describeProvisionFile(file: ProvisionFileInput, where: string) {
  return {
    written: where,
    fleetUrl: file.fleetUrl,
    mqttUrl: file.mqttUrl ?? null,
    mode: file.device ? ('device' as const) : ('enrolment-token' as const),
    deviceId: file.device?.id ?? null,
    gateId: file.gateId ?? null,
    zoneId: file.zoneId ?? null,
    wifi: file.wifi ? { ssid: file.wifi.ssid, secured: file.wifi.psk !== undefined } : null,
    sshKeys: file.sshAuthorizedKeys?.length ?? 0,
    caCertificate: file.caCertificatePem !== undefined,
    releaseKeys: (file.releasePublicKeys ?? []).map((key) => key.keyId),
  };
}
