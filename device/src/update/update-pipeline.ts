import type { Logger } from 'pino';
import { GatecastError, type Problem, type ReleasePublicKey } from '@gatecast/protocol';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { downloadRelease, updatesDir } from './download-release.js';
import { faultKillState, killIfFaultAt } from './fault-injection.js';
import { installRelease } from './install-release.js';
import { completeReleaseSha } from './release-layout.js';
import { switchCurrent } from './release-links.js';
import { readTrustedCreatedAt, trustReleaseCreatedAt } from './trusted-release.js';
import type { UpdateJournal } from './update-journal.js';
import {
  isTransient,
  PRE_SWITCH_STATES,
  resumeStep,
  sameBuild,
  type ReleaseBuild,
} from './update-machine.js';
import type { FailureStage } from './update-state.js';
import { verifyRelease } from './verify-release.js';

export interface PipelineTarget {
  build: ReleaseBuild;
  /** The signed manifest as the desired document carries it; checked here before anything else. */
  signed: unknown;
  artifactUrl: string;
  /** When the fleet issued the desired document that names the release: its clock, a floor for ours. */
  issuedAt?: string;
}

export interface PipelineContext {
  dataDir: string;
  installRoot: string;
  runningVersion: string;
  publicKeys: readonly ReleasePublicKey[];
  /** The device clock: a manifest expired by it is refused. */
  now(): Date;
  journal: UpdateJournal;
  log: Logger;
  headers?: (url: URL) => Record<string, string>;
  freeBytes?: (dir: string) => Promise<number>;
  env?: NodeJS.ProcessEnv;
  progressReportMs: number;
  onProgress(): void;
  /** Resolves once no announcement is on screen (or the signal aborts). */
  untilNoAnnouncement(signal: AbortSignal): Promise<void>;
  /** Called once the switch is about to happen: from then on the run cannot be cancelled. */
  onPointOfNoReturn(): void;
  requestRestart(reason: string): void;
}

/** How one attempt ended: the restart is asked for, a final refusal, a retry, or a cancel. */
export type AttemptOutcome =
  | { kind: 'restarting' }
  | { kind: 'refused' }
  | { kind: 'transient'; problem: Problem }
  | { kind: 'aborted' };

/**
 * One attempt at an update, from the signed manifest to the restart request. Each step is
 * idempotent (a verified artifact is reused, a complete release folder is reused, switching to
 * the current release is a no-op), so a retry or a resumed run simply starts again from the top.
 */
export async function attemptUpdate(
  context: PipelineContext,
  target: PipelineTarget,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const { journal, runningVersion } = context;
  const verdict = verifyRelease(target.signed, context.publicKeys, {
    runningVersion,
    now: context.now(),
    fleetIssuedAt: target.issuedAt ?? null,
    trustedCreatedAt: await readTrustedCreatedAt(context.dataDir),
  });
  if (!verdict.ok) {
    return refuse(context, target.build, 'verify', { code: verdict.code, message: verdict.message });
  }
  const { manifest } = verdict;
  const build = { version: manifest.version, sha256: manifest.sha256 };
  const resuming = sameBuild(journal.record, build) && isResumable(journal.record!.status.state);
  const installed = await completeReleaseSha(context.installRoot, build.version);
  if (resumeStep(journal.record, build, installed) === 'download') {
    if (resuming) await journal.enter('downloading', { problem: journal.record!.status.problem });
    else await journal.begin(build, runningVersion, 'downloading');
    const downloaded = await download(context, target, manifest, signal);
    if (downloaded.kind !== 'ok') return downloaded;
    await journal.enter('verifying');
    // The download hashed the bytes as they came; the verified artifact is `downloaded.path`.
    await journal.enter('installing');
    try {
      await installRelease({
        root: context.installRoot,
        version: build.version,
        artifactPath: downloaded.path,
        sha256: build.sha256,
        ...(context.freeBytes ? { freeBytes: context.freeBytes } : {}),
      });
    } catch (error) {
      const problem = problemOf(error);
      if (!isTransient(problem.code)) return refuse(context, build, 'install', problem);
      return { kind: 'transient', problem };
    }
  }
  await context.untilNoAnnouncement(signal);
  if (signal.aborted) return { kind: 'aborted' };
  context.onPointOfNoReturn();
  // Every check has passed (signature, freshness, digest, archive): from now on nothing signed
  // before this release is installed, nor is the clock believed when it runs behind it.
  await trustReleaseCreatedAt(context.dataDir, manifest.createdAt);
  await journal.enter('switching');
  try {
    await switchCurrent(context.installRoot, build.version);
  } catch (error) {
    return { kind: 'transient', problem: problemOf(error) };
  }
  await journal.enter('restarting');
  context.requestRestart(`update to ${build.version}`);
  return { kind: 'restarting' };
}

type Downloaded = { kind: 'ok'; path: string } | Exclude<AttemptOutcome, { kind: 'restarting' }>;

async function download(
  context: PipelineContext,
  target: PipelineTarget,
  manifest: Parameters<typeof downloadRelease>[0]['manifest'],
  signal: AbortSignal,
): Promise<Downloaded> {
  const { journal } = context;
  // The power-cut hook for `downloading` fires once the `.part` holds bytes on disk (the sink
  // batches writes), so the resume after it has something to resume from.
  let killPending = faultKillState(context.env) === 'downloading';
  const part = join(updatesDir(context.dataDir), `${manifest.version}.part`);
  let lastReport = 0;
  const result = await downloadRelease({
    dataDir: context.dataDir,
    manifest,
    url: target.artifactUrl,
    signal,
    log: context.log,
    ...(context.headers ? { headers: context.headers } : {}),
    ...(context.freeBytes ? { freeBytes: context.freeBytes } : {}),
    onProgress: (bytes) => {
      journal.progress(bytes);
      if (killPending && bytes > 0 && sizeOf(part) > 0) killIfFaultAt('downloading', context.env);
      if (Date.now() - lastReport >= context.progressReportMs) {
        lastReport = Date.now();
        context.onProgress();
      }
    },
  });
  // An artifact small enough to reach the disk only at the end: the cut comes before `verifying`.
  if (killPending) killIfFaultAt('downloading', context.env);
  killPending = false;
  if (result.ok) return { kind: 'ok', path: result.artifactPath };
  if (result.aborted || signal.aborted) return { kind: 'aborted' };
  const problem = { code: result.code, message: result.message.slice(0, 500) };
  if (!isTransient(result.code)) {
    return refuse(context, { version: manifest.version, sha256: manifest.sha256 }, 'download', problem);
  }
  return { kind: 'transient', problem };
}

async function refuse(
  context: PipelineContext,
  build: ReleaseBuild,
  stage: FailureStage,
  problem: Problem,
): Promise<{ kind: 'refused' }> {
  const { journal } = context;
  context.log
    .child({ mod: 'update' })
    .warn({ targetVersion: build.version, stage, problem }, 'update refused');
  if (!sameBuild(journal.record, build)) await journal.begin(build, context.runningVersion, 'refused', false);
  await journal.fail('refused', stage, problem, context.runningVersion);
  return { kind: 'refused' };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function isResumable(state: string): boolean {
  return PRE_SWITCH_STATES.includes(state as never) || state === 'switching' || state === 'restarting';
}

function problemOf(error: unknown): Problem {
  const message = (error as Error).message.slice(0, 500);
  return error instanceof GatecastError ? { code: error.code, message } : { code: 'UPDATE_FAILED', message };
}
