import { readFileSync } from 'node:fs';
import { GatecastError, releasePublicKeySchema, type ReleasePublicKey } from '@gatecast/protocol';
import { keyIdOf } from './release-keys.js';

const VARIABLE = 'GATECAST_RELEASE_KEYS';

/**
 * The keys the fleet accepts releases from (GATECAST_RELEASE_KEYS): `keyId:base64` pairs separated
 * by commas or newlines, or the path of a file holding them. Each key id must be its key's own id,
 * so a typo cannot pair a trusted name with another key.
 */
export function loadTrustedReleaseKeys(value: string | undefined): ReleasePublicKey[] {
  if (value === undefined || value.trim() === '') return [];
  const text = looksLikePairs(value) ? value : readKeyFile(value.trim());
  return parseTrustedReleaseKeys(text);
}

/** Pure: the pairs in a text; throws CONFIG_INVALID naming the bad entry. */
export function parseTrustedReleaseKeys(text: string): ReleasePublicKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  return entries.map((entry) => {
    const [keyId = '', publicKey = ''] = entry.split(':', 2).map((part) => part.trim());
    const parsed = releasePublicKeySchema.safeParse({ keyId, publicKey });
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'is invalid';
      throw new GatecastError('CONFIG_INVALID', `${VARIABLE}: ${JSON.stringify(entry)}: ${reason}`);
    }
    const actual = keyIdOf(Buffer.from(parsed.data.publicKey, 'base64'));
    if (actual !== parsed.data.keyId) {
      throw new GatecastError(
        'CONFIG_INVALID',
        `${VARIABLE}: key id ${parsed.data.keyId} does not belong to its public key (its id is ${actual})`,
      );
    }
    return parsed.data;
  });
}

function looksLikePairs(value: string): boolean {
  return /^\s*[0-9a-f]{16}\s*:/.test(value);
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new GatecastError(
      'CONFIG_INVALID',
      `${VARIABLE}: neither keyId:publicKey pairs nor a readable file (${path}: ${code})`,
    );
  }
}
