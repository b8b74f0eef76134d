import { describe, expect, it } from 'vitest';
import { missingGlyphs } from '../../../../fleet/src/library/glyph-coverage.js';
import { LANGUAGE_NAMES, STRINGS, languageName, t } from '../../../kiosk-ui/strings.js';
import { gateBundle } from '../../integration/kiosk/gate-bundle.js';

const GATE_LANGUAGES = ['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru', 'th'];

describe('the kiosk’s own words', () => {
  it('exist in every language of the gates, with the same keys, and name each language in its own script', () => {
    const keys = Object.keys(STRINGS.en ?? {}).sort();
    expect(keys.length).toBeGreaterThan(10);
    for (const language of GATE_LANGUAGES) {
      expect(Object.keys(STRINGS[language] ?? {}).sort(), language).toEqual(keys);
      for (const key of keys) expect(STRINGS[language]?.[key], `${language}.${key}`).not.toBe('');
    }
    expect(Object.keys(LANGUAGE_NAMES).sort()).toEqual([...GATE_LANGUAGES].sort());
    expect(languageName('km')).toBe('ភាសាខ្មែរ');
    expect(languageName('lo')).toBe('ພາສາລາວ');
    // Translations differ from the English (no untranslated copies), except where a word is shared.
    for (const language of GATE_LANGUAGES.filter((tag) => tag !== 'en')) {
      expect(t(language, 'touchToStart')).not.toBe(t('en', 'touchToStart'));
    }
    expect(t('zh', 'search')).toBe('搜索');
    expect(t('fr', 'search')).toBe('Search');
  });

  it('are drawn by the shipped fonts, as are the test bundle’s texts', () => {
    const all = [
      ...Object.values(LANGUAGE_NAMES),
      ...Object.values(STRINGS).flatMap((table) => Object.values(table)),
      '⌫ ␣ A− A+ + −',
    ].join(' ');
    expect(missingGlyphs(all)).toEqual([]);
    const bundle = gateBundle({ url: 'https://fleet.example/m', sha256: 'b'.repeat(64), sizeBytes: 1 });
    expect(missingGlyphs(JSON.stringify(bundle))).toEqual([]);
  });
});
