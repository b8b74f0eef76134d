import { describe, expect, it } from 'vitest';
import { missingLanguages, textsOf } from '../../../src/info/info-specs.js';
import { textIn } from '../../../src/info/info-text.js';
import { STARTER_TREE } from '../../../src/info/starter-tree/starter-tree.js';
import { missingGlyphs } from '../../../src/library/glyph-coverage.js';

const GATE_LANGUAGES = ['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru', 'th'];

describe('the starter tree', () => {
  it('covers what travellers ask first, each page opening with the sample notice', () => {
    const keys = STARTER_TREE.map((node) => node.key);
    for (const key of [
      'entry-visa',
      'customs',
      'from-airport',
      'from-port',
      'emergency',
      'currency',
      'tourism',
    ]) {
      expect(keys).toContain(key);
    }
    for (const node of STARTER_TREE.filter((n) => n.kind === 'page')) {
      expect(node.spec.blocks[0]).toMatchObject({
        type: 'text',
        text: { en: 'Sample text for the city to replace.' },
      });
    }
    const parents = new Set(STARTER_TREE.filter((n) => n.kind === 'category').map((n) => n.key));
    for (const node of STARTER_TREE) if (node.parentKey !== null) expect(parents).toContain(node.parentKey);
  });

  it('draws every character with the fonts shipped on the screens', () => {
    const boxes = STARTER_TREE.flatMap((node) =>
      textsOf(node.spec).flatMap(({ where, text }) =>
        Object.entries(text).flatMap(([language, value]) =>
          missingGlyphs(value).map((char) => `${node.key} ${where} ${language}: ${char}`),
        ),
      ),
    );
    expect(boxes).toEqual([]);
  });

  it('lacks only Japanese, so the missing-translation flag shows in the demo', () => {
    for (const node of STARTER_TREE) expect(missingLanguages(node.spec, GATE_LANGUAGES)).toEqual(['ja']);
  });
});

describe('textIn', () => {
  it('falls back to en, then vi, and says so', () => {
    expect(textIn({ vi: 'Xin chào', en: 'Hello', ko: '안녕하세요' }, 'ko')).toEqual({
      text: '안녕하세요',
      language: 'ko',
      fallback: false,
    });
    expect(textIn({ vi: 'Xin chào', en: 'Hello' }, 'ja')).toEqual({
      text: 'Hello',
      language: 'en',
      fallback: true,
    });
    expect(textIn({ vi: 'Xin chào', ru: 'Привет' }, 'ja')).toEqual({
      text: 'Xin chào',
      language: 'vi',
      fallback: true,
    });
    expect(textIn({ und: '113', en: 'one one three' }, 'km')).toEqual({
      text: '113',
      language: 'und',
      fallback: false,
    });
  });
});
