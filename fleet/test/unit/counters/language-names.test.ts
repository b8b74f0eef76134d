import { describe, expect, it } from 'vitest';
import { KNOWN_LANGUAGE_NAMES, ownName } from '../../../src/counters/language-names.js';
import { missingGlyphs } from '../../../src/library/glyph-coverage.js';

describe('language names on the counter tablet', () => {
  it('names each gate language in its own script', () => {
    expect(['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru', 'th'].map(ownName)).toEqual([
      'Tiếng Việt',
      'English',
      '中文',
      'ພາສາລາວ',
      'ភាសាខ្មែរ',
      '한국어',
      '日本語',
      'Русский',
      'ไทย',
    ]);
    expect(ownName('xx')).toBe('xx');
  });

  it('has no character the shipped fonts cannot draw', () => {
    for (const name of Object.values(KNOWN_LANGUAGE_NAMES))
      expect({ name, missing: missingGlyphs(name) }).toEqual({ name, missing: [] });
  });
});
