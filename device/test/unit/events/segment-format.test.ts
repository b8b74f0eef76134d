import { describe, expect, it } from 'vitest';
import {
  DONE_SUFFIX,
  EVENTS_SUFFIX,
  encodeLines,
  parseDoneIds,
  parseSegment,
  segmentFileName,
  segmentSeq,
} from '../../../src/events/segment-format.js';

const event = (n: number) => ({
  id: `event-${String(n).padStart(4, '0')}`,
  payload: JSON.stringify({
    id: `event-${String(n).padStart(4, '0')}`,
    at: '2026-11-26T08:00:00.000Z',
    kind: 'proof-of-play',
    itemId: 'welcome-vi',
    zone: 'main',
    language: 'vi',
    startedAt: '2026-11-26T07:59:52.000Z',
    durationMs: 8000,
  }),
});

describe('segment file names', () => {
  it('sort by sequence number as text and read back', () => {
    const names = [10, 2, 1].map((seq) => segmentFileName(seq, EVENTS_SUFFIX)).sort();
    expect(names).toEqual(['000000000001.events', '000000000002.events', '000000000010.events']);
    expect(segmentSeq('000000000010.events', EVENTS_SUFFIX)).toBe(10);
    expect(segmentSeq('000000000010.done', DONE_SUFFIX)).toBe(10);
  });

  it('ignore anything else in the directory', () => {
    expect(segmentSeq('dropped.json', EVENTS_SUFFIX)).toBeNull();
    expect(segmentSeq('000000000001.done', EVENTS_SUFFIX)).toBeNull();
    expect(segmentSeq('.000000000001.events.tmp', EVENTS_SUFFIX)).toBeNull();
    expect(segmentSeq('abc.events', EVENTS_SUFFIX)).toBeNull();
  });
});

describe('parseSegment', () => {
  it('reads back what encodeLines wrote, in order', () => {
    const entries = [event(1), event(2), event(3)];
    expect(parseSegment(encodeLines(entries))).toEqual({ entries, torn: false, invalid: 0 });
  });

  it('reads an empty file as no events', () => {
    expect(parseSegment('')).toEqual({ entries: [], torn: false, invalid: 0 });
  });

  it('skips a torn last line (a write cut by SIGKILL) and keeps everything before it', () => {
    const text = encodeLines([event(1), event(2)]) + event(3).payload.slice(0, 40);
    expect(parseSegment(text)).toEqual({ entries: [event(1), event(2)], torn: true, invalid: 0 });
  });

  it('skips a torn line at every cut point, never throws', () => {
    const whole = encodeLines([event(1), event(2)]);
    for (let cut = 0; cut <= whole.length; cut += 1) {
      const parsed = parseSegment(whole.slice(0, cut));
      const complete = whole.slice(0, cut).split('\n').length - 1;
      expect(parsed.entries).toEqual([event(1), event(2)].slice(0, complete));
    }
  });

  it('counts and skips complete lines that are not events, and a repeated id', () => {
    const text = encodeLines([event(1)]) + '{"id":"short"}\nnot json\n' + encodeLines([event(1), event(2)]);
    expect(parseSegment(text)).toEqual({ entries: [event(1), event(2)], torn: false, invalid: 2 });
  });
});

describe('parseDoneIds', () => {
  it('reads one id per line and tolerates a torn last line', () => {
    expect(parseDoneIds('event-0001\nevent-0002\nevent-00')).toEqual(
      new Set(['event-0001', 'event-0002', 'event-00']),
    );
    expect(parseDoneIds('')).toEqual(new Set());
  });
});
