import { describe, expect, it } from 'vitest';
import { GatecastError } from '@gatecast/protocol';
import { describeEvent } from '../../../src/events/describe-event.js';
import { decodeCursor, encodeCursor } from '../../../src/events/event-cursor.js';

const base = { id: 'event-0001', at: '2026-11-26T08:00:00.000Z' };

describe('describeEvent', () => {
  it('says what played, where, in which language and for how long', () => {
    const line = describeEvent({
      ...base,
      kind: 'proof-of-play',
      itemId: 'welcome-loop',
      zone: 'ticker',
      language: 'zh-Hans',
      startedAt: '2026-11-26T07:59:52.000Z',
      durationMs: 8_040,
    });
    expect(line).toBe('welcome-loop in ticker (zh-Hans) from 2026-11-26T07:59:52.000Z for 8s');
  });

  it('names versions, problems and agent versions', () => {
    expect(describeEvent({ ...base, kind: 'desired-applied', version: 7 })).toBe('applied v7');
    const problem = { code: 'DISK_FULL', message: 'the event queue was full' } as const;
    expect(describeEvent({ ...base, kind: 'error', problem })).toBe('DISK_FULL the event queue was full');
    expect(describeEvent({ ...base, kind: 'desired-rejected', version: null, problem })).toBe(
      'rejected v-: DISK_FULL the event queue was full',
    );
    expect(describeEvent({ ...base, kind: 'agent-started', agentVersion: '0.1.0' })).toBe(
      'agent 0.1.0 started',
    );
  });
});

describe('event cursors', () => {
  it('round-trip the time and id of the last event of a page, opaquely', () => {
    const cursor = { at: '2026-11-26T08:00:00.000Z', id: 'a|b c/é' };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it('refuse anything else with BAD_REQUEST', () => {
    for (const bad of ['', 'not-a-cursor', Buffer.from('["yesterday","x"]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(GatecastError);
      try {
        decodeCursor(bad);
      } catch (error) {
        expect((error as GatecastError).code).toBe('BAD_REQUEST');
      }
    }
  });
});
