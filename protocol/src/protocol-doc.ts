import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';
import { TOPIC_KINDS, TOPIC_ROOT, TOPIC_RULES, TOPIC_SCHEMAS } from './topics.js';

export const GENERATED_BEGIN = '<!-- generated:begin (npm run docs:protocol) -->';
export const GENERATED_END = '<!-- generated:end -->';

/**
 * The part of docs/protocol.md that is derived from the schemas. A unit test fails when the
 * document and this rendering differ, so the document cannot drift from the code.
 */
export function renderProtocolReference(): string {
  const lines: string[] = [];
  lines.push('## Topics', '');
  lines.push(`Root: \`${TOPIC_ROOT}/{deviceId}/\``, '');
  lines.push('| topic | from | retained | QoS | max payload | what |', '|---|---|---|---|---|---|');
  for (const kind of TOPIC_KINDS) {
    const rule = TOPIC_RULES[kind];
    lines.push(
      `| \`${kind}\` | ${rule.from} | ${rule.retained ? 'yes' : 'no'} | ${rule.qos} | ${rule.maxPayloadBytes} B | ${rule.what} |`,
    );
  }
  lines.push('', '## Payloads', '');
  for (const kind of TOPIC_KINDS) {
    const schema = z.toJSONSchema(TOPIC_SCHEMAS[kind], { io: 'input', unrepresentable: 'any' });
    lines.push(`### \`${kind}\``, '', '```json', JSON.stringify(schema, readableSchema, 2), '```', '');
  }
  lines.push('## Error codes', '', '| code | HTTP | meaning |', '|---|---|---|');
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    lines.push(`| \`${code}\` | ${entry.http} | ${entry.text} |`);
  }
  return lines.join('\n');
}

/** Drops what only adds noise for a reader: the meta-schema URL and the regex behind date-time. */
function readableSchema(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (key === '$schema') return undefined;
  if (key === 'pattern' && this.format === 'date-time') return undefined;
  return value;
}

/** Replaces the generated section of a document, keeping the prose around it. */
export function spliceGeneratedSection(document: string, generated: string): string {
  const begin = document.indexOf(GENERATED_BEGIN);
  const end = document.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) throw new Error('document has no generated section markers');
  return `${document.slice(0, begin + GENERATED_BEGIN.length)}\n\n${generated}\n\n${document.slice(end)}`;
}
