import { eventSchema } from '@gatecast/protocol';

/**
 * The on-disk format of the durable event queue, as pure functions.
 *
 * `NNNNNNNNNNNN.events`: one encoded event per line (exactly the MQTT payload), appended and
 * fsynced before the event is sent. `NNNNNNNNNNNN.done`: ids the broker acknowledged (or the bound
 * dropped), one per line, never fsynced: losing a line only sends a duplicate, which the fleet ignores.
 */
export const EVENTS_SUFFIX = '.events';
export const DONE_SUFFIX = '.done';
const SEQ_DIGITS = 12;

export interface QueuedEvent {
  id: string;
  /** The MQTT payload: one line of JSON. */
  payload: string;
}

export interface ParsedSegment {
  entries: QueuedEvent[];
  /** A last line without its newline: a write cut short by a crash. */
  torn: boolean;
  /** Complete lines that are not a valid event (bit rot, a bug); skipped, never fatal. */
  invalid: number;
}

export function segmentFileName(seq: number, suffix: string): string {
  return `${String(seq).padStart(SEQ_DIGITS, '0')}${suffix}`;
}

/** The sequence number of a queue file, or null for anything else in the directory. */
export function segmentSeq(name: string, suffix: string): number | null {
  if (!name.endsWith(suffix)) return null;
  const digits = name.slice(0, -suffix.length);
  return /^\d{1,15}$/.test(digits) ? Number(digits) : null;
}

export function encodeLines(entries: readonly QueuedEvent[]): string {
  return entries.map((entry) => `${entry.payload}\n`).join('');
}

/** Reads a segment; a torn tail or a bad line is counted and skipped, never thrown. */
export function parseSegment(text: string): ParsedSegment {
  const lines = text.split('\n');
  // After the last newline comes '' for a complete file, or the torn rest of a cut write.
  const tail = lines.pop() ?? '';
  const entries: QueuedEvent[] = [];
  let invalid = 0;
  const seen = new Set<string>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const id = eventId(line);
    if (id === null) invalid += 1;
    else if (!seen.has(id)) {
      seen.add(id);
      entries.push({ id, payload: line });
    }
  }
  return { entries, torn: tail.length > 0, invalid };
}

/** Ids in a done file; a torn last line is just an id that matches nothing. */
export function parseDoneIds(text: string): Set<string> {
  return new Set(text.split('\n').filter((line) => line.length > 0));
}

function eventId(line: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = eventSchema.safeParse(json);
  return parsed.success ? parsed.data.id : null;
}
