import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentConfigInput } from '@gatecast/protocol';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../../src/store/database.js';
import type { RealFleet } from '../fleet/real-fleet.js';

/** The built screen agent; `npx tsc -b` builds it. */
export const AGENT_BIN = fileURLToPath(new URL('../../../../device/dist/main.js', import.meta.url));

export interface AgentRun {
  child: ChildProcess;
  stdout(): string;
  exited: Promise<void>;
}

/** Cat Bi with its arrivals hall, and one screen enrolled there through the API. */
export async function enrolScreen(rf: RealFleet, name = 'Arrivals screen 1'): Promise<AgentConfigInput> {
  await rf.api('POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
  await rf.api('POST', '/api/v1/gates/cat-bi-airport/zones', { id: 'arrivals', name: 'Arrivals hall' });
  const answer = await rf.api('POST', '/api/v1/devices', {
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals',
    name,
  });
  if (answer.status !== 201) throw new Error(`enrolment failed: ${answer.status} ${answer.text}`);
  return answer.body.agentConfig as AgentConfigInput;
}

/** The enrolled config, made quick to reconnect, with no screen and every queued event id logged. */
export async function writeAgentConfig(dir: string, enrolled: AgentConfigInput): Promise<string> {
  const config: AgentConfigInput = {
    ...enrolled,
    dataDir: join(dir, 'data'),
    logLevel: 'debug',
    healthIntervalSec: 3_600,
    mqtt: { ...enrolled.mqtt, keepaliveSec: 5, reconnectMinMs: 100, reconnectMaxMs: 1_000 },
    player: { mode: 'none' },
  };
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

export function spawnAgent(configFile: string): AgentRun {
  if (!existsSync(AGENT_BIN)) throw new Error(`${AGENT_BIN} is missing: run "npx tsc -b" first`);
  const child = spawn(process.execPath, [AGENT_BIN, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, stdout: () => out, exited };
}

/** Ids the agent logged as queued (each line is written only after the fsync). */
export function loggedIds(stdout: string): string[] {
  const ids: string[] = [];
  for (const line of stdout.split('\n').slice(0, -1)) {
    const entry = JSON.parse(line) as { msg?: string; ids?: string[] };
    if (entry.msg === 'events queued') ids.push(...(entry.ids ?? []));
  }
  return ids;
}

/** Ids in the queue's segment files, torn lines skipped. */
export async function idsOnDisk(eventsDir: string): Promise<string[]> {
  const names = await readdir(eventsDir).catch(() => [] as string[]);
  const ids: string[] = [];
  for (const name of names.filter((file) => file.endsWith('.events'))) {
    for (const line of (await readFile(join(eventsDir, name), 'utf8')).split('\n').slice(0, -1)) {
      try {
        ids.push((JSON.parse(line) as { id: string }).id);
      } catch {
        // A torn line: the agent never confirmed it, and skips it too.
      }
    }
  }
  return ids;
}

/** Rows per event id in the fleet's database, read-only beside the running fleet. */
export function storedCounts(dataDir: string, deviceId: string): Map<string, number> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const rows = db
      .prepare<[string], { id: string; n: number }>(
        'SELECT id, COUNT(*) AS n FROM device_events WHERE device_id = ? GROUP BY id',
      )
      .all(deviceId);
    return new Map(rows.map((row) => [row.id, row.n]));
  } finally {
    db.close();
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
