import { languageOwnName } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { missingGlyphs } from '../../../src/library/glyph-coverage.js';
import { renderTravellerPage, type TravellerLinks } from '../../../src/traveller/render-traveller.js';
import { TRAVELLER_TEXTS, textsFor } from '../../../src/traveller/traveller-texts.js';
import { chooseLanguage, fold, pick, search } from '../../../src/traveller/traveller-view.js';
import { FIXTURE_LANGUAGES, fixtureBundle } from './traveller-fixture.js';

const links: TravellerLinks = {
  page: (nodeId, language) => `/p/${nodeId ?? 'home'}/${language}`,
  image: (sha256) => `/img/${sha256}`,
  searchAction: '/s',
};

describe('the traveller page frame', () => {
  it('has every word in every gate language, each drawable by the shipped fonts', () => {
    expect(Object.keys(TRAVELLER_TEXTS).sort()).toEqual([...FIXTURE_LANGUAGES].sort());
    const keys = Object.keys(TRAVELLER_TEXTS.en ?? {}).sort();
    for (const [language, texts] of Object.entries(TRAVELLER_TEXTS)) {
      expect({ language, keys: Object.keys(texts).sort() }).toEqual({ language, keys });
      for (const text of Object.values(texts))
        expect({ language, text, missing: missingGlyphs(text) }).toEqual({ language, text, missing: [] });
    }
    // The picker names each language in its own script (the names are protocol's, tested there).
    for (const language of Object.keys(TRAVELLER_TEXTS)) expect(languageOwnName(language)).not.toBe(language);
    expect(textsFor('zh').search).toBe('搜索');
    expect(textsFor('xx').search).toBe('Search');
  });
});

describe('picking texts', () => {
  it('falls back to English, then Vietnamese, and says which language it used', () => {
    expect(pick({ th: 'ไทย', en: 'Thai' }, 'th')).toEqual({ text: 'ไทย', language: 'th' });
    expect(pick({ vi: 'Công an', en: 'Police' }, 'th')).toEqual({ text: 'Police', language: 'en' });
    expect(pick({ vi: 'Công an' }, 'th')).toEqual({ text: 'Công an', language: 'vi' });
    expect(pick({ ko: '경찰' }, 'th')).toEqual({ text: '경찰', language: 'ko' });
    expect(pick(undefined, 'th')).toBeUndefined();
    // A language-neutral text (a phone number) is the text in every language, not a fallback.
    expect(pick({ und: '113', en: 'one one three' }, 'th')).toEqual({ text: '113', language: 'th' });
  });

  it('takes the asked language when the gate has it, else the gate first language', () => {
    const bundle = fixtureBundle();
    expect(chooseLanguage(bundle, 'KM')).toBe('km');
    expect(chooseLanguage(bundle, 'de')).toBe('vi');
    expect(chooseLanguage(bundle, undefined)).toBe('vi');
  });
});

describe('search', () => {
  it('ignores Vietnamese diacritics and finds text in any language and script', () => {
    expect(fold('Thủ tục ĐƯỜNG')).toBe('thu tuc duong');
    const bundle = fixtureBundle();
    expect(search(bundle, 'thu tuc').map((node) => node.id)).toEqual(['visa']);
    expect(search(bundle, 'ຂັ້ນຕອນ').map((node) => node.id)).toEqual(['visa']);
    expect(search(bundle, 'ប៉ូលិស').map((node) => node.id)).toEqual(['emergency']);
    expect(search(bundle, '护照').map((node) => node.id)).toEqual(['visa']);
    expect(search(bundle, 'nothing like this')).toEqual([]);
    expect(search(bundle, '   ')).toEqual([]);
  });
});

describe('rendering', () => {
  const bundle = fixtureBundle();
  const node = (id: string) => bundle.nodes.find((entry) => entry.id === id)!;

  it('lists the top categories on the home page, with the picker naming each language in its own script', () => {
    const html = renderTravellerPage({
      bundle,
      gateName: 'Cat Bi',
      language: 'km',
      languages: [],
      view: { kind: 'home' },
      links,
    });
    expect(html).toContain('<html lang="km">');
    expect(html).toContain('<a href="/p/entry/km">ការចូលប្រទេស និងទិដ្ឋាការ</a>');
    expect(html).toContain('<a href="/p/emergency/km">លេខទូរស័ព្ទសង្គ្រោះបន្ទាន់</a>');
    expect(html).toContain('<a href="/p/home/lo" lang="lo" hreflang="lo">ພາສາລາວ</a>');
    expect(html).toContain('<a href="/p/home/km" lang="km" hreflang="km" aria-current="true">ភាសាខ្មែរ</a>');
    expect(html).toContain('<form role="search" method="get" action="/s">');
    expect(html).not.toContain('<script');
  });

  it('shows a page with its blocks, trail, sample mark and fallbacks marked with their language', () => {
    const html = renderTravellerPage({
      bundle,
      gateName: 'Cat Bi',
      language: 'ko',
      languages: [],
      view: { kind: 'node', node: node('visa') },
      links,
    });
    expect(html).toContain('<h1>입국 절차</h1>');
    expect(html).toContain(
      '<nav class="trail"><a href="/p/home/ko">홈</a> › <a href="/p/entry/ko">입국 및 비자</a></nav>',
    );
    expect(html).toContain(
      '<p>유효기간이 6개월 이상 남은 여권을 제시하십시오.</p><p>창구에서 신고서를 작성하십시오.</p>',
    );
    expect(html).toContain(`<img src="/img/${'a'.repeat(64)}" alt="Terminal map" loading="lazy">`);
    expect(html).toContain(
      '<p class="qr"><a href="https://evisa.xuatnhapcanh.gov.vn/" rel="noreferrer"><span lang="en">E-visa</span></a></p>',
    );
    expect(html).toContain('시에서 교체할 예시 문구입니다.');
    expect(html).toContain('한국어 번역이 아직 없어 English(으)로 표시합니다.');
  });

  it('says a page is not translated and shows English, then Vietnamese', () => {
    const html = renderTravellerPage({
      bundle,
      gateName: 'Cat Bi',
      language: 'th',
      languages: [],
      view: { kind: 'node', node: node('emergency') },
      links,
    });
    expect(html).toContain('<td><span lang="en">Police</span></td><td>113</td>');
    expect(html).toContain('<th><span lang="en">Number</span></th>');
    expect(html).toContain('ยังไม่มีฉบับไทย แสดงเป็น English');
    // The title is in Thai: the note names only what really fell back.
    expect(html).not.toContain('แสดงเป็น ไทย');
    const vi = renderTravellerPage({
      bundle: fixtureBundle({ nodes: [{ ...node('emergency'), title: { vi: 'Khẩn cấp' }, blocks: [] }] }),
      gateName: 'Cat Bi',
      language: 'ru',
      languages: [],
      view: { kind: 'home' },
      links,
    });
    expect(vi).toContain('<span lang="vi">Khẩn cấp</span>');
    expect(vi).toContain('Перевода (Русский) пока нет; показано: Tiếng Việt.');
  });

  it('escapes every text, and says when a search finds nothing', () => {
    const html = renderTravellerPage({
      bundle,
      gateName: 'Cat <Bi>',
      language: 'en',
      languages: [],
      view: { kind: 'search', query: '<script>x' },
      links,
    });
    expect(html).not.toContain('<script>x');
    expect(html).toContain('Nothing found for “&lt;script&gt;x”.');
    expect(html).toContain('Cat &lt;Bi&gt;');
    const found = renderTravellerPage({
      bundle,
      gateName: 'Cat Bi',
      language: 'vi',
      languages: [],
      view: { kind: 'search', query: 'thu tuc' },
      links,
    });
    expect(found).toContain('<a href="/p/visa/vi">Thủ tục nhập cảnh');
  });

  it('says so when the gate has published nothing yet, in the gate language', () => {
    const html = renderTravellerPage({
      bundle: undefined,
      gateName: 'Cat Bi',
      language: 'ja',
      languages: ['ja', 'en'],
      view: { kind: 'home' },
      links,
    });
    expect(html).toContain('この出入国地点ではまだ情報が公開されていません。');
    expect(html).toContain('>English</a>');
  });
});
