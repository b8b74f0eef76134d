// Regenerates the schema-derived part of docs/protocol.md from the protocol package.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderProtocolReference, spliceGeneratedSection } from '@gatecast/protocol';
import { formatMarkdown } from './format-markdown.js';

const path = new URL('../docs/protocol.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = await formatMarkdown(spliceGeneratedSection(before, renderProtocolReference()));
writeFileSync(path, after);
console.log(before === after ? 'docs/protocol.md is up to date' : 'docs/protocol.md updated');
