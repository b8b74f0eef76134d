import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT, RunningProcess } from '../../e2e/test/support/processes.js';

/**
 * V2's screen: the image's root file system as far as first boot goes, made in seconds on this
 * machine and booted with systemd-nspawn. What it shares with the SD image: the overlay (units,
 * drop-ins, tmpfiles, the first-boot scripts), the gatecast user and groups, the first release laid
 * down by the image's own os-image/scripts/first-release.mjs, the enabled units, an empty
 * machine-id, a read-only root, a separate writable data partition and boot partition. What it
 * does not: /usr is this machine's (x86-64 Debian, its systemd and Node) instead of trixie arm64.
 */

export const NSPAWN = '/usr/bin/systemd-nspawn';
const SYSTEMD = '/usr/lib/systemd/systemd';

/** Why V2 cannot run here, or null. */
export function firstBootProblem(): string | null {
  if (process.getuid?.() !== 0) return 'systemd-nspawn needs root';
  if (!existsSync(NSPAWN)) return `no ${NSPAWN} (Debian package systemd-container)`;
  if (!existsSync(SYSTEMD)) return `no ${SYSTEMD} (Debian package systemd)`;
  if (!existsSync(join(ROOT, 'device/dist/update/install-release.js')))
    return 'device/dist missing: npm run build';
  return null;
}

/** The units customize-rootfs.sh enables, less those whose programs a test root does not have. */
const ENABLED = [
  'gatecast-agent.service',
  'opt-gatecast.mount',
  'gatecast-data.service',
  'gatecast-ssh.path',
  'gatecast-wifi.path',
];

export interface Screen {
  root: string;
  data: string;
  boot: string;
  /** nspawn's --uuid: the transient machine-id, which the agent takes as its serial off a Pi. */
  machineId: string;
}

/** Lays out the root file system, the data and boot partitions under `work`. */
export function makeScreen(work: string, machineId: string): Screen {
  const root = join(work, 'root');
  const data = join(work, 'data');
  const boot = join(work, 'boot');
  const usrExtra = join(work, 'usr-extra');
  for (const dir of [data, boot, usrExtra]) mkdirSync(dir, { recursive: true });
  for (const dir of ['etc', 'opt', 'usr', 'tmp', 'run', 'proc', 'sys', 'dev', 'root', 'home', 'srv'])
    mkdirSync(join(root, dir), { recursive: true });
  for (const dir of [
    'var/lib/gatecast',
    'var/lib/systemd',
    'var/log',
    'var/tmp',
    'var/cache',
    'boot/firmware',
  ])
    mkdirSync(join(root, dir), { recursive: true });
  for (const [link, target] of [
    ['bin', 'usr/bin'],
    ['sbin', 'usr/sbin'],
    ['lib', 'usr/lib'],
    ['lib64', 'usr/lib64'],
  ] as const)
    symlinkSync(target, join(root, link));

  // The overlay, as customize-rootfs.sh copies it; fstab stays out (no partitions to mount here:
  // nspawn binds the data and boot folders and makes the root read-only itself).
  const overlay = join(ROOT, 'os-image/overlay');
  cpSync(join(overlay, 'etc'), join(root, 'etc'), { recursive: true });
  rmSync(join(root, 'etc/fstab'));
  cpSync(join(overlay, 'usr'), usrExtra, { recursive: true });
  for (const script of readdirSync(join(usrExtra, 'local/lib/gatecast')))
    chmodSync(join(usrExtra, 'local/lib/gatecast', script), 0o755);
  // The image's Node is /usr/bin/node; where this machine's lives elsewhere, it is put there.
  if (realpathSync(process.execPath) !== '/usr/bin/node') {
    mkdirSync(join(usrExtra, 'bin'), { recursive: true });
    copyFileSync(process.execPath, join(usrExtra, 'bin/node'));
    chmodSync(join(usrExtra, 'bin/node'), 0o755);
  }

  // Accounts as customize-rootfs.sh makes them: gatecast uid 900, locked, in video/render/input.
  for (const file of ['passwd', 'group', 'shadow']) copyFileSync(`/etc/${file}`, join(root, 'etc', file));
  appendFileSync(
    join(root, 'etc/passwd'),
    'gatecast:x:900:900:gatecast screen agent:/var/lib/gatecast:/bin/bash\n',
  );
  appendFileSync(join(root, 'etc/shadow'), 'gatecast:!:20000::::::\n');
  const groups = readFileSync(join(root, 'etc/group'), 'utf8').trimEnd().split('\n');
  const withGatecast = groups.map((line) =>
    /^(video|render|input):/.test(line) ? `${line}${line.endsWith(':') ? '' : ','}gatecast` : line,
  );
  let gid = 990;
  for (const name of ['video', 'render', 'input'])
    if (!groups.some((line) => line.startsWith(`${name}:`))) withGatecast.push(`${name}:x:${gid++}:gatecast`);
  withGatecast.push('gatecast:x:900:');
  writeFileSync(join(root, 'etc/group'), `${withGatecast.join('\n')}\n`);
  writeFileSync(join(root, 'etc/os-release'), readFileSync('/etc/os-release'));
  writeFileSync(join(root, 'etc/machine-id'), '');
  symlinkSync('/usr/share/zoneinfo/Asia/Ho_Chi_Minh', join(root, 'etc/localtime'));

  // The first release, laid down by the image's own script.
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'os-image/scripts/first-release.mjs'),
      '--root',
      join(root, 'opt/gatecast'),
      '--work',
      join(work, 'release'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  execFileSync('systemctl', ['--root', root, 'enable', ...ENABLED], { stdio: 'ignore' });

  // Test-only drop-ins: no display (the player stays off, as GATECAST_PLAYER_MODE=none in the
  // end-to-end tests) and a journal kept on the host, so a failed boot can be read afterwards.
  mkdirSync(join(root, 'etc/systemd/system/gatecast-agent.service.d'), { recursive: true });
  writeFileSync(
    join(root, 'etc/systemd/system/gatecast-agent.service.d/no-display.conf'),
    '[Service]\nEnvironment=GATECAST_PLAYER_MODE=none\n',
  );
  mkdirSync(join(root, 'etc/systemd/journald.conf.d'), { recursive: true });
  writeFileSync(join(root, 'etc/systemd/journald.conf.d/zz-kept.conf'), '[Journal]\nStorage=persistent\n');
  return { root, data, boot, machineId };
}

export interface Boot {
  process: RunningProcess;
  journal: string;
  /** Halts the container (SIGTERM: systemd shuts down) and waits; SIGKILL after 30 s. */
  halt(): Promise<void>;
}

/**
 * The boot partition as the image's fstab mounts the FAT file system: everything owned by the
 * gatecast user (uid=900,gid=900,fmask=0077,dmask=0077), so the agent can read and scrub the card.
 */
export function asMountedBootPartition(screen: Screen): void {
  const walk = (path: string) => {
    chownSync(path, 900, 900);
    const info = statSync(path);
    chmodSync(path, info.isDirectory() ? 0o700 : 0o600);
    if (info.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(screen.boot);
}

/** Boots the screen with its real systemd; `name` tells this boot's journal folder apart. */
export function bootScreen(screen: Screen, work: string, name: string): Boot {
  const journal = join(work, `journal-${name}`);
  mkdirSync(journal, { recursive: true });
  const machine = `gatecast-v2-${screen.machineId.slice(0, 8)}`;
  const child = spawn(
    NSPAWN,
    [
      '--quiet',
      `--directory=${screen.root}`,
      `--machine=${machine}`,
      '--read-only',
      '--register=no',
      '--keep-unit',
      '--console=pipe',
      '--resolv-conf=off',
      '--timezone=off',
      `--uuid=${screen.machineId}`,
      `--overlay-ro=/usr:${join(work, 'usr-extra')}:/usr`,
      `--bind=${screen.data}:/var/lib/gatecast`,
      `--bind=${screen.boot}:/boot/firmware`,
      '--tmpfs=/var/log',
      '--tmpfs=/var/tmp',
      `--bind=${journal}:/var/log/journal`,
      '--boot',
    ],
    {
      // nspawn picks the cgroup layout from the host's; a hybrid host's legacy one does not boot.
      env: { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const running = new RunningProcess(child);
  return {
    process: running,
    journal,
    halt: async () => {
      if (running.running) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await running.exited;
      clearTimeout(timer);
      // nspawn leaves its (empty) propagation folder behind.
      rmSync(`/run/systemd/nspawn/propagate/${machine}`, { recursive: true, force: true });
    },
  };
}

/** One unit's lines from a boot's journal, for a failure message. */
export function journalOf(boot: Boot, unit?: string): string {
  const args = ['-D', boot.journal, '--no-pager', '-o', 'cat', ...(unit ? ['-u', unit] : [])];
  const result = spawnSync('journalctl', args, { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

/** An OpenSSH `ssh-ed25519 …` public key line, for the provision file. */
export function sshPublicKey(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

/** Every regular file under `dir` whose bytes contain `needle`. */
export function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && readFileSync(full).includes(needle)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/** Mode bits (e.g. 0o600) and owner of a file. */
export function modeOf(path: string): { mode: number; uid: number } {
  const info = statSync(path);
  return { mode: info.mode & 0o777, uid: info.uid };
}
