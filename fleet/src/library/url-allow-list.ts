import { GatecastError } from '@gatecast/protocol';

/**
 * One entry of a gate's web allow-list: an origin (`https://www.haiphong.gov.vn`, optionally with
 * a port) or a host wildcard (`https://*.haiphong.gov.vn`, any subdomain, not the bare domain).
 */
export interface AllowListEntry {
  scheme: 'http' | 'https';
  /** Lower-case host without the `*.` of a wildcard. */
  host: string;
  wildcard: boolean;
  /** The port as written, or the scheme's default. */
  port: string;
}

const ENTRY = /^(https?):\/\/(\*\.)?([a-z0-9.-]+)(?::(\d{1,5}))?\/?$/;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Parses an allow-list entry; BAD_REQUEST naming what is wrong with it. */
export function parseAllowListEntry(text: string): AllowListEntry {
  const lower = text.trim().toLowerCase();
  const match = ENTRY.exec(lower);
  const refuse = (why: string) => new GatecastError('BAD_REQUEST', `web allow-list entry "${text}": ${why}`);
  if (!match) {
    throw refuse(
      'write an origin like https://www.haiphong.gov.vn or a wildcard like https://*.haiphong.gov.vn',
    );
  }
  const [, scheme = 'https', star, host = '', port] = match;
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) throw refuse('the host name is not valid');
  // A wildcard over a top-level domain alone (https://*.vn) would allow half a country.
  if (star && labels.length < 2) throw refuse('a wildcard needs at least a domain and its suffix');
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    throw refuse('the port is out of range');
  return {
    scheme: scheme as 'http' | 'https',
    host,
    wildcard: star !== undefined,
    port: port ?? (DEFAULT_PORTS[scheme] as string),
  };
}

/** The entry written back in one canonical form, e.g. `https://*.haiphong.gov.vn`. */
export function formatAllowListEntry(entry: AllowListEntry): string {
  const port = entry.port === DEFAULT_PORTS[entry.scheme] ? '' : `:${entry.port}`;
  return `${entry.scheme}://${entry.wildcard ? '*.' : ''}${entry.host}${port}`;
}

/** Canonical, de-duplicated entries; BAD_REQUEST for the first invalid one. */
export function normaliseAllowList(entries: readonly string[]): string[] {
  return [...new Set(entries.map((entry) => formatAllowListEntry(parseAllowListEntry(entry))))];
}

/**
 * True when a web item's URL may be shown under the allow-list. Only http and https; no
 * credentials in the URL (`https://www.haiphong.gov.vn@evil.example` names evil.example as host,
 * and a URL with userinfo is refused outright: it only ever serves to mislead a reader); hosts
 * are compared after the WHATWG URL parser has normalised them (case, IDN, trailing dot).
 */
export function isUrlAllowed(url: string, allowList: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  const scheme = parsed.protocol.slice(0, -1);
  const host = parsed.hostname.replace(/\.$/, '');
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : parsed.port;
  return allowList.some((text) => {
    let entry: AllowListEntry;
    try {
      entry = parseAllowListEntry(text);
    } catch {
      return false;
    }
    if (entry.scheme !== scheme || entry.port !== port) return false;
    return entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host;
  });
}

/** BAD_REQUEST unless the URL is allowed; for content that accepts a web item for a gate. */
export function assertUrlAllowed(url: string, allowList: readonly string[], gateId: string): void {
  if (isUrlAllowed(url, allowList)) return;
  throw new GatecastError(
    'CONTENT_REFUSED',
    `web page ${url} is not on the web allow-list of gate ${gateId}` +
      (allowList.length === 0 ? ' (the list is empty)' : ` (allowed: ${allowList.join(', ')})`),
  );
}
