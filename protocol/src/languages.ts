/**
 * Each language of the gates named in its own script, as pickers show it (counter tablet,
 * traveller page). The kiosk keeps a plain-browser copy in device/kiosk-ui/strings.js; a unit
 * test (device/test/unit/kiosk/kiosk-language-names.test.ts) keeps the two equal.
 */
export const LANGUAGE_OWN_NAMES: Readonly<Record<string, string>> = {
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
export function languageOwnName(language: string): string {
  return LANGUAGE_OWN_NAMES[language] ?? language;
}
