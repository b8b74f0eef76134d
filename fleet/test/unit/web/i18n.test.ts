import { describe, expect, it } from 'vitest';
import { en } from '../../../web/src/i18n/en.js';
import {
  DICTIONARIES,
  LANGUAGES,
  initialLanguage,
  placeholdersOf,
  translate,
} from '../../../web/src/i18n/translate.js';
import { vi } from '../../../web/src/i18n/vi.js';

/** Letters only Vietnamese uses among the two languages: ă â đ ê ô ơ ư and the tone marks. */
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/** Strings that are the same in both: the product name, units and symbols. */
const SAME_IN_BOTH = new Set(['app.name', 'health.cpu', 'compare.none']);

describe('the dashboard dictionaries', () => {
  it('have exactly the same keys in English and Vietnamese', () => {
    expect(Object.keys(vi).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty message', () => {
    for (const language of LANGUAGES) {
      for (const [key, text] of Object.entries(DICTIONARIES[language])) {
        expect({ language, key, empty: text.trim() === '' }).toEqual({ language, key, empty: false });
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect({ key, vi: placeholdersOf(vi[key]) }).toEqual({ key, vi: placeholdersOf(en[key]) });
    }
  });

  it('are really translated: Vietnamese differs from English and is written with its diacritics', () => {
    const untranslated = Object.keys(en).filter(
      (key) => !SAME_IN_BOTH.has(key) && vi[key as keyof typeof en] === en[key as keyof typeof en],
    );
    expect(untranslated).toEqual([]);
    const words = Object.entries(vi).filter(([key]) => !SAME_IN_BOTH.has(key));
    const withDiacritics = words.filter(([, text]) => VIETNAMESE.test(text));
    // Nearly every sentence of Vietnamese has a tone mark; a dictionary without them is ASCII-fied.
    expect(withDiacritics.length / words.length).toBeGreaterThan(0.9);
    expect(vi['nav.overview']).toBe('Tổng quan');
    expect(vi['state.offline']).toBe('Ngoại tuyến');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'overview.showing', { shown: 3, total: 10 })).toBe('Showing 3 of 10 screens');
    expect(translate('vi', 'overview.showing', { shown: 3, total: 10 })).toBe(
      'Đang hiển thị 3 trên 10 màn hình',
    );
    expect(translate('en', 'overview.showing', { shown: 3 })).toBe('Showing 3 of {total} screens');
  });

  it('inserts values as they are: markup in a name stays text for React to escape', () => {
    expect(translate('en', 'remove.body', { name: '<img src=x onerror=alert(1)>', id: 'x-1' })).toContain(
      '“<img src=x onerror=alert(1)>” (x-1)',
    );
    expect(translate('en', 'nav.signedInAs', { name: '{shown} $& $1' })).toBe('Signed in as {shown} $& $1');
  });
});

describe('initialLanguage', () => {
  it('keeps the remembered choice', () => {
    expect(initialLanguage('vi', ['en-GB'])).toBe('vi');
    expect(initialLanguage('en', ['vi-VN'])).toBe('en');
  });

  it('otherwise follows the browser: Vietnamese for a Vietnamese browser, English for any other', () => {
    expect(initialLanguage(null, ['vi-VN', 'en'])).toBe('vi');
    expect(initialLanguage(null, ['fr-FR', 'VI'])).toBe('vi');
    expect(initialLanguage(null, ['zh-Hans', 'en-US'])).toBe('en');
    expect(initialLanguage('klingon', [])).toBe('en');
  });
});
