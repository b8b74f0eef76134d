import {
  desiredSchema,
  type ContentItem,
  type DesiredDocument,
  type Layout,
  type ScheduleEntry,
} from '@gatecast/protocol';

/** A text item is enough to tell playlists apart; the schedule never looks inside items. */
export function text(id: string): ContentItem {
  return { kind: 'text', id, body: { vi: `Xin chào ${id}`, en: `Welcome ${id}` }, durationSec: 15 };
}

export type EntryInput = Partial<ScheduleEntry> & { id: string };

/** A schedule entry on `main`, filler layer, one item named after the entry, unless told otherwise. */
export function entry(fields: EntryInput): ScheduleEntry {
  return { layer: 'filler', zone: 'main', items: [text(`${fields.id}-item`)], ...fields };
}

export interface DesiredOptions {
  timeZone?: string;
  layoutKind?: Layout['kind'];
  schedule?: ScheduleEntry[];
}

/** A desired document for one screen at Cat Bi International Airport, parsed like a real one. */
export function desired(options: DesiredOptions = {}): DesiredDocument {
  const document = desiredSchema.parse({
    version: 1,
    deviceId: 'cat-bi-arr-01',
    issuedAt: '2025-06-01T00:00:00+07:00',
    device: { name: 'Arrivals hall 1', gateId: 'cat-bi', zoneId: 'arrivals' },
    display: { timeZone: options.timeZone ?? 'Asia/Ho_Chi_Minh', locale: 'vi-VN', languages: ['vi', 'en'] },
    content: {
      defaultItem: text('welcome'),
      defaultLoop: [text('map'), text('customs-rules')],
      layout: { kind: options.layoutKind ?? 'full' },
      schedule: [],
    },
  });
  // Entries go in as given, past the schema's refusals: the evaluator must stay safe with any input.
  return { ...document, content: { ...document.content, schedule: options.schedule ?? [] } };
}

export const DEFAULT_LOOP_IDS = ['welcome', 'map', 'customs-rules'];
