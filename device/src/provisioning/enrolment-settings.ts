import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import {
  enrolmentRequestCreatedSchema,
  enrolmentTokenSchema,
  releasePublicKeySchema,
  slugSchema,
} from '@gatecast/protocol';
import { writeFileAtomic } from './write-file.js';

/** `<dataDir>/enrolment.json`: what first boot took from a zero-touch provision file. */
export const enrolmentSettingsSchema = z.object({
  fleetUrl: z.url({ protocol: /^https?$/ }),
  token: enrolmentTokenSchema,
  gateId: slugSchema.optional(),
  zoneId: slugSchema.optional(),
  caFile: z.string().min(1).optional(),
  releasePublicKeys: z.array(releasePublicKeySchema).max(8).default([]),
});
export type EnrolmentSettings = z.input<typeof enrolmentSettingsSchema>;

/** `<dataDir>/enrolment-request.json`: the pending request, so a reboot keeps its pairing code. */
export const savedRequestSchema = enrolmentRequestCreatedSchema.extend({
  /** The token it was made with: a new token means a new request. */
  token: enrolmentTokenSchema,
});
export type SavedRequest = z.infer<typeof savedRequestSchema>;

/** Reads a small JSON state file; null when it is missing or not what the schema says. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

export async function removeFiles(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}
