import { z } from 'zod';

export const isoTimeSchema = z.iso.datetime({ offset: true });

/** BCP 47 language tag, e.g. "vi", "en", "zh-Hans", "km". */
export const languageTagSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "vi" or "zh-Hans"');

export const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isKnownTimeZone, 'must be an IANA time zone such as "Asia/Ho_Chi_Minh"');

/** Zones already checked: building an Intl.DateTimeFormat per check dominated composing 1k documents. */
const timeZoneVerdicts = new Map<string, boolean>();

function isKnownTimeZone(zone: string): boolean {
  const known = timeZoneVerdicts.get(zone);
  if (known !== undefined) return known;
  let verdict: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    verdict = true;
  } catch {
    verdict = false;
  }
  // Bounded: time zones are few, but the text comes from payloads.
  if (timeZoneVerdicts.size < 1000) timeZoneVerdicts.set(zone, verdict);
  return verdict;
}

/** Text in several languages, keyed by language tag; at least one language. */
export const multilingualTextSchema = z
  .record(languageTagSchema, z.string().min(1).max(4000))
  .refine((texts) => Object.keys(texts).length > 0, 'needs at least one language');

export const sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, 'must be a lowercase hex sha256');

export const tagSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and "-"');

/** Correlation id for commands: MQTT 3.1.1 has no response topics, so it travels in the payload. */
export const correlationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters of [A-Za-z0-9_-]');
