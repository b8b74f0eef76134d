// The agent's languageAt and pickText, for the page: the language depends on the instant alone,
// so screens side by side change language together.
const FALLBACKS = ['en', 'vi'];

export function languageAt(languages, rotationSec, nowMs) {
  const first = languages[0];
  if (first === undefined) return FALLBACKS[0];
  const periodMs = rotationSec * 1000;
  if (!Number.isFinite(nowMs) || !Number.isFinite(periodMs) || periodMs < 1) return first;
  const slot = Math.floor(nowMs / periodMs);
  const index = ((slot % languages.length) + languages.length) % languages.length;
  return languages[index] ?? first;
}

/** The key of `texts` to show for `language`: exact, same base, the fallbacks, else any. */
export function textLanguage(texts, language) {
  const keys = Object.keys(texts);
  for (const wanted of [language, ...FALLBACKS]) {
    const lower = wanted.toLowerCase();
    const exact = keys.find((key) => key.toLowerCase() === lower);
    if (exact !== undefined) return exact;
    const base = lower.split('-')[0];
    const sameBase = keys.find((key) => key.toLowerCase().split('-')[0] === base);
    if (sameBase !== undefined) return sameBase;
  }
  return keys[0] ?? null;
}

/** Milliseconds until the language next changes. */
export function msToNextLanguage(rotationSec, nowMs) {
  const periodMs = Math.max(1000, rotationSec * 1000);
  return periodMs - (nowMs % periodMs);
}
