/**
 * The traveller page's own words, in the gates' languages. The information itself comes from
 * the approved tree; these are only the frame around it. Every string passes the glyph check
 * (fleet/test/unit/traveller/traveller-texts.test.ts).
 */
export interface TravellerTexts {
  search: string;
  home: string;
  /** {q}: the search text. */
  results: string;
  noResults: string;
  /** {language}: the language asked for; {fallback}: the one shown instead. */
  fallback: string;
  sample: string;
  empty: string;
  languages: string;
  notFound: string;
}

export const TRAVELLER_TEXTS: Readonly<Record<string, TravellerTexts>> = {
  vi: {
    search: 'Tìm kiếm',
    home: 'Trang chủ',
    results: 'Kết quả cho “{q}”',
    noResults: 'Không tìm thấy kết quả cho “{q}”.',
    fallback: 'Chưa có bản {language}; đang hiển thị bằng {fallback}.',
    sample: 'Văn bản mẫu, sẽ được thành phố thay thế.',
    empty: 'Cửa khẩu này chưa công bố thông tin nào.',
    languages: 'Ngôn ngữ',
    notFound: 'Không có trang này.',
  },
  en: {
    search: 'Search',
    home: 'Home',
    results: 'Results for “{q}”',
    noResults: 'Nothing found for “{q}”.',
    fallback: 'Not yet translated into {language}; shown in {fallback}.',
    sample: 'Sample text, to be replaced by the city.',
    empty: 'No information has been published for this gate yet.',
    languages: 'Language',
    notFound: 'This page does not exist.',
  },
  'zh-Hans': {
    search: '搜索',
    home: '首页',
    results: '“{q}”的搜索结果',
    noResults: '未找到与“{q}”相关的内容。',
    fallback: '尚无{language}译文，以{fallback}显示。',
    sample: '示例文本，将由市政府替换。',
    empty: '本口岸尚未发布任何信息。',
    languages: '语言',
    notFound: '此页面不存在。',
  },
  lo: {
    search: 'ຊອກຫາ',
    home: 'ໜ້າຫຼັກ',
    results: 'ຜົນການຊອກຫາ “{q}”',
    noResults: 'ບໍ່ພົບຂໍ້ມູນສຳລັບ “{q}”.',
    fallback: 'ຍັງບໍ່ມີສະບັບ {language}; ສະແດງເປັນ {fallback}.',
    sample: 'ຂໍ້ຄວາມຕົວຢ່າງ, ທາງເມືອງຈະປ່ຽນແທນ.',
    empty: 'ດ່ານນີ້ຍັງບໍ່ທັນໄດ້ເຜີຍແຜ່ຂໍ້ມູນ.',
    languages: 'ພາສາ',
    notFound: 'ບໍ່ມີໜ້ານີ້.',
  },
  km: {
    search: 'ស្វែងរក',
    home: 'ទំព័រដើម',
    results: 'លទ្ធផលសម្រាប់ “{q}”',
    noResults: 'រកមិនឃើញអ្វីសម្រាប់ “{q}” ទេ។',
    fallback: 'មិនទាន់មាន {language} នៅឡើយទេ បង្ហាញជា {fallback}។',
    sample: 'អត្ថបទគំរូ ដែលទីក្រុងនឹងជំនួស។',
    empty: 'ច្រកនេះមិនទាន់បានផ្សព្វផ្សាយព័ត៌មាននៅឡើយទេ។',
    languages: 'ភាសា',
    notFound: 'ទំព័រនេះមិនមានទេ។',
  },
  ko: {
    search: '검색',
    home: '홈',
    results: '“{q}” 검색 결과',
    noResults: '“{q}”에 대한 결과가 없습니다.',
    fallback: '{language} 번역이 아직 없어 {fallback}(으)로 표시합니다.',
    sample: '시에서 교체할 예시 문구입니다.',
    empty: '이 출입국 지점에는 아직 게시된 정보가 없습니다.',
    languages: '언어',
    notFound: '이 페이지는 없습니다.',
  },
  ja: {
    search: '検索',
    home: 'ホーム',
    results: '「{q}」の検索結果',
    noResults: '「{q}」に一致する情報はありません。',
    fallback: '{language}の翻訳はまだありません。{fallback}で表示しています。',
    sample: 'サンプル文です。市が差し替えます。',
    empty: 'この出入国地点ではまだ情報が公開されていません。',
    languages: '言語',
    notFound: 'このページは存在しません。',
  },
  ru: {
    search: 'Поиск',
    home: 'Главная',
    results: 'Результаты по запросу «{q}»',
    noResults: 'По запросу «{q}» ничего не найдено.',
    fallback: 'Перевода ({language}) пока нет; показано: {fallback}.',
    sample: 'Пример текста, город заменит его.',
    empty: 'Для этого пункта пропуска информация ещё не опубликована.',
    languages: 'Язык',
    notFound: 'Такой страницы нет.',
  },
  th: {
    search: 'ค้นหา',
    home: 'หน้าแรก',
    results: 'ผลการค้นหา “{q}”',
    noResults: 'ไม่พบข้อมูลสำหรับ “{q}”',
    fallback: 'ยังไม่มีฉบับ{language} แสดงเป็น {fallback}',
    sample: 'ข้อความตัวอย่าง ทางเมืองจะนำมาแทนที่',
    empty: 'ด่านนี้ยังไม่ได้เผยแพร่ข้อมูล',
    languages: 'ภาษา',
    notFound: 'ไม่มีหน้านี้',
  },
};

/** The frame's words for a language: exact, same base language, else English. */
export function textsFor(language: string): TravellerTexts {
  const exact = TRAVELLER_TEXTS[language];
  if (exact) return exact;
  const base = language.toLowerCase().split('-')[0];
  const same = Object.entries(TRAVELLER_TEXTS).find(([key]) => key.toLowerCase().split('-')[0] === base);
  return same?.[1] ?? (TRAVELLER_TEXTS.en as TravellerTexts);
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
