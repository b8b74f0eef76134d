/** The UTF-8 byte order mark: without it Excel reads a CSV as the local code page and garbles Vietnamese. */
export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | null | undefined;

/**
 * RFC 4180: CRLF line ends; a field holding a comma, a quote, CR or LF is quoted, with its
 * quotes doubled. A field starting with = + - @ (or tab/CR) is prefixed with a quote mark, so a
 * spreadsheet never runs a content title as a formula (CSV injection).
 */
export function toCsv(headers: readonly string[], rows: readonly CsvCell[][]): string {
  const lines = [headers, ...rows].map((row) => row.map(csvField).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
