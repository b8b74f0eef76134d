/**
 * "Welcome to Hai Phong" in the languages of the city's gates: what a screen shows before an
 * operator has scheduled anything, so a new screen is never blank.
 */
export const WELCOME_TO_HAI_PHONG: Readonly<Record<string, string>> = {
  vi: 'Chào mừng đến với Hải Phòng',
  en: 'Welcome to Hai Phong',
  'zh-Hans': '欢迎来到海防',
  lo: 'ຍິນດີຕ້ອນຮັບສູ່ໄຮຟອງ',
  km: 'សូមស្វាគមន៍មកកាន់ហៃផុង',
  ko: '하이퐁에 오신 것을 환영합니다',
  ja: 'ハイフォンへようこそ',
  ru: 'Добро пожаловать в Хайфон',
};

/** The welcome text restricted to `languages`; English when none of them has a translation. */
export function welcomeText(languages: readonly string[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const language of languages) {
    const text = WELCOME_TO_HAI_PHONG[language];
    if (text !== undefined) texts[language] = text;
  }
  return Object.keys(texts).length > 0 ? texts : { en: WELCOME_TO_HAI_PHONG.en as string };
}
