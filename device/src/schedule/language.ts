/** Shown when an item lacks the screen's language: the two every gatecast gate reads. */
export const TEXT_FALLBACKS: readonly string[] = ['en', 'vi'];

/**
 * Which language a multilingual item shows at `now`: each for `rotationSec`, cycling through
 * `languages`. It depends on the instant alone, so screens side by side change language together.
 */
export function languageAt(languages: readonly string[], rotationSec: number, now: Date): string {
  const first = languages[0];
  if (first === undefined) return TEXT_FALLBACKS[0] ?? 'en';
  const periodMs = rotationSec * 1000;
  const at = now.getTime();
  if (!Number.isFinite(at) || !Number.isFinite(periodMs) || periodMs < 1) return first;
  const slot = Math.floor(at / periodMs);
  const index = ((slot % languages.length) + languages.length) % languages.length;
  return languages[index] ?? first;
}

/**
 * The key of `texts` to show for `language`: that language, else one with the same base
 * (zh-Hans ↔ zh), else each fallback the same way, else any. Null only when `texts` is empty.
 * Proof of play reports this, the language actually shown.
 */
export function textLanguage(
  texts: Readonly<Record<string, string>>,
  language: string,
  fallbacks: readonly string[] = TEXT_FALLBACKS,
): string | null {
  const keys = Object.keys(texts);
  for (const wanted of [language, ...fallbacks]) {
    const found = matchKey(keys, wanted);
    if (found !== null) return found;
  }
  return keys[0] ?? null;
}

/** The text to show for `language`, with the fallbacks of `textLanguage`; '' when there is none. */
export function pickText(
  texts: Readonly<Record<string, string>>,
  language: string,
  fallbacks: readonly string[] = TEXT_FALLBACKS,
): string {
  const key = textLanguage(texts, language, fallbacks);
  return key === null ? '' : (texts[key] ?? '');
}

function matchKey(keys: readonly string[], wanted: string): string | null {
  const lower = wanted.toLowerCase();
  const exact = keys.find((key) => key.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const base = baseLanguage(lower);
  return keys.find((key) => baseLanguage(key.toLowerCase()) === base) ?? null;
}

function baseLanguage(tag: string): string {
  return tag.split('-')[0] ?? tag;
}
