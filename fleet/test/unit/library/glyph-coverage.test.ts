import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { assertGlyphsCovered, missingGlyphs } from '../../../src/library/glyph-coverage.js';

// What arrivals at Hai Phong read: each must draw with the fonts the SD image ships.
const COVERED: Record<string, string> = {
  vi: 'Chào mừng đến Hải Phòng! Xuất trình hộ chiếu tại quầy số 3.',
  en: 'Welcome to Hai Phong. Passports ready, please.',
  'zh-Hans': '欢迎来到海防。请准备好护照。',
  'zh-Hant': '歡迎來到海防。請準備好護照。',
  ja: '海防へようこそ。パスポートをご用意ください。',
  ko: '하이퐁에 오신 것을 환영합니다. 여권을 준비해 주세요.',
  lo: 'ຍິນດີຕ້ອນຮັບສູ່ໄຫ່ຟອງ. ກະລຸນາກຽມໜັງສືຜ່ານແດນ.',
  km: 'សូមស្វាគមន៍មកកាន់ហៃផុង។ សូមរៀបចំលិខិតឆ្លងដែន។',
  ru: 'Добро пожаловать в Хайфон! Приготовьте паспорта.',
  th: 'ยินดีต้อนรับสู่ไฮฟอง',
};

describe('missingGlyphs', () => {
  it.each(Object.entries(COVERED))('finds every character of %s covered', (_language, text) => {
    expect(missingGlyphs(text)).toEqual([]);
  });

  it('reports a private-use character, once, however often it appears', () => {
    expect(missingGlyphs('Cửa khẩu \uE000 \uE000 Hải Phòng')).toEqual(['\uE000']);
  });

  it('reports an unassigned code point and one outside the basic plane', () => {
    // U+0378 is unassigned; U+1FAE8 (an emoji) is in no shipped font: no colour emoji font on the image.
    expect(missingGlyphs('a\u0378b\u{1FAE8}')).toEqual(['\u0378', '\u{1FAE8}']);
  });

  it('ignores whitespace, line breaks, controls and invisible format characters', () => {
    expect(missingGlyphs(' \t\r\n\u00a0\u3000\u0007\u200b\u200d\u2060\ufeffOK')).toEqual([]);
  });

  it('keeps characters in order of first appearance', () => {
    expect(missingGlyphs('\uE001x\uE000\uE001')).toEqual(['\uE001', '\uE000']);
  });
});

describe('assertGlyphsCovered', () => {
  it('accepts covered texts in every language', () => {
    expect(() => assertGlyphsCovered(COVERED, 'welcome text')).not.toThrow();
  });

  it('refuses with GLYPHS_MISSING naming the language, the character and its code point', () => {
    let caught: unknown;
    try {
      assertGlyphsCovered({ vi: 'Xin chào', ko: '환영 \uE000' }, 'welcome text');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatecastError);
    const error = caught as GatecastError;
    expect(error.code).toBe('GLYPHS_MISSING');
    expect(error.message).toContain('welcome text');
    expect(error.message).toContain('ko: "\uE000" U+E000');
    expect(error.message).not.toContain('vi:');
    expect(error.details).toEqual({ missing: { ko: ['U+E000'] } });
  });

  it('names code points outside the basic plane with all their digits', () => {
    expect(() => assertGlyphsCovered({ en: '\u{F0000}' }, 'ticker')).toThrow(/U\+F0000/);
  });
});
