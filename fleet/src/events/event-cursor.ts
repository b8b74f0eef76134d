import { GatecastError } from '@gatecast/protocol';
import { z } from 'zod';

/** Where a page of events ended: the time and id of its last (oldest) event. */
export interface EventCursor {
  at: string;
  id: string;
}

const cursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

/** Opaque to callers (base64url), so the ordering key can change without breaking clients' loops. */
export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/** BAD_REQUEST for anything `encodeCursor` did not make. */
export function decodeCursor(text: string): EventCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    json = null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new GatecastError('BAD_REQUEST', 'before: not a cursor from a previous page');
  const [at, id] = parsed.data;
  return { at, id };
}
