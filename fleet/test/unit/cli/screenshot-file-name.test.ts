import { describe, expect, it } from 'vitest';
import { defaultFileName } from '../../../src/cli/commands/screenshot-command.js';

describe('the default screenshot file name', () => {
  it('is <id>-<UTC time>.png without characters file systems refuse', () => {
    expect(defaultFileName('cat-bi-arr-01', new Date('2026-11-26T08:05:09.123Z'))).toBe(
      'cat-bi-arr-01-20261126T080509Z.png',
    );
  });
});
