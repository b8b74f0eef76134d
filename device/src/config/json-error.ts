/**
 * V8 reports some JSON errors with a position and others with a quote of the text, which for a
 * config file may include the device secret. So the agent finds the position itself and keeps
 * only V8's reason, without any quoted text.
 */
export function describeJsonError(text: string, error: Error): string {
  const reason = error.message
    .replace(/, (?:\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '')
    .replace(/\s+/g, ' ');
  const offset = findJsonErrorOffset(text);
  if (offset === null) return `invalid JSON: ${reason}`;
  const { line, column } = lineAndColumn(text, offset);
  return `invalid JSON at line ${line} column ${column}: ${reason}`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

// JSON forbids raw control characters inside strings, so the pattern must name them.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

/** Offset of the first character that makes `text` invalid JSON, or null when it is valid. */
export function findJsonErrorOffset(text: string): number | null {
  let at = 0;
  const match = (pattern: RegExp): boolean => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (found) at += found[0].length;
    return found !== null;
  };
  const skip = (): void => void match(SPACE);
  const take = (char: string): boolean => (text[at] === char ? (at++, true) : false);

  const list = (close: string, item: () => boolean): boolean => {
    skip();
    if (take(close)) return true;
    for (;;) {
      if (!item()) return false;
      skip();
      if (take(close)) return true;
      if (!take(',')) return false;
    }
  };
  const member = (): boolean => {
    skip();
    if (!match(STRING)) return false;
    skip();
    return take(':') && value();
  };
  const value = (): boolean => {
    skip();
    if (take('{')) return list('}', member);
    if (take('[')) return list(']', value);
    return match(STRING) || match(NUMBER) || match(LITERAL);
  };

  if (!value()) return at;
  skip();
  return at < text.length ? at : null;
}
