import { access, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleasePublicKey } from '@gatecast/protocol';
import { installRelease } from '../../../device/src/update/install-release.js';
import { isCompleteRelease, releaseDir } from '../../../device/src/update/release-layout.js';
import { readCurrent, readPrevious, switchCurrent } from '../../../device/src/update/release-links.js';
import { readUpdateRecord, type UpdateRecord } from '../../../device/src/update/update-state.js';
import { FakeSystemd, type FakeSystemdOptions } from './fake-systemd.js';
import type { BuiltArtifact, OtaFleet, OtaReleases } from './ota-releases.js';

/** The stable program systemd starts; it ships in every artifact and the SD image copies it to the root. */
export const LAUNCHER = 'launcher.mjs';

/**
 * Lays a release down as the SD image does: `releases/<version>/` unpacked with its completion
 * marker, `current` pointing at it, and the artifact's launcher.mjs copied to the root once.
 */
export async function layDownInstallRoot(root: string, release: BuiltArtifact): Promise<void> {
  await mkdir(root, { recursive: true });
  await installRelease({
    root,
    version: release.version,
    artifactPath: release.artifactFile,
    sha256: release.signed.manifest.sha256,
  });
  await switchCurrent(root, release.version);
  const launcher = join(releaseDir(root, release.version), LAUNCHER);
  await access(launcher).catch(() => {
    throw new Error(`the ${release.version} artifact has no ${LAUNCHER}: the release build must ship it`);
  });
  await copyFile(launcher, join(root, LAUNCHER));
}

export interface UpdateSettings {
  healthGateSec: number;
  healthTimeoutSec: number;
  maxStarts: number;
}

/** Short enough for a test, long enough for a loaded two-core machine to pass it honestly. */
export const TEST_UPDATE_SETTINGS: UpdateSettings = { healthGateSec: 2, healthTimeoutSec: 60, maxStarts: 2 };

export interface ScreenInstall {
  deviceId: string;
  root: string;
  dataDir: string;
  configFile: string;
  launcher: string;
}

/**
 * One screen's disk: an install root on `release`, a data folder and the agent config the
 * enrolment gave, with the pinned release key and a short health gate. `installRoot` is left out
 * unless asked for, so the agent finds its root from its own path as on a real screen.
 */
export async function prepareScreen(options: {
  dir: string;
  agentConfig: { deviceId: string; mqtt: Record<string, unknown> } & Record<string, unknown>;
  publicKey: ReleasePublicKey;
  release: BuiltArtifact;
  player?: Record<string, unknown>;
  updates?: Partial<UpdateSettings> & { installRoot?: string };
}): Promise<ScreenInstall> {
  const root = join(options.dir, 'opt-gatecast');
  const dataDir = join(options.dir, 'var-lib-gatecast');
  const configFile = join(options.dir, 'agent.json');
  await layDownInstallRoot(root, options.release);
  const config = {
    ...options.agentConfig,
    dataDir,
    mqtt: { ...options.agentConfig.mqtt, keepaliveSec: 5 },
    player: options.player ?? { mode: 'none' },
    updates: { publicKeys: [options.publicKey], ...TEST_UPDATE_SETTINGS, ...options.updates },
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return {
    deviceId: options.agentConfig.deviceId,
    root,
    dataDir,
    configFile,
    launcher: join(root, LAUNCHER),
  };
}

export interface InstallSnapshot {
  current: string | null;
  previous: string | null;
  /** `current` names a release folder that is complete (its marker) and holds an agent to start. */
  currentComplete: boolean;
  record: UpdateRecord | null;
}

/** What a screen's disk says now: the links, whether `current` can start, the update record. */
export async function snapshotInstall(screen: ScreenInstall): Promise<InstallSnapshot> {
  const current = await readCurrent(screen.root);
  const previous = await readPrevious(screen.root);
  const currentComplete =
    current !== null &&
    (await isCompleteRelease(screen.root, current)) &&
    (await access(join(releaseDir(screen.root, current), 'agent.mjs')).then(
      () => true,
      () => false,
    ));
  return { current, previous, currentComplete, record: await readUpdateRecord(screen.dataDir) };
}

export interface OtaScreen extends ScreenInstall {
  systemd: FakeSystemd;
}

/**
 * Enrols a screen through the API, lays its disk down on `release` and starts it under the fake
 * systemd, as an installer would on site.
 */
export async function enrolScreen(options: {
  ota: OtaFleet;
  releases: OtaReleases;
  dir: string;
  device: { id: string; name: string; gateId: string; zoneId: string };
  release?: BuiltArtifact;
  player?: Record<string, unknown>;
  updates?: Partial<UpdateSettings> & { installRoot?: string };
  faultEnv?: Record<string, string>;
  onExit?: FakeSystemdOptions['onExit'];
}): Promise<OtaScreen> {
  const enrolled = await options.ota.api('POST', '/api/v1/devices', options.device);
  if (enrolled.status !== 201)
    throw new Error(`enrolling ${options.device.id}: ${JSON.stringify(enrolled.body)}`);
  const install = await prepareScreen({
    dir: join(options.dir, options.device.id),
    agentConfig: enrolled.body.agentConfig,
    publicKey: options.releases.publicKey,
    release: options.release ?? options.releases.v1,
    ...(options.player ? { player: options.player } : {}),
    ...(options.updates ? { updates: options.updates } : {}),
  });
  const systemd = new FakeSystemd({
    launcher: install.launcher,
    configFile: install.configFile,
    ...(options.faultEnv ? { faultEnv: options.faultEnv } : {}),
    ...(options.onExit ? { onExit: options.onExit } : {}),
  }).start();
  return { ...install, systemd };
}

export interface OtaDeviceView {
  id: string;
  presence: { state: string };
  agentVersion: string | null;
  reported: {
    phase: string;
    update?: { state: string; targetVersion: string; previousVersion: string | null; problem: unknown };
  } | null;
}

/** A screen as the fleet's API shows it. */
export async function deviceView(ota: OtaFleet, id: string): Promise<OtaDeviceView | undefined> {
  const { status, body } = await ota.api('GET', `/api/v1/devices/${id}`);
  return status === 200 ? (body.device as OtaDeviceView) : undefined;
}
