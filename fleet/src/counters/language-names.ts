/** Each language of a gate named in its own script, for the tablet's language choice. */
const NAMES: Readonly<Record<string, string>> = {
  vi: 'Tiếng Việt',
  en: 'English',
  'zh-Hans': '中文',
  lo: 'ພາສາລາວ',
  km: 'ភាសាខ្មែរ',
  ko: '한국어',
  ja: '日本語',
  ru: 'Русский',
  th: 'ไทย',
  fr: 'Français',
  de: 'Deutsch',
};

/** The language's own name, or its tag when gatecast knows no name for it. */
export function ownName(language: string): string {
  return NAMES[language] ?? language;
}

export const KNOWN_LANGUAGE_NAMES = NAMES;
