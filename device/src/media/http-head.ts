/** The parts of an HTTP/1.x response head the cache acts on. Header names are lowercase. */
export interface ResponseHead {
  status: number;
  headers: Map<string, string>;
}

/** A response head larger than this is refused rather than buffered. */
export const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Parses a response head (status line and header lines, without the blank line that ends it).
 * Repeated headers are joined with ", " as node:http does. Returns null for anything malformed.
 */
export function parseResponseHead(text: string): ResponseHead | null {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!status) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return null;
    const value = line.slice(colon + 1).trim();
    const earlier = headers.get(name);
    headers.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
  }
  return { status: Number(status[1]), headers };
}

/**
 * How many body bytes follow the head: a number, 'close' (until the server closes), or
 * 'unsupported' (a transfer coding such as chunked, or a length that is not one number).
 */
export function bodyLength(head: ResponseHead): number | 'close' | 'unsupported' {
  const coding = head.headers.get('transfer-encoding');
  if (coding !== undefined && coding.toLowerCase() !== 'identity') return 'unsupported';
  if (head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) return 0;
  const length = head.headers.get('content-length');
  if (length === undefined) return 'close';
  return /^\d{1,15}$/.test(length) ? Number(length) : 'unsupported';
}

/** A GET request for `url` that asks the server to close the connection after the response. */
export function requestHead(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`];
  const given = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (!given.has('host')) lines.push(`Host: ${url.host}`);
  // Credentials in the URL become Basic auth, as node:http does with them.
  if (url.username && !given.has('authorization')) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    lines.push(`Authorization: Basic ${Buffer.from(user).toString('base64')}`);
  }
  for (const [name, value] of Object.entries(headers)) {
    // A header cannot smuggle a second line into the request.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(value))
      throw new Error(`invalid request header ${JSON.stringify(name)}`);
    if (name.toLowerCase() !== 'connection') lines.push(`${name}: ${value}`);
  }
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}
