import { GatecastError } from '@gatecast/protocol';

/**
 * tus `Upload-Metadata`: comma-separated `key base64value` pairs (a key alone means an empty
 * value). BAD_REQUEST for a malformed header, so a client bug is named rather than guessed at.
 */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (header === undefined || header.trim() === '') return metadata;
  for (const pair of header.split(',')) {
    const [key = '', value, extra] = pair.trim().split(' ');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key) || extra !== undefined) {
      throw new GatecastError('BAD_REQUEST', `Upload-Metadata: "${pair.trim()}" is not "key base64value"`);
    }
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      throw new GatecastError('BAD_REQUEST', `Upload-Metadata: the value of ${key} is not base64`);
    }
    metadata[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return metadata;
}

/** The header value for a metadata record, as clients send it. */
export function formatUploadMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}
