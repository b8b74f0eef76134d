import { describe, expect, it } from 'vitest';
import { ALERT_RULES } from '../../../src/alerts/alert-types.js';
import { composeMessage, describeDuration } from '../../../src/notify/alert-message.js';
import { NOTIFY_TEXTS } from '../../../src/notify/texts/notify-texts.js';
import { sampleAlert } from './transition-fixture.js';

const context = {
  publicUrl: 'https://fleet.haiphong.example/',
  timeZone: 'Asia/Ho_Chi_Minh',
  now: new Date('2026-11-26T01:14:00Z'),
  deliveryId: 'd-1',
};

describe('alert message', () => {
  it('names gate, zone and screen, what is wrong, since when (gate time), and links the device page', () => {
    const message = composeMessage(sampleAlert(), 'en', context);
    expect(message.title).toBe('Alert · Critical: Temperature too high · Arrivals 01');
    const fields = Object.fromEntries(message.fields.map((field) => [field.label, field.value]));
    expect(fields).toMatchObject({
      Gate: 'Cat Bi International Airport',
      Zone: 'Arrivals hall',
      Screen: 'Arrivals 01 (cat-bi-arrivals-01)',
      Status: 'Open',
      Details: 'Temperature: 84 °C · Limit: 80 °C',
    });
    // 01:02 UTC is 08:02 at Cat Bi.
    expect(fields.Since).toMatch(/^26\/11\/2026, 08:02 GMT\+7 \(for 12 min\)$/);
    expect(message.link.url).toBe('https://fleet.haiphong.example/devices/cat-bi-arrivals-01');
    expect(message.color).toBe('#D32F2F');
    expect(message.text).toContain(message.link.url);
  });

  it('speaks proper Vietnamese', () => {
    const message = composeMessage(sampleAlert({ flapping: true }), 'vi', context);
    expect(message.title).toBe('Cảnh báo · Nghiêm trọng: Nhiệt độ quá cao · Arrivals 01');
    const fields = Object.fromEntries(message.fields.map((field) => [field.label, field.value]));
    expect(fields['Cửa khẩu']).toBe('Cat Bi International Airport');
    expect(fields['Khu vực']).toBe('Arrivals hall');
    expect(fields['Bắt đầu lúc']).toMatch(/08:02.*\(đã 12 phút\)$/);
    expect(fields['Trạng thái']).toBe('Đang xảy ra. Chập chờn: sự cố liên tục xuất hiện rồi biến mất');
    expect(fields['Chi tiết']).toBe('Nhiệt độ: 84 °C · Ngưỡng: 80 °C');
    expect(message.link.label).toBe('Mở trang màn hình');
  });

  it('says when an alert is escalated or resolved, in green once resolved', () => {
    const escalated = composeMessage(sampleAlert({ kind: 'escalated' }), 'en', context);
    expect(escalated.title).toMatch(/^Escalated · Critical/);
    expect(escalated.text).toContain('Status: Still not acknowledged');
    const resolved = composeMessage(
      sampleAlert({ kind: 'resolved', at: '2026-11-26T03:30:00.000Z' }),
      'vi',
      context,
    );
    expect(resolved.title).toBe('Đã khắc phục: Nhiệt độ quá cao · Arrivals 01');
    expect(resolved.text).toContain('(kéo dài 2 giờ 28 phút)');
    expect(resolved.color).toBe('#2E7D32');
  });

  it('shows facts it has no words for by their key, and booleans as yes/no', () => {
    const message = composeMessage(
      sampleAlert({ facts: { synced: false, mystery: 'x', gone: null } }),
      'en',
      context,
    );
    expect(message.fields.at(-1)?.value).toBe('Clock synchronised: no · mystery: x');
  });

  it('phrases the facts rules report: enumerated values, times at the gate, sizes', () => {
    const offline = composeMessage(
      sampleAlert({
        rule: 'offline',
        facts: { presence: 'offline', offlineSince: '2026-11-26T01:02:00.000Z', checkedAt: 'x' },
      }),
      'vi',
      context,
    );
    expect(offline.fields.at(-1)?.value).toBe(
      'Kết nối: mất kết nối · Mất kết nối từ: 08:02 GMT+7 26/11/2026',
    );
    const disk = composeMessage(
      sampleAlert({
        rule: 'disk',
        facts: { usedPercent: 93.456, thresholdPercent: 90, freeBytes: 1_234_000_000 },
      }),
      'en',
      context,
    );
    expect(disk.fields.at(-1)?.value).toBe('Disk used: 93.5% · Limit: 90% · Free space: 1.2 GB');
  });

  it('has a name for every rule in both languages, Vietnamese with its diacritics', () => {
    for (const rule of ALERT_RULES) {
      expect(NOTIFY_TEXTS.en.rules[rule]).toMatch(/\w/);
      expect(NOTIFY_TEXTS.vi.rules[rule]).toMatch(
        /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i,
      );
    }
  });

  it('phrases durations at a glance', () => {
    const en = NOTIFY_TEXTS.en;
    expect(describeDuration('2026-11-26T00:00:00Z', '2026-11-26T00:00:20Z', en)).toBe('0 min');
    expect(describeDuration('2026-11-26T00:00:00Z', '2026-11-26T03:00:00Z', en)).toBe('3 h');
    expect(describeDuration('2026-11-24T00:00:00Z', '2026-11-26T05:00:00Z', en)).toBe('2 d 5 h');
  });

  it('writes a test message that says it is one', () => {
    const message = composeMessage(sampleAlert(), 'vi', { ...context, test: true });
    expect(message.title).toBe('Tin nhắn thử từ gatecast');
    expect(message.fields).toEqual([]);
  });
});
