import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { ReleasePublicKey } from '@gatecast/protocol';
import {
  findBootPartition,
  parseProvisionFile,
  writeProvisionFile,
  writeProvisionFileToImage,
} from '@gatecast/provisioning';
import {
  buildProvisionFile,
  checkProvisionOptions,
  describeProvisionFile,
  readSshKeys,
  readText,
  type Credentials,
  type ProvisionOptions,
} from '../../commissioning/provision-inputs.js';
import { callApi, resolveTarget, type ApiTarget } from '../api-client.js';
import type { EnrolledDevice } from '../api-types.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { globalsOf } from './options.js';

/** An address only the fleet machine itself can reach. */
const LOOPBACK = /^[a-z]+:\/\/(localhost|127\.[\d.]+|\[::1\])(:|\/|$)/i;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `gatecast provision`: a screen's credentials and settings onto its SD card, without root. */
export function registerProvisionCommand(program: Command, io: CliIo): void {
  program
    .command('provision')
    .description("write a screen's provision file onto its SD card image or mounted boot partition")
    .option('--device <id>', 'the screen this card is for (created with --gate --zone --name if new)')
    .option('--enrolment-token <token>', 'zero-touch instead: the screen asks to be approved (gce_…)')
    .option('--image <file>', 'an SD card image (.img; decompress an .img.xz first)')
    .option('--boot-dir <path>', "the SD card's boot partition, mounted (e.g. /media/$USER/bootfs)")
    .option('--wifi-ssid <ssid>', 'Wi-Fi network name (leave out for wired Ethernet)')
    .option('--wifi-psk <passphrase>', 'Wi-Fi passphrase (leave out for an open network)')
    .option('--wifi-country <cc>', 'Wi-Fi country code', 'VN')
    .option('--wifi-hidden', 'the Wi-Fi network does not broadcast its name')
    .option('--ssh-key <file>', 'allow SSH with the public key(s) in this file (repeatable)', collect)
    .option('--ca <file>', "PEM of the private CA that signed the fleet's certificate")
    .option('--gate <gate>', 'gate id (to create the device, or the gate a token screen says it is for)')
    .option('--zone <zone>', 'zone id within the gate')
    .option('--name <name>', 'a name a technician recognises (to create the device)')
    .option('--rotate-secret', 'an existing device: give it a new secret (its old card stops working)')
    .option('--fleet-url <url>', 'the fleet address the screen uses (default: --url)')
    .option('--mqtt-url <url>', 'the broker address the screen uses (default: what the fleet says)')
    .option('--json', 'print JSON')
    .action(async (options: ProvisionOptions, command: Command) => {
      checkProvisionOptions(options);
      const target = resolveTarget(globalsOf(command), io);
      const fleetUrl = options.fleetUrl ?? target.url;
      const extras = {
        sshKeys: readSshKeys(options.sshKey ?? []),
        caPem: options.ca === undefined ? undefined : readText(options.ca, 'CA certificate'),
      };
      await checkDestination(options);
      // Everything the technician typed is checked before the fleet creates a device or a secret.
      const placeholder: Credentials = options.enrolmentToken
        ? { kind: 'token', token: options.enrolmentToken }
        : {
            kind: 'device',
            id: options.device ?? '',
            secret: 'x'.repeat(43),
            mqttUrl: options.mqttUrl ?? 'mqtt://check:1883',
            gateId: options.gate ?? 'check',
            zoneId: options.zone ?? 'check',
          };
      parseProvisionFile(buildProvisionFile(options, placeholder, fleetUrl, [], extras));

      const keys = await releaseKeys(target, io);
      const credentials = await credentialsFor(target, options, io);
      const file = buildProvisionFile(options, credentials, fleetUrl, keys, extras);
      const where = options.image
        ? (await writeProvisionFileToImage(options.image, file)).path
        : writeProvisionFile(options.bootDir ?? '', file);
      const summary = describeProvisionFile(file, where);
      for (const url of [summary.fleetUrl, summary.mqttUrl]) {
        if (url && LOOPBACK.test(url))
          io.stderr(`warning: a screen cannot reach ${url}; pass --fleet-url / --mqtt-url\n`);
      }
      if (options.json) return printJson(io, summary);
      io.stdout(`wrote ${summary.written}\n`);
      io.stdout(`  fleet    ${summary.fleetUrl}${summary.mqttUrl ? `  (MQTT ${summary.mqttUrl})` : ''}\n`);
      io.stdout(`  screen   ${summary.deviceId ?? 'zero-touch: approve its pairing code'}\n`);
      io.stdout(`  place    ${summary.gateId ?? '-'} / ${summary.zoneId ?? '-'}\n`);
      io.stdout(`  wi-fi    ${summary.wifi ? summary.wifi.ssid : 'none (Ethernet)'}\n`);
      io.stdout(`  ssh      ${summary.sshKeys > 0 ? `${summary.sshKeys} key(s)` : 'off'}\n`);
      io.stdout(`  ca       ${summary.caCertificate ? 'private CA included' : 'system CAs'}\n`);
      io.stdout(`  releases ${summary.releaseKeys.join(', ') || 'no signing keys pinned'}\n`);
    });
}

async function checkDestination(options: ProvisionOptions): Promise<void> {
  if (options.image) {
    await findBootPartition(options.image);
    return;
  }
  const dir = options.bootDir ?? '';
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory)
    throw new CliError(`${dir} is not a directory: is the SD card's boot partition mounted?`, 2);
}

/** The fleet's trusted release keys; a caller who may not read releases provisions without them. */
async function releaseKeys(target: ApiTarget, io: CliIo): Promise<ReleasePublicKey[]> {
  try {
    return (await callApi<{ keys: ReleasePublicKey[] }>(target, 'GET', '/api/v1/releases/keys')).keys;
  } catch (error) {
    if (!(error instanceof CliError) || !/FORBIDDEN|NOT_FOUND/.test(error.message)) throw error;
    io.stderr(`note: no release keys pinned (${error.message})\n`);
    return [];
  }
}

async function credentialsFor(target: ApiTarget, options: ProvisionOptions, io: CliIo): Promise<Credentials> {
  if (options.enrolmentToken) return { kind: 'token', token: options.enrolmentToken };
  const id = options.device ?? '';
  const path = `/api/v1/devices/${encodeURIComponent(id)}`;
  const existing = await callApi<{ device: { id: string } }>(target, 'GET', path).catch((error: unknown) => {
    if (error instanceof CliError && error.message.startsWith('NOT_FOUND')) return null;
    throw error;
  });
  let enrolled: EnrolledDevice;
  if (existing) {
    if (!options.rotateSecret) {
      throw new CliError(
        `${id} already exists and the fleet keeps only a hash of its secret: pass --rotate-secret ` +
          '(a card already in a screen for it stops working)',
        2,
      );
    }
    enrolled = await callApi<EnrolledDevice>(target, 'POST', `${path}/secret`);
    io.stderr(`new secret for ${id}; its previous one no longer works\n`);
  } else {
    if (!options.gate || !options.zone || !options.name) {
      throw new CliError(`no device ${id}: give --gate, --zone and --name to create it`, 2);
    }
    const body = { id, gateId: options.gate, zoneId: options.zone, name: options.name };
    enrolled = await callApi<EnrolledDevice>(target, 'POST', '/api/v1/devices', body);
    io.stderr(`created ${id} in ${options.gate}/${options.zone}\n`);
  }
  const { agentConfig, device } = enrolled;
  return {
    kind: 'device',
    id: agentConfig.deviceId,
    secret: agentConfig.secret,
    mqttUrl: options.mqttUrl ?? agentConfig.mqtt.url,
    gateId: device.gateId,
    zoneId: device.zoneId,
  };
}
