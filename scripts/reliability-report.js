// Pure parts of the reliability report: the figures a run recorded, set against the catalogue.
/** Parses the figures file (one JSON object per line); a torn last line is ignored. */
export function parseFigures(text) {
  const figures = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      figures.push(JSON.parse(line));
    } catch {
      // A worker killed mid-write leaves at most one partial line; the row then shows as missing.
    }
  }
  return figures;
}

/** One row per catalogue test: its figures joined, passed only if every figure passed. */
export function reliabilityRows(catalogue, figures) {
  return catalogue.map((row) => {
    const mine = figures.filter((figure) => figure.id === row.id);
    const seeds = mine.filter((figure) => figure.seed !== undefined).map((figure) => figure.seed);
    return {
      ...row,
      recorded: mine.length > 0,
      passed: mine.length > 0 && mine.every((figure) => figure.passed),
      figure: mine
        .map((figure) => (figure.size ? `${figure.figure} (${figure.size})` : figure.figure))
        .join('; '),
      seeds,
      mode: [...new Set(mine.map((figure) => figure.mode))].join(', '),
    };
  });
}

export function resultOf(row) {
  if (!row.recorded) return 'not run';
  return row.passed ? 'pass' : 'FAIL';
}

/** A markdown table of the rows (the doc writer formats it with prettier). */
export function reliabilityTable(rows) {
  const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    '| id | test | figure (latest run) | pass when | result |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => {
      const seeds = row.seeds.length ? ` [seed ${row.seeds.join(', ')}]` : '';
      const figure = row.recorded ? `${row.figure}${seeds}` : '—';
      return `| ${[row.id, row.test, figure, row.pass, resultOf(row)].map(cell).join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}

/** Replaces what lies between the two markers, keeping the rest of the document. */
export function replaceBetweenMarkers(document, start, end, content) {
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${start} … ${end} markers`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}
