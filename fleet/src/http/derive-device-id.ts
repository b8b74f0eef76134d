import { randomBytes } from 'node:crypto';

const MAX_DEVICE_ID_LENGTH = 64;
/** No 0/o, 1/l: technicians read these ids off a screen and type them. */
const SUFFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const SUFFIX_LENGTH = 6;

/** `<gate>-<zone>-<suffix>`, shortened so the whole id stays a valid device id (≤ 64 characters). */
export function deriveDeviceId(gateId: string, zoneId: string, suffix: string): string {
  const room = MAX_DEVICE_ID_LENGTH - 1 - suffix.length;
  const prefix = `${gateId}-${zoneId}`.slice(0, room).replace(/-+$/, '');
  return `${prefix}-${suffix}`;
}

/** Six characters from a 32-letter alphabet: 2^30 ids per zone, unbiased. */
export function randomSuffix(bytes: Buffer = randomBytes(SUFFIX_LENGTH)): string {
  return [...bytes.subarray(0, SUFFIX_LENGTH)].map((byte) => SUFFIX_ALPHABET[byte & 31]).join('');
}
