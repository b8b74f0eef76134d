// Vietnamese input on the on-screen keyboard: the five tone keys put their mark on the last vowel
// of the word being typed ("tuc" + nặng → "tục"); the same key again takes it off. Pure.

/** The tone marks, as combining characters: sắc, huyền, hỏi, ngã, nặng. */
export const TONES = {
  acute: '\u0301',
  grave: '\u0300',
  hook: '\u0309',
  tilde: '\u0303',
  dot: '\u0323',
};
const TONE_MARKS = new Set(Object.values(TONES));
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/**
 * The text with `mark` on the vowel of its last word that takes the tone, by the usual rule: a
 * vowel with a hat, breve or horn (the last of them: "ươ" → "ờ"); else the last vowel when a
 * consonant follows ("tuc" → "tục"); else of two vowels the first ("mua" → "múa"), of three the
 * middle; "qu" and "gi" count as consonants. The same mark again takes it off.
 */
export function applyTone(text, mark) {
  const chars = [...text];
  let end = chars.length;
  while (end > 0 && !/\s/.test(chars[end - 1])) end--;
  const word = chars.slice(end);
  const target = toneIndex(word);
  if (target === null) return text;
  const parts = [...word[target].normalize('NFD')];
  const had = parts.find((part) => TONE_MARKS.has(part));
  const kept = parts.filter((part) => !TONE_MARKS.has(part));
  word[target] = (had === mark ? kept : [...kept, mark]).join('').normalize('NFC');
  return [...chars.slice(0, end), ...word].join('');
}

function baseOf(char) {
  return char.normalize('NFD')[0]?.toLowerCase() ?? '';
}

function modified(char) {
  return /[\u0302\u0306\u031b]/.test(char.normalize('NFD'));
}

/** Which letter of `word` carries the tone, or null when it has no vowel. */
function toneIndex(word) {
  let last = word.length - 1;
  while (last >= 0 && !VOWELS.has(baseOf(word[last]))) last--;
  if (last < 0) return null;
  let first = last;
  while (first > 0 && VOWELS.has(baseOf(word[first - 1]))) first--;
  const before = first > 0 ? baseOf(word[first - 1]) : '';
  if (
    last > first &&
    ((before === 'q' && baseOf(word[first]) === 'u') || (before === 'g' && baseOf(word[first]) === 'i'))
  ) {
    first++;
  }
  for (let index = last; index >= first; index--) if (modified(word[index])) return index;
  if (last < word.length - 1) return last;
  const size = last - first + 1;
  if (size === 3) return first + 1;
  return first;
}
