import { describe, expect, it } from 'vitest';
import { languageAt, pickText, textLanguage } from '../../../src/schedule/language.js';

const languages = ['vi', 'en', 'zh-Hans', 'ko'];

describe('languageAt', () => {
  it('shows each language for rotationSec, in order, then starts again', () => {
    const start = 32_000 * 55_000_000; // in 2025, at the start of a whole cycle (4 languages × 8 s)
    const seen = [0, 7_999, 8_000, 16_000, 24_000, 31_999, 32_000].map((ms) =>
      languageAt(languages, 8, new Date(start + ms)),
    );
    expect(seen).toEqual(['vi', 'vi', 'en', 'zh-Hans', 'ko', 'ko', 'vi']);
  });

  it('depends only on the instant, so two screens side by side agree', () => {
    const now = new Date('2025-06-02T12:34:56.789Z');
    expect(languageAt([...languages], 8, new Date(now))).toBe(languageAt(languages, 8, now));
  });

  it('works before 1970 too (a clock that booted at zero minus a bit)', () => {
    expect(languages).toContain(languageAt(languages, 8, new Date(-1)));
  });

  it('with one language, always shows it; with none or a bad cadence, falls back safely', () => {
    expect(languageAt(['vi'], 8, new Date())).toBe('vi');
    expect(languageAt([], 8, new Date())).toBe('en');
    expect(languageAt(languages, 0, new Date('2025-06-02T12:00:08Z'))).toBe('vi');
    expect(languageAt(languages, 8, new Date(Number.NaN))).toBe('vi');
  });
});

describe('pickText', () => {
  const welcome = { vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong', zh: '欢迎来到海防' };

  it('uses the requested language when the item has it', () => {
    expect(pickText(welcome, 'vi')).toBe('Chào mừng đến Hải Phòng');
  });

  it('matches on the base language: zh-Hans finds zh, and zh finds zh-Hans', () => {
    expect(pickText(welcome, 'zh-Hans')).toBe('欢迎来到海防');
    expect(pickText({ 'zh-Hans': '欢迎' }, 'zh')).toBe('欢迎');
  });

  it('falls back to English, then Vietnamese, then whatever the item has', () => {
    expect(pickText(welcome, 'km')).toBe('Welcome to Hai Phong');
    expect(pickText({ vi: 'Xin chào', lo: 'ສະບາຍດີ' }, 'km')).toBe('Xin chào');
    expect(pickText({ lo: 'ສະບາຍດີ' }, 'km')).toBe('ສະບາຍດີ');
    expect(pickText({}, 'km')).toBe('');
  });

  it('takes other fallbacks when told', () => {
    expect(pickText(welcome, 'km', ['zh', 'en'])).toBe('欢迎来到海防');
  });

  it('textLanguage names the language actually shown, for proof of play', () => {
    expect(textLanguage(welcome, 'km')).toBe('en');
    expect(textLanguage(welcome, 'zh-Hans')).toBe('zh');
    expect(textLanguage({}, 'km')).toBeNull();
  });
});
