import { NEUTRAL_LANGUAGE } from './info-specs.js';

/** Where a renderer looks when a text lacks the traveller's language (issue 6: en, then vi). */
export const FALLBACK_LANGUAGES: readonly string[] = ['en', 'vi'];

/**
 * The text to show in `language`: its own, else a language-neutral one, else en, else vi, else
 * whatever there is. `fallback` says the traveller sees another language than they chose.
 */
export function textIn(
  text: Readonly<Record<string, string>>,
  language: string,
): { text: string; language: string; fallback: boolean } {
  for (const candidate of [language, NEUTRAL_LANGUAGE, ...FALLBACK_LANGUAGES, ...Object.keys(text)]) {
    const value = text[candidate];
    if (value !== undefined && value.trim() !== '') {
      const fallback = candidate !== language && candidate !== NEUTRAL_LANGUAGE;
      return { text: value, language: candidate, fallback };
    }
  }
  return { text: '', language, fallback: true };
}
