import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TOPIC_KINDS,
  ERROR_CODES,
  renderProtocolReference,
  spliceGeneratedSection,
} from '@gatecast/protocol';
import { formatMarkdown } from '../../../scripts/format-markdown.js';

describe('docs/protocol.md', () => {
  const document = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

  it('matches the schemas (run `npm run docs:protocol` after changing them)', async () => {
    const expected = await formatMarkdown(spliceGeneratedSection(document, renderProtocolReference()));
    expect(document).toBe(expected);
  });

  it('lists every topic and every error code', () => {
    for (const kind of TOPIC_KINDS) expect(document).toContain(`### \`${kind}\``);
    for (const code of Object.keys(ERROR_CODES)) expect(document).toContain(`\`${code}\``);
  });
});
