import { describe, expect, it } from 'vitest';
import {
  describeZodError,
  deviceTopic,
  encodePayload,
  parseMessage,
  scheduleEntrySchema,
  type DesiredDocumentInput,
} from '@gatecast/protocol';

const now = '2026-11-26T08:00:00.000Z';

const validDesired: DesiredDocumentInput = {
  version: 3,
  deviceId: 'cat-bi-arr-01',
  issuedAt: now,
  device: { name: 'Arrivals hall 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall', tags: ['wall'] },
  display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en', 'zh-Hans', 'lo', 'km'] },
  content: {
    defaultItem: {
      kind: 'text',
      id: 'welcome',
      body: {
        vi: 'Chào mừng đến Hải Phòng',
        en: 'Welcome to Hai Phong',
        'zh-Hans': '欢迎来到海防',
        km: 'សូមស្វាគមន៍',
      },
    },
  },
};

describe('parseMessage', () => {
  it('accepts a valid desired document and fills defaults', () => {
    const result = parseMessage(deviceTopic('cat-bi-arr-01', 'desired'), JSON.stringify(validDesired));
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'desired') {
      expect(result.payload.version).toBe(3);
      expect(result.payload.content.defaultItem.kind).toBe('text');
      if (result.payload.content.defaultItem.kind === 'text')
        expect(result.payload.content.defaultItem.durationSec).toBe(15);
    }
  });

  it('rejects a desired document that names another device', () => {
    const result = parseMessage(deviceTopic('cat-bi-arr-02', 'desired'), JSON.stringify(validDesired));
    expect(result).toMatchObject({ ok: false, code: 'DEVICE_MISMATCH' });
  });

  it('rejects malformed JSON with the parser reason', () => {
    const result = parseMessage(deviceTopic('cat-bi-arr-01', 'status'), '{"state":');
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_JSON',
      deviceId: 'cat-bi-arr-01',
      kind: 'status',
    });
  });

  it('names the offending field of a schema-invalid payload', () => {
    const bad = { ...validDesired, display: { ...validDesired.display, timeZone: 'Mars/Olympus' } };
    const result = parseMessage(deviceTopic('cat-bi-arr-01', 'desired'), JSON.stringify(bad));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('INVALID_PAYLOAD');
      expect(result.reason).toContain('display.timeZone');
    }
  });

  it('rejects a payload over the per-topic limit before parsing it', () => {
    const result = parseMessage(
      deviceTopic('cat-bi-arr-01', 'status'),
      `{"state":"online","x":"${'a'.repeat(2000)}"}`,
    );
    expect(result).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('rejects topics outside protocol v1', () => {
    expect(parseMessage('gatecast/v1/other', '{}')).toMatchObject({ ok: false, code: 'INVALID_TOPIC' });
  });

  it('validates command requests by name and fills their defaults', () => {
    const topic = deviceTopic('cat-bi-arr-01', 'cmd/req');
    const ok = parseMessage(topic, JSON.stringify({ id: 'abcdefgh12', name: 'identify', issuedAt: now }));
    expect(ok).toMatchObject({ ok: true, payload: { name: 'identify', args: { durationSec: 30 } } });
    const unknown = parseMessage(
      topic,
      JSON.stringify({ id: 'abcdefgh12', name: 'format-disk', issuedAt: now }),
    );
    expect(unknown).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    const shortId = parseMessage(topic, JSON.stringify({ id: 'x', name: 'ping', issuedAt: now }));
    expect(shortId.ok).toBe(false);
  });

  it('accepts the last-will payload and both command result shapes', () => {
    expect(parseMessage(deviceTopic('abc', 'status'), '{"state":"offline"}').ok).toBe(true);
    const res = deviceTopic('abc', 'cmd/res');
    expect(parseMessage(res, JSON.stringify({ id: 'abcdefgh', name: 'ping', at: now, ok: true })).ok).toBe(
      true,
    );
    const failed = {
      id: 'abcdefgh',
      name: 'x',
      at: now,
      ok: false,
      problem: { code: 'UNKNOWN_COMMAND', message: 'x' },
    };
    expect(parseMessage(res, JSON.stringify(failed)).ok).toBe(true);
    const badCode = { ...failed, problem: { code: 'NOT_A_CODE', message: 'x' } };
    expect(parseMessage(res, JSON.stringify(badCode)).ok).toBe(false);
  });

  it('drops unknown fields so newer senders stay compatible', () => {
    const result = parseMessage(deviceTopic('abc', 'status'), '{"state":"online","futureField":1}');
    expect(result).toEqual({ ok: true, deviceId: 'abc', kind: 'status', payload: { state: 'online' } });
  });
});

describe('encodePayload', () => {
  it('serialises a valid payload and throws on a sender bug', () => {
    expect(JSON.parse(encodePayload('status', { state: 'online', at: now }))).toEqual({
      state: 'online',
      at: now,
    });
    expect(() => encodePayload('status', { state: 'asleep' } as never)).toThrow(
      /invalid status payload: state/,
    );
  });
});

describe('schedule entries', () => {
  const base = {
    id: 'morning',
    layer: 'operational',
    items: [{ kind: 'text', id: 't', body: { vi: 'Xin chào' } }],
  };
  const parse = (entry: object) => scheduleEntrySchema.safeParse({ ...base, ...entry });

  it('accepts an overnight window and fills the zone', () => {
    const result = parse({ timeFrom: '22:00', timeTo: '06:00', weekdays: [1, 2, 3] });
    expect(result.success && result.data.zone).toBe('main');
  });

  it.each([
    [{ dateFrom: '2026-02-30' }, 'dateFrom'],
    [{ dateFrom: '2026-12-31', dateTo: '2026-01-01' }, 'dateTo'],
    [{ notBefore: '2026-11-26T10:00:00Z', notAfter: '2026-11-26T09:00:00Z' }, 'notAfter'],
    [{ timeFrom: '24:00' }, 'timeFrom'],
    [{ weekdays: [0] }, 'weekdays'],
  ])('refuses an entry that can never play: %j', (entry, field) => {
    const result = parse(entry);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error)).toContain(field);
  });
});
