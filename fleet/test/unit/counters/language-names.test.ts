import { describe, expect, it } from 'vitest';
import { LANGUAGE_OWN_NAMES, languageOwnName } from '@gatecast/protocol';
import { missingGlyphs } from '../../../src/library/glyph-coverage.js';

describe('language names on the counter tablet', () => {
  it('names each gate language in its own script', () => {
    expect(['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru', 'th'].map(languageOwnName)).toEqual([
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
    expect(languageOwnName('xx')).toBe('xx');
  });

  it('has no character the shipped fonts cannot draw', () => {
    for (const name of Object.values(LANGUAGE_OWN_NAMES))
      expect({ name, missing: missingGlyphs(name) }).toEqual({ name, missing: [] });
  });
});
