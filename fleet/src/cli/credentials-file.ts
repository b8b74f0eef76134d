import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { CliIo } from './io.js';

/** What `gatecast login` remembers: one fleet and one API token of the signed-in user. */
export interface SavedCredentials {
  url: string;
  token: string;
  username: string;
}

export function credentialsPath(io: CliIo): string {
  const base = io.env.XDG_CONFIG_HOME || join(io.env.HOME || homedir(), '.config');
  return join(base, 'gatecast', 'credentials.json');
}

export function readCredentials(io: CliIo): SavedCredentials | undefined {
  try {
    const saved = JSON.parse(readFileSync(credentialsPath(io), 'utf8')) as Partial<SavedCredentials>;
    if (
      typeof saved.url === 'string' &&
      typeof saved.token === 'string' &&
      typeof saved.username === 'string'
    ) {
      return saved as SavedCredentials;
    }
  } catch {
    // Absent or unreadable: the caller falls back to other sources.
  }
  return undefined;
}

/** Mode 0600 in a 0700 directory: the token is as good as the user's password. */
export function saveCredentials(io: CliIo, credentials: SavedCredentials): string {
  const path = credentialsPath(io);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
  return path;
}
