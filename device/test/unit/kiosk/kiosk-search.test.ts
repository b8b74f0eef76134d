import { describe, expect, it } from 'vitest';
import { infoBundleSchema } from '@gatecast/protocol';
import { buildIndex, fold, search } from '../../../kiosk-ui/search.js';
import { gateBundle } from '../../integration/kiosk/gate-bundle.js';

const map = { url: 'https://fleet.example/m/1', sha256: 'a'.repeat(64), sizeBytes: 10 };
const index = buildIndex(gateBundle(map));
const ids = (query: string) => search(index, query).map((result) => result.nodeId);

describe('kiosk search', () => {
  it('folds Vietnamese diacritics, đ and case', () => {
    expect(fold('  Thủ   TỤC nhập cảnh ')).toBe('thu tuc nhap canh');
    expect(fold('Đà Nẵng')).toBe('da nang');
    expect(fold('ПОЕЗД Ёлка')).toBe('поезд елка');
    // Other scripts keep their letters (Hangul is recomposed after the fold).
    expect(fold('한국어')).toBe('한국어');
    expect(fold('ລົດເມ')).toBe('ລົດເມ');
  });

  it('finds "thủ tục" from "thu tuc", with or without marks and in any case', () => {
    expect(ids('thu tuc')[0]).toBe('entry-procedures');
    expect(ids('THỦ TỤC')[0]).toBe('entry-procedures');
    expect(search(index, 'thu tuc')[0]?.language).toBe('vi');
  });

  it('matches Lao, Khmer and Chinese text, which has no spaces between words, as substrings', () => {
    expect(ids('ລົດເມ')).toEqual(['airport-transport']);
    expect(search(index, 'ລົດເມ')[0]?.language).toBe('lo');
    expect(ids('ឡានក្រុង')).toEqual(['airport-transport']);
    expect(ids('公交')).toEqual(['airport-transport']);
    // Pages before their categories when both match.
    expect(ids('入境')).toEqual(['entry-procedures', 'entry']);
  });

  it('searches table cells and every term, and ranks titles first', () => {
    expect(ids('113')).toEqual(['emergency-numbers']);
    expect(ids('bus airport')).toEqual(['airport-transport']);
    expect(ids('bus xyz')).toEqual([]);
    expect(ids('   ')).toEqual([]);
    expect(ids('passport')).toEqual(['entry-procedures']);
  });

  it('case-folds Cyrillic', () => {
    const bundle = infoBundleSchema.parse({
      gateId: 'hai-phong-port',
      version: 1,
      generatedAt: '2026-11-26T08:00:00.000Z',
      languages: ['vi', 'ru'],
      nodes: [
        {
          id: 'bus',
          parentId: null,
          kind: 'page',
          order: 1,
          title: { vi: 'Xe buýt', ru: 'Автобус до центра города' },
        },
      ],
    });
    expect(search(buildIndex(bundle), 'АВТОБУС').map((result) => result.nodeId)).toEqual(['bus']);
    expect(search(buildIndex(bundle), 'центр')[0]?.language).toBe('ru');
  });
});
