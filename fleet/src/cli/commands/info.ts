import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

/** An information node as the API shows it (fleet/src/info/info-routes.ts). */
export interface InfoNodeView {
  id: string;
  gateId: string | null;
  parentId: string | null;
  kind: 'category' | 'page';
  order: number;
  title: Record<string, string>;
  summary: Record<string, string> | null;
  blocks: Array<Record<string, unknown>>;
  sample: boolean;
  state: string;
  revision: number;
  authorName: string | null;
  authorId: string;
  reviewComment: string | null;
  missing: string[];
  shown: boolean;
  updatedAt: string;
}

interface InfoBundleAnswer {
  bundle: { gateId: string; version: number; generatedAt: string; languages: string[]; nodes: unknown[] };
  ref: { url: string; sha256: string; sizeBytes: number; version: number; media: unknown[] };
}

const STEPS = ['submit', 'approve', 'reject', 'publish', 'unpublish'] as const;

interface TextOptions {
  title: string[];
  summary: string[];
  text: string[];
  blocksFile?: string;
}

/** `gatecast info …`: the information tree lookup kiosks, counters and the traveller page show. */
export function registerInfoCommands(program: Command, io: CliIo): void {
  const info = program
    .command('info')
    .description(
      'the information tree (categories and pages) for kiosks, counters and the traveller page; same approval as content',
    );

  info
    .command('list')
    .description('the nodes you may read, in tree order, with missing translations')
    .option('--gate <gate>', 'only this gate; "fleet" for fleet-wide nodes')
    .option('--state <state>', 'draft, submitted, approved, rejected or published')
    .option('--json', 'print JSON')
    .action(async (options: { gate?: string; state?: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const query = new URLSearchParams();
      if (options.gate) query.set('gate', options.gate);
      if (options.state) query.set('state', options.state);
      const suffix = query.size > 0 ? `?${query}` : '';
      const { nodes } = await callApi<{ nodes: InfoNodeView[] }>(
        target,
        'GET',
        `/api/v1/info/nodes${suffix}`,
      );
      if (options.json) return printJson(io, nodes);
      printTable(
        io,
        ['ID', 'GATE', 'KIND', 'TITLE', 'STATE', 'REV', 'SHOWN', 'MISSING', 'CHANGED'],
        inTreeOrder(nodes).map(({ node, depth }) => [
          node.id,
          node.gateId ?? 'fleet',
          node.kind,
          `${'  '.repeat(depth)}${titleOf(node)}${node.sample ? ' (sample)' : ''}`,
          node.state,
          String(node.revision),
          node.shown ? 'yes' : 'no',
          node.missing.join(',') || '-',
          describeAge(node.updatedAt),
        ]),
      );
    });

  info
    .command('show <id>')
    .description('one node: texts, blocks, review')
    .option('--json', 'print JSON (the default; kept for symmetry with other commands)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { node } = await callApi<{ node: InfoNodeView }>(target, 'GET', nodePath(id));
      printJson(io, node);
    });

  withTexts(info.command('add'))
    .description('write a category or page as a draft')
    .option('--gate <gate>', 'the gate that owns it')
    .option('--fleet', 'a fleet-wide node, shown at every gate (needs a grant on all gates)')
    .option('--kind <kind>', 'category or page', 'page')
    .option('--parent <id>', 'the category it sits in (default: the top level)')
    .option('--id <id>', 'own id (lowercase, digits, "-"); generated when left out')
    .option('--order <n>', 'position among its siblings (default: last)', toInt)
    .action(async (options: AddOptions, command: Command) => {
      if ((options.gate === undefined) === !options.fleet) {
        throw new CliError('name the owner: --gate GATE or --fleet (not both)', 2);
      }
      if (options.kind !== 'category' && options.kind !== 'page') {
        throw new CliError(`--kind must be category or page, not ${options.kind}`, 2);
      }
      if (options.title.length === 0)
        throw new CliError('a title is required: --title vi="…" --title en="…"', 2);
      const target = resolveTarget(globalsOf(command), io);
      const textBlocks = options.text.length > 0 ? [{ type: 'text', text: texts(options.text) }] : [];
      const body = {
        gateId: options.gate ?? null,
        parentId: options.parent ?? null,
        kind: options.kind,
        title: texts(options.title),
        ...(options.summary.length > 0 ? { summary: texts(options.summary) } : {}),
        blocks: options.blocksFile ? readBlocks(io, options.blocksFile) : textBlocks,
        ...(options.id ? { id: options.id } : {}),
        ...(options.order === undefined ? {} : { order: options.order }),
      };
      const { node } = await callApi<{ node: InfoNodeView }>(target, 'POST', '/api/v1/info/nodes', body);
      if (options.json) return printJson(io, node);
      io.stdout(
        `created ${node.kind} ${node.id} (draft); submit it with "gatecast info submit ${node.id}"\n`,
      );
      if (node.missing.length > 0) io.stderr(`missing translations: ${node.missing.join(', ')}\n`);
    });

  withTexts(info.command('edit <id>'))
    .description('change a node: a new draft revision, off the screens until approved and published again')
    .option('--parent <id>', 'move it into this category')
    .option('--top', 'move it to the top level')
    .option('--order <n>', 'position among its siblings', toInt)
    .action(async (id: string, options: EditOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { node } = await callApi<{ node: InfoNodeView }>(target, 'GET', nodePath(id));
      const body: Record<string, unknown> = {};
      if (options.title.length > 0) body.title = { ...node.title, ...texts(options.title) };
      if (options.summary.length > 0) body.summary = { ...(node.summary ?? {}), ...texts(options.summary) };
      if (options.blocksFile) body.blocks = readBlocks(io, options.blocksFile);
      else if (options.text.length > 0) body.blocks = withMainText(node.blocks, texts(options.text));
      if (options.parent && options.top) throw new CliError('--parent and --top exclude each other', 2);
      if (options.parent) body.parentId = options.parent;
      if (options.top) body.parentId = null;
      if (options.order !== undefined) body.order = options.order;
      if (Object.keys(body).length === 0)
        throw new CliError('nothing to change: give --title, --text, --order …', 2);
      const after = await callApi<{ node: InfoNodeView }>(target, 'PATCH', nodePath(id), body);
      if (options.json) return printJson(io, after.node);
      io.stdout(`${after.node.id} is now draft revision ${after.node.revision}; it needs approval again\n`);
    });

  for (const step of STEPS) {
    const review = step === 'approve' || step === 'reject';
    const sub = info
      .command(`${step} <id>`)
      .description(`${step} a node${review ? ' (not your own; with a comment)' : ''}`)
      .option('--json', 'print JSON');
    if (review) sub.requiredOption('--comment <text>', 'why: kept with the review and in the audit log');
    sub.action(async (id: string, options: { comment?: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const body = options.comment ? { comment: options.comment } : {};
      const { node } = await callApi<{ node: InfoNodeView }>(target, 'POST', `${nodePath(id)}/${step}`, body);
      if (options.json) return printJson(io, node);
      const shown = node.shown ? 'on the screens' : 'not on the screens';
      io.stdout(`${node.kind} ${node.id} is now ${node.state} (revision ${node.revision}, ${shown})\n`);
    });
  }

  info
    .command('rm <id>')
    .description('delete a node with nothing under it')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      await callApi(target, 'DELETE', nodePath(id));
      if (options.json) return printJson(io, { removed: id });
      io.stdout(`removed ${id}\n`);
    });

  info
    .command('seed-sample')
    .description(
      'seed the starter tree (sample text for the city to replace, published) at a gate without a tree',
    )
    .requiredOption('--gate <gate>', 'the gate')
    .option('--json', 'print JSON')
    .action(async (options: { gate: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { nodes } = await callApi<{ nodes: InfoNodeView[] }>(target, 'POST', '/api/v1/info/seed-sample', {
        gateId: options.gate,
      });
      if (options.json) return printJson(io, nodes);
      io.stdout(
        `seeded ${nodes.length} sample nodes at ${options.gate}; replace their text with the city's own\n`,
      );
    });

  info
    .command('bundle')
    .description("what a gate's kiosks and counters get: the built bundle's version, size and nodes")
    .requiredOption('--gate <gate>', 'the gate')
    .option('--json', 'print JSON (the bundle and its reference)')
    .action(async (options: { gate: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const answer = await callApi<InfoBundleAnswer>(
        target,
        'GET',
        `/api/v1/info/bundle?gate=${encodeURIComponent(options.gate)}`,
      );
      if (options.json) return printJson(io, answer);
      const { bundle, ref } = answer;
      io.stdout(
        [
          `gate ${bundle.gateId}: version ${bundle.version}, ${bundle.nodes.length} nodes, ${ref.media.length} pictures`,
          `languages ${bundle.languages.join(', ')}`,
          `file ${ref.sha256} (${ref.sizeBytes} bytes), built ${bundle.generatedAt}`,
          '',
        ].join('\n'),
      );
    });
}

interface AddOptions extends TextOptions {
  gate?: string;
  fleet?: boolean;
  kind: string;
  parent?: string;
  id?: string;
  order?: number;
  json?: boolean;
}

interface EditOptions extends TextOptions {
  parent?: string;
  top?: boolean;
  order?: number;
  json?: boolean;
}

function withTexts(command: Command): Command {
  return command
    .option(
      '--title <lang=text>',
      'the title in one language, e.g. vi="Thủ tục"; repeat per language',
      collect,
      [],
    )
    .option('--summary <lang=text>', 'the line under the title; repeat per language', collect, [])
    .option('--text <lang=text>', "a page's main text in one language; repeat per language", collect, [])
    .option('--blocks-file <file>', 'all blocks as JSON (heading, text, image, table, qr); replaces --text')
    .option('--json', 'print JSON');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function toInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new CliError(`not a whole number: ${value}`, 2);
  return number;
}

/** `vi=Xin chào` options into { vi: 'Xin chào' }. */
function texts(values: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new CliError(`expected language=text, e.g. vi="Xin chào", not ${value}`, 2);
    result[value.slice(0, at).trim()] = value.slice(at + 1);
  }
  return result;
}

/** --text on edit changes the page's last text block (its main text), adding one if there is none. */
function withMainText(
  blocks: Array<Record<string, unknown>>,
  text: Record<string, string>,
): Array<Record<string, unknown>> {
  const index = blocks.map((block) => block.type).lastIndexOf('text');
  if (index < 0) return [...blocks, { type: 'text', text }];
  const block = blocks[index] as { text: Record<string, string> };
  return blocks.map((each, at) => (at === index ? { ...each, text: { ...block.text, ...text } } : each));
}

function readBlocks(io: CliIo, file: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read blocks from ${file}: ${(error as Error).message.split('\n')[0]}`, 2);
  }
  if (!Array.isArray(json)) throw new CliError(`${file} must hold a JSON array of blocks`, 2);
  return json;
}

function titleOf(node: InfoNodeView): string {
  return node.title.en ?? node.title.vi ?? Object.values(node.title)[0] ?? node.id;
}

/** Parents before children, siblings by order: the list reads like the kiosk's menu. */
function inTreeOrder(nodes: InfoNodeView[]): Array<{ node: InfoNodeView; depth: number }> {
  const ids = new Set(nodes.map((node) => node.id));
  const byParent = new Map<string | null, InfoNodeView[]>();
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), node]);
  }
  const out: Array<{ node: InfoNodeView; depth: number }> = [];
  const visit = (parent: string | null, depth: number) => {
    const siblings = (byParent.get(parent) ?? []).sort(
      (a, b) => a.order - b.order || a.id.localeCompare(b.id),
    );
    for (const node of siblings) {
      out.push({ node, depth });
      visit(node.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

export function nodePath(id: string): string {
  return `/api/v1/info/nodes/${encodeURIComponent(id)}`;
}
