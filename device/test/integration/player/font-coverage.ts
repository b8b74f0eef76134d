import { execFileSync } from 'node:child_process';

/** Which code points each installed font family covers, from fontconfig: what a glyph check needs. */
export function fontCoverage(): Map<string, Array<[number, number]>> {
  const out = execFileSync('fc-list', ['--format', '%{family[0]}\\t%{charset}\\n'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const coverage = new Map<string, Array<[number, number]>>();
  for (const line of out.split('\n')) {
    const [family, charset] = line.split('\t');
    if (!family || !charset) continue;
    const ranges = coverage.get(family) ?? [];
    for (const range of charset.trim().split(/\s+/)) {
      const [from, to] = range.split('-');
      if (from === undefined || from === '') continue;
      ranges.push([parseInt(from, 16), parseInt(to ?? from, 16)]);
    }
    coverage.set(family, ranges);
  }
  return coverage;
}

/** The characters of `text` that none of `families` has a glyph for. */
export function missingGlyphs(
  text: string,
  families: readonly string[],
  coverage: Map<string, Array<[number, number]>>,
): string[] {
  const missing: string[] = [];
  for (const char of text) {
    if (/\s/u.test(char)) continue;
    const code = char.codePointAt(0) ?? 0;
    const found = families.some((family) =>
      (coverage.get(family) ?? []).some(([from, to]) => code >= from && code <= to),
    );
    if (!found) missing.push(char);
  }
  return missing;
}
