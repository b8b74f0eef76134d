import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASE_MARKER } from '../../../src/update/release-layout.js';
import { writeUpdateRecord, type UpdateRecord } from '../../../src/update/update-state.js';
import { agentConfig } from '../helpers/fixtures.js';

/** Where the small test agents append one JSON line per start: which release ran, from which file. */
const MARKER_ENV = 'GATECAST_TEST_MARKER';

/** An agent that records its start and exits with GATECAST_TEST_EXIT (0 by default). */
const WORKING_AGENT = `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.${MARKER_ENV}, JSON.stringify({ url: import.meta.url, argv: process.argv.slice(2) }) + '\\n');
process.exitCode = Number(process.env.GATECAST_TEST_EXIT ?? 0);
`;
/** A release that dies while it loads, before it could report anything. */
const CRASHING_AGENT = `throw new Error('cannot find module ./player-ui');\n`;

export interface InstallRoot {
  root: string;
  dataDir: string;
  configFile: string;
  markerFile: string;
  addRelease(version: string, agent: 'working' | 'crashing' | 'none'): Promise<void>;
  link(name: 'current' | 'previous', version: string): Promise<void>;
  writeRecord(record: UpdateRecord): Promise<void>;
  /** The releases that ran, in order, as the file URL each was loaded from. */
  ran(): Promise<string[]>;
  /** The arguments each start of an agent was given. */
  argvs(): Promise<string[][]>;
  launch(env?: Record<string, string>): Promise<LaunchRun>;
}

export interface LaunchRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temp install root laid out as on a screen: launcher.mjs, releases/, links, a config and a data dir. */
export async function makeInstallRoot(
  dir: string,
  launcherFile: string,
  maxStarts = 3,
): Promise<InstallRoot> {
  const root = join(dir, 'root');
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'agent.json');
  const markerFile = join(dir, 'ran.jsonl');
  await mkdir(join(root, 'releases'), { recursive: true });
  await mkdir(dataDir, { recursive: true });
  await copyFile(launcherFile, join(root, 'launcher.mjs'));
  const config = agentConfig('mqtt://127.0.0.1:1', dataDir);
  await writeFile(configFile, JSON.stringify({ ...config, updates: { ...config.updates, maxStarts } }));
  await writeFile(markerFile, '');
  return {
    root,
    dataDir,
    configFile,
    markerFile,
    async addRelease(version, agent) {
      const folder = join(root, 'releases', version);
      await mkdir(folder, { recursive: true });
      if (agent !== 'none')
        await writeFile(join(folder, 'agent.mjs'), agent === 'working' ? WORKING_AGENT : CRASHING_AGENT);
      await writeFile(join(folder, RELEASE_MARKER), JSON.stringify({ version, sha256: 'b'.repeat(64) }));
    },
    link: (name, version) => symlink(join('releases', version), join(root, name)),
    writeRecord: (record) => writeUpdateRecord(dataDir, record),
    ran: async () => (await starts(markerFile)).map((start) => start.url),
    argvs: async () => (await starts(markerFile)).map((start) => start.argv),
    launch: (env = {}) =>
      runLauncher(join(root, 'launcher.mjs'), configFile, { [MARKER_ENV]: markerFile, ...env }),
  };
}

async function starts(markerFile: string): Promise<{ url: string; argv: string[] }[]> {
  const text = await readFile(markerFile, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { url: string; argv: string[] });
}

/** Starts the launcher the way systemd does, as its own process, and waits for it to end. */
function runLauncher(launcher: string, configFile: string, env: Record<string, string>): Promise<LaunchRun> {
  const child = spawn(process.execPath, [launcher, '--config', configFile], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The launcher's JSON log lines of one run. */
export function decisions(run: LaunchRun): { decision: string; release?: string; msg: string }[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { decision: string; release?: string; msg: string })
    .filter((line) => line.decision !== undefined);
}
