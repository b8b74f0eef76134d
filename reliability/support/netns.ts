import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * The network group's chaos: a network namespace of the test's own, joined to the root namespace
 * by a veth pair. The fleet side listens on the root end's address; the agent runs inside the
 * namespace. Cutting means taking the root end down (no packet passes either way, nothing is
 * reset: a dead link as a cut cable or a lost radio shows it).
 */

const IP = '/usr/sbin/ip';
export const AGENT_BIN = resolve(import.meta.dirname, '../../device/dist/main.js');

/** Why the namespace tests cannot run here, or null. */
export function netnsProblem(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!existsSync(IP)) return `${IP} is missing (Debian package iproute2)`;
  if (!existsSync(AGENT_BIN)) return `${AGENT_BIN} is missing: run "npm run build" first`;
  return null;
}

/** In CI a missing prerequisite fails the run; elsewhere the test is skipped with the reason printed. */
export function netnsOrSkip(id: string): boolean {
  const problem = netnsProblem();
  if (problem === null) return true;
  if (process.env.CI) throw new Error(`reliability ${id} cannot run: ${problem}`);
  console.error(`skipping reliability ${id}: ${problem}`);
  return false;
}

export interface NetnsLink {
  name: string;
  /** The root namespace's end, where the fleet listens. */
  hostAddress: string;
  /** Takes the root end down: the agent's packets go nowhere, and no reset tells it so. */
  cut(): void;
  restore(): void;
  /** Spawns a command inside the namespace. */
  spawn(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  remove(): void;
}

let made = 0;

function ip(...args: string[]): void {
  execFileSync(IP, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A fresh namespace and veth pair, named after this process so parallel runs do not meet. */
export function createNetnsLink(): NetnsLink {
  const tag = `${process.pid % 100_000}${made++}`;
  const name = `gcrel${tag}`;
  const hostIf = `gcr${tag}h`;
  const nsIf = `gcr${tag}n`;
  // A /30 in 10.213/16 picked from the tag: unique per live run, away from common LAN ranges.
  const n = Number(tag) % 16_000;
  const base = `10.213.${Math.floor(n / 64)}.${(n % 64) * 4}`.split('.').map(Number);
  const at = (last: number) => `${base[0]}.${base[1]}.${base[2]}.${(base[3] ?? 0) + last}`;
  const hostAddress = at(1);
  const nsAddress = at(2);
  const remove = (): void => {
    for (const args of [
      ['netns', 'del', name],
      ['link', 'del', hostIf],
    ]) {
      try {
        ip(...args);
      } catch {
        // Already gone: deleting the namespace takes its end of the pair with it.
      }
    }
  };
  remove();
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', name, 'addr', 'add', `${nsAddress}/30`, 'dev', nsIf);
    ip('-n', name, 'link', 'set', nsIf, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    remove();
    throw new Error(
      `could not make the namespace ${name}: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
    );
  }
  return {
    name,
    hostAddress,
    cut: () => ip('link', 'set', hostIf, 'down'),
    restore: () => ip('link', 'set', hostIf, 'up'),
    spawn: (command, args, env = process.env) =>
      spawn(IP, ['netns', 'exec', name, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    remove,
  };
}

export interface Relay {
  port: number;
  close(): Promise<void>;
}

/**
 * A byte relay on the root end's address to a broker on 127.0.0.1: the broker under test stays
 * as it is, and the namespace reaches it only across the veth pair.
 */
export async function startRelay(host: string, targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const server = createServer((inbound) => {
    track(inbound);
    const outbound = track(connect(targetPort, '127.0.0.1'));
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, host, () => done());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('relay has no port');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export interface FakeTools {
  /** The directory to put first on the agent's PATH. */
  dir: string;
  /** Every call of `name`, as its argument lines. */
  calls(name: string): string[];
}

/**
 * The hardware edges of a real agent process (`cec-ctl`, `systemctl`) as scripts that only write
 * down how they were called: the agent's own code runs up to the tool.
 */
export function fakeTools(dir: string, names: string[]): FakeTools {
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const script = join(dir, name);
    writeFileSync(script, `#!/bin/sh\necho "$*" >> "${script}.calls"\necho "power status: on"\n`);
    chmodSync(script, 0o755);
  }
  return {
    dir,
    calls: (name) => {
      const file = join(dir, `${name}.calls`);
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    },
  };
}

/** The agent's JSON log lines (pino on stdout), parsed; other lines are skipped. */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line cut by the process's end.
    }
  }
  return lines;
}
