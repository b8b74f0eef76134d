import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * The decisions of enrolment, pure: what a code looks like, whether a token still admits screens,
 * whether a request is still waiting. Effects (the store, the clock, randomness) are passed in.
 */

/** No look-alikes (0/O, 1/I/L), as pairingCodeSchema in the protocol. */
export const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const REQUEST_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const POLL_AFTER_SEC = 5;
/** A flood of requests under one token stops here; real gates have tens of screens. */
export const MAX_PENDING_PER_TOKEN = 200;
const CODE_ATTEMPTS = 20;

/** `K7MQ-42XV`: eight characters from the alphabet, `pick(n)` returns 0..n-1. */
export function generatePairingCode(pick: (n: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += PAIRING_ALPHABET[pick(PAIRING_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code no pending request uses; gives up (null) only if the space is absurdly crowded. */
export async function freshPairingCode(
  inUse: (code: string) => Promise<boolean> | boolean,
  generate: () => string = () => generatePairingCode(),
): Promise<string | null> {
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const code = generate();
    if (!(await inUse(code))) return code;
  }
  return null;
}

export const newEnrolmentToken = (): string => `gce_${randomBytes(32).toString('base64url')}`;
export const newPollToken = (): string => randomBytes(32).toString('base64url');
export const newId = (prefix: string): string => `${prefix}-${randomBytes(8).toString('hex')}`;

/** Tokens are 256-bit random values: a plain sha256 is enough to look them up without keeping them. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface TokenLifetime {
  expiresAt: string;
  revokedAt: string | null;
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(token: TokenLifetime, now: Date): TokenState {
  if (token.revokedAt !== null) return 'revoked';
  return Date.parse(token.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

export function tokenAdmits(token: TokenLifetime | undefined, now: Date): boolean {
  return token !== undefined && tokenState(token, now) === 'active';
}

export function expiresAfter(now: Date, hours: number): string {
  return new Date(now.getTime() + hours * 60 * 60 * 1000).toISOString();
}

export type RequestState = 'pending' | 'approved' | 'refused' | 'expired';

/** A pending request past its time has expired, whether or not anyone stored that yet. */
export function requestState(request: { state: RequestState; expiresAt: string }, now: Date): RequestState {
  if (request.state === 'pending' && Date.parse(request.expiresAt) <= now.getTime()) return 'expired';
  return request.state;
}
