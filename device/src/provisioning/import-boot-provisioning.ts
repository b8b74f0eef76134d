import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { ProvisionFile } from '@gatecast/protocol';
import { writeAgentConfigFile } from '@gatecast/provisioning';
import { dataPaths, type DataPaths } from './data-paths.js';
import { removeFiles, writeJsonFile } from './enrolment-settings.js';
import { nmcliApplier, type NetworkApplier } from './network-applier.js';
import { readBootProvision } from './provision-file.js';
import {
  agentConfigFor,
  authorizedKeysText,
  credentialsFromProvision,
  enrolmentSettingsFromProvision,
  scrubProvision,
  wifiKeyfile,
} from './provision-mapping.js';
import { writeFileAtomic } from './write-file.js';

export interface ImportOptions {
  /** The boot partition (/boot/firmware on the Pi). */
  bootDir: string;
  /** The agent config file; its folder is the data partition. */
  configFile: string;
  log: Logger;
  network?: NetworkApplier;
  now?: () => Date;
}

export type ImportResult =
  | { kind: 'none' }
  | { kind: 'already-imported'; importedAt: string }
  | { kind: 'device'; deviceId: string }
  | { kind: 'enrolment' }
  | { kind: 'invalid'; message: string };

/**
 * First boot: moves `<bootDir>/gatecast/provision.json` into the data partition (agent config or
 * enrolment settings, CA, Wi-Fi keyfile, SSH keys), then rewrites the boot file without its
 * credentials. Everything lands in the data partition before the scrub, so a power cut halfway
 * imports again on the next boot; an already imported file is left alone.
 */
export async function importBootProvisioning(options: ImportOptions): Promise<ImportResult> {
  const { log } = options;
  const found = await readBootProvision(options.bootDir);
  if (found.kind === 'absent') return { kind: 'none' };
  if (found.kind === 'imported') return { kind: 'already-imported', importedAt: found.importedAt };
  if (found.kind === 'invalid') {
    log.error({ file: found.path }, `provision file rejected: ${found.message}`);
    return { kind: 'invalid', message: found.message };
  }
  const { file } = found;
  const dataDir = dirname(options.configFile);
  const paths = dataPaths(dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const caFile = file.caCertificatePem === undefined ? undefined : paths.caFile;
  if (file.caCertificatePem !== undefined) await writeFileAtomic(paths.caFile, file.caCertificatePem, 0o644);

  let result: ImportResult;
  if (file.device !== undefined) {
    const withDevice = { ...file, device: file.device };
    const existing = await readJson(options.configFile);
    const config = agentConfigFor(credentialsFromProvision(withDevice, dataDir, caFile), existing);
    writeAgentConfigFile(options.configFile, config, { overwrite: true });
    await removeFiles(paths.enrolment, paths.enrolmentRequest);
    await writeFileAtomic(paths.selfTestPending, `${(options.now?.() ?? new Date()).toISOString()}\n`);
    result = { kind: 'device', deviceId: file.device.id };
  } else {
    const settings = enrolmentSettingsFromProvision(
      { ...file, enrolmentToken: file.enrolmentToken ?? '' },
      caFile,
    );
    await writeJsonFile(paths.enrolment, settings);
    await removeFiles(paths.enrolmentRequest);
    // A token on the card is the technician asking to enrol again: the old identity steps aside.
    await rename(options.configFile, `${options.configFile}.replaced`).catch(() => undefined);
    result = { kind: 'enrolment' };
  }
  await importNetworkAndSsh(file, paths, options.network ?? nmcliApplier(log), log);
  await scrubBootFile(found.path, found.raw, options.now?.() ?? new Date(), log);
  log.info({ ...result, file: found.path }, 'provision file imported');
  return result;
}

async function importNetworkAndSsh(
  file: ProvisionFile,
  paths: DataPaths,
  network: NetworkApplier,
  log: Logger,
): Promise<void> {
  // No Wi-Fi in the file leaves an earlier one alone: an Ethernet re-provision must not cut the link.
  if (file.wifi !== undefined) {
    await mkdir(paths.networkDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(paths.wifiKeyfile, wifiKeyfile(file.wifi), 0o600);
    await writeFileAtomic(paths.wifiCountry, `${file.wifi.country}\n`, 0o644);
    await network.reload();
    log.info({ ssid: file.wifi.ssid }, 'Wi-Fi settings imported');
  }
  // SSH is off unless keys are given, so a file without keys turns it off again.
  if (file.sshAuthorizedKeys.length > 0) {
    await mkdir(paths.sshDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(paths.authorizedKeys, authorizedKeysText(file.sshAuthorizedKeys), 0o600);
  } else {
    await rm(paths.authorizedKeys, { force: true });
  }
}

async function scrubBootFile(
  path: string,
  raw: Record<string, unknown>,
  now: Date,
  log: Logger,
): Promise<void> {
  try {
    await writeFileAtomic(path, `${JSON.stringify(scrubProvision(raw, now), null, 2)}\n`, 0o600);
  } catch (error) {
    // The import itself worked; the screen runs, but the card still carries the secret.
    log.error(
      { file: path, err: (error as NodeJS.ErrnoException).code ?? (error as Error).message },
      'could not remove the secret from the boot partition; remove the card and delete the file',
    );
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
