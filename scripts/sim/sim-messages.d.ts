// Types for sim-messages.js, for its unit test (scripts/test/unit/sim/).
export const SIM_AGENT_VERSION: string;
export const TOPIC_ROOT: string;
export function topic(deviceId: string, kind: string): string;
export function eventId(): string;
export function statusMessage(state: 'online' | 'offline', now?: Date): Record<string, unknown>;
export function reportedMessage(appliedVersion: number | null, now: Date): Record<string, unknown>;
export function telemetryMessage(
  now: Date,
  uptimeSec: number,
  random?: () => number,
): Record<string, unknown>;
export function commandResult(
  request: { id: string; name: string; expiresAt?: string },
  now: Date,
): Record<string, unknown>;
export interface SimEntry {
  id: string;
  layer: string;
  notBefore?: string;
  notAfter?: string;
  items?: Array<{ id: string; kind: string }>;
}
export function announcementEntries(
  desired: unknown,
  now: Date,
): { live: SimEntry[]; later: Array<{ entry: SimEntry; startsInMs: number }> };
export function receiptEvent(
  entry: SimEntry,
  desired: unknown,
  now: Date,
): Record<string, unknown> & { entryId: string };
