import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../reliability-catalogue.js';
import {
  parseFigures,
  reliabilityRows,
  reliabilityTable,
  replaceBetweenMarkers,
  resultOf,
} from '../../../reliability-report.js';

const figure = (id: string, passed: boolean, extra: object = {}) => ({
  id,
  figure: `${id} figure`,
  pass: 'rule',
  passed,
  mode: 'short',
  at: '2026-11-26T00:00:00.000Z',
  ...extra,
});

describe('the reliability report', () => {
  it('lists every catalogue id once, in groups S F U P W N K V', () => {
    const ids = CATALOGUE.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...new Set(CATALOGUE.map((row) => row.group))]).toEqual(['S', 'F', 'U', 'P', 'W', 'N', 'K', 'V']);
  });

  it('skips a torn last line of the figures file', () => {
    const text = `${JSON.stringify(figure('S1', true))}\n{"id":"S3","fig`;
    expect(parseFigures(text).map((row) => row.id)).toEqual(['S1']);
  });

  it('passes a row only when every figure it recorded passed, and marks rows never run', () => {
    const rows = reliabilityRows(CATALOGUE, [
      figure('N1', true, { size: '60 s' }),
      figure('N1', false, { size: '30 min' }),
      figure('F1', true, { seed: 42 }),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(resultOf(byId.get('N1')!)).toBe('FAIL');
    expect(byId.get('N1')!.figure).toBe('N1 figure (60 s); N1 figure (30 min)');
    expect(resultOf(byId.get('F1')!)).toBe('pass');
    expect(byId.get('F1')!.seeds).toEqual([42]);
    expect(resultOf(byId.get('S1')!)).toBe('not run');
  });

  it('writes a table with the seed and escapes pipes', () => {
    const rows = reliabilityRows(
      [{ id: 'F1', group: 'F', test: 'a | b', pass: 'ok' }],
      [figure('F1', true, { seed: 7 })],
    );
    const table = reliabilityTable(rows);
    expect(table).toContain('| F1 | a \\| b | F1 figure [seed 7] | ok | pass |');
  });

  it('replaces only what lies between the markers', () => {
    const doc = 'intro\n<!-- a -->\nold\n<!-- b -->\nend\n';
    expect(replaceBetweenMarkers(doc, '<!-- a -->', '<!-- b -->', 'new')).toBe(
      'intro\n<!-- a -->\nnew\n<!-- b -->\nend\n',
    );
    expect(() => replaceBetweenMarkers('none', '<!-- a -->', '<!-- b -->', 'x')).toThrow(/markers/);
  });
});
