import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonErrorOffset, lineAndColumn } from '../../src/config/json-error.js';

describe('findJsonErrorOffset', () => {
  it('finds no error in valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        expect(findJsonErrorOffset(JSON.stringify(value, null, pretty ? 2 : 0))).toBeNull();
      }),
    );
  });

  it('agrees with JSON.parse on what is invalid', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonErrorOffset(text) === null).toBe(valid);
      }),
    );
  });

  it.each([
    ['{"a":}', 5],
    ['{"a":1,', 7],
    ['{"a":1}}', 7],
    ['', 0],
    ["{'a':1}", 1],
    ['[1, 2,, 3]', 6],
    ['{"a": tru}', 6],
    ['"\\x"', 0],
  ])('%j fails at %i', (text, offset) => {
    expect(findJsonErrorOffset(text)).toBe(offset);
  });

  it('turns offsets into 1-based line and column', () => {
    expect(lineAndColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });
});
