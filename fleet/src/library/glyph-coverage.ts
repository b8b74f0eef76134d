import { GatecastError } from '@gatecast/protocol';
import { SHIPPED_GLYPH_RANGES } from './shipped-glyphs.js';

/** Sorted, disjoint [start, end] pairs, flattened, parsed once from the generated table. */
const RANGES: readonly number[] = SHIPPED_GLYPH_RANGES.trim()
  .split(/\s+/)
  .flatMap((token) => {
    const [first = '', last = first] = token.split('-');
    return [parseInt(first, 16), parseInt(last, 16)];
  });

/**
 * Nothing to draw: spaces, line breaks, control and invisible format characters (zero-width
 * joiners, direction marks) never show as a box, whatever the font.
 */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}]$/u;

function isCovered(codePoint: number): boolean {
  let low = 0;
  let high = RANGES.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const start = RANGES[middle * 2] as number;
    const end = RANGES[middle * 2 + 1] as number;
    if (codePoint < start) high = middle - 1;
    else if (codePoint > end) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * The distinct characters of `text`, in order of first appearance, that no font shipped on the
 * screens' SD image draws (they would show as boxes). Empty when the text is fine.
 */
export function missingGlyphs(text: string): string[] {
  const missing = new Set<string>();
  for (const char of text) {
    if (INVISIBLE.test(char)) continue;
    if (!isCovered(char.codePointAt(0) as number)) missing.add(char);
  }
  return [...missing];
}

/** `U+E000` for a character: how an operator finds it in a character table. */
export function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Refuses texts (keyed by language tag) that would show boxes on a screen, naming each
 * language and its characters, e.g. `welcome text: no font on the screens draws these characters
 * (ko: "…" U+E000); they would show as boxes`.
 */
export function assertGlyphsCovered(texts: Record<string, string>, what: string): void {
  const problems: string[] = [];
  const details: Record<string, string[]> = {};
  for (const [language, text] of Object.entries(texts)) {
    const missing = missingGlyphs(text);
    if (missing.length === 0) continue;
    details[language] = missing.map(codePointLabel);
    const listed = missing.map((char) => `"${char}" ${codePointLabel(char)}`).join(', ');
    problems.push(`${language}: ${listed}`);
  }
  if (problems.length === 0) return;
  throw new GatecastError(
    'GLYPHS_MISSING',
    `${what}: no font on the screens draws these characters (${problems.join('; ')}); they would show as boxes`,
    { missing: details },
  );
}
