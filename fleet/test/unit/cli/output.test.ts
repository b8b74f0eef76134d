import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { describeAge, printTable } from '../../../src/cli/output.js';

function capture(): { io: CliIo; out: () => string } {
  let text = '';
  const io: CliIo = { stdout: (chunk) => (text += chunk), stderr: () => {}, env: {}, cwd: '/' };
  return { io, out: () => text };
}

describe('CLI output', () => {
  it('aligns table columns to the widest cell, Vietnamese names included', () => {
    const { io, out } = capture();
    printTable(
      io,
      ['DEVICE', 'NAME'],
      [
        ['a-1', 'Sảnh đến'],
        ['b-22', 'Cổng'],
      ],
    );
    expect(out()).toBe('DEVICE  NAME\na-1     Sảnh đến\nb-22    Cổng\n');
  });

  it('prints only the header for an empty list', () => {
    const { io, out } = capture();
    printTable(io, ['GATE', 'NAME'], []);
    expect(out()).toBe('GATE  NAME\n');
  });

  it.each([
    [null, '-'],
    ['2026-11-26T07:59:30Z', '30s ago'],
    ['2026-11-26T07:55:00Z', '5m ago'],
    ['2026-11-26T05:00:00Z', '3h ago'],
    ['2026-11-20T08:00:00Z', '6d ago'],
    ['2026-11-26T08:00:10Z', '0s ago'],
  ])('describes the age of %s as %s', (iso, expected) => {
    expect(describeAge(iso, Date.parse('2026-11-26T08:00:00Z'))).toBe(expected);
  });
});
