import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * systemd's end of NOTIFY_SOCKET: a real unix datagram socket. Node has no datagram unix sockets,
 * so perl (Essential in Debian, always there) binds it and prints each message as one line. A
 * plain recv drops the ancillary data, which closes the fd of a `BARRIER=1` as systemd does, so
 * `systemd-notify` returns at once.
 */
const RECEIVER = `
use strict; use IO::Socket::UNIX; use Socket;
$| = 1;
my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "bind: $!";
print "listening\\n";
while (1) { my $m; defined($s->recv($m, 4096)) or die "recv: $!"; $m =~ s/\\n/ /g; print "$m\\n"; }
`;

export interface NotifySocket {
  path: string;
  /** Every datagram so far, its assignments joined by spaces (systemd-notify's barriers left out). */
  messages(): string[];
  close(): Promise<void>;
}

export async function openNotifySocket(dir: string): Promise<NotifySocket> {
  const path = join(dir, 'notify.sock');
  const child: ChildProcess = spawn('perl', ['-e', RECEIVER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (out.startsWith('listening\n')) resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`notify socket receiver exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    path,
    messages: () =>
      out
        .split('\n')
        .slice(1)
        .filter((line) => line !== '' && line !== 'BARRIER=1'),
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** systemd-notify comes with systemd; CI must have it, elsewhere the test says why it skipped. */
export function systemdNotifyOrSkip(skip: (reason: string) => void): void {
  const found = spawnSync('systemd-notify', ['--version'], { stdio: 'ignore' }).status === 0;
  if (found) return;
  const reason = 'systemd-notify is not installed (Debian package systemd)';
  if (process.env.CI) throw new Error(reason);
  skip(reason);
}
