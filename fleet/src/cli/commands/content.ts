import type { Command } from 'commander';
import { callApi, resolveTarget, type ApiTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

/** Work (an item, a playlist or a schedule) as the API shows it. */
export interface WorkView {
  id: string;
  type: 'item' | 'playlist' | 'schedule';
  gateId: string | null;
  name: string;
  spec: Record<string, unknown>;
  state: string;
  revision: number;
  authorName: string | null;
  reviewerName: string | null;
  reviewComment: string | null;
  updatedAt: string;
}

const STEPS = ['submit', 'approve', 'reject', 'publish', 'unpublish'] as const;

/** `gatecast content …` (items and the workflow) and `gatecast approvals` (what waits for me). */
export function registerContentCommands(program: Command, io: CliIo): void {
  const content = program
    .command('content')
    .description(
      'content items (texts, media, web pages) and their approval: draft → submitted → approved → published',
    );

  withOwner(content.command('add-text'))
    .description('write a multilingual text item as a draft')
    .requiredOption(
      '--text <lang=text>',
      'the text in one language, e.g. vi="Xin chào"; repeat per language',
      collect,
      [],
    )
    .option('--title <lang=text>', 'a title in one language; repeat per language', collect, [])
    .option('--duration <seconds>', 'how long it stays up', toInt)
    .action(async (options: OwnerOptions & TextOptions & { duration?: number }, command: Command) => {
      const spec = { kind: 'text', ...textSpec(options), ...duration(options.duration) };
      await create(io, command, 'items', options, spec);
    });

  withOwner(content.command('add-media'))
    .description('make an item of a file in the media library (gatecast media list) as a draft')
    .requiredOption('--sha256 <sha256>', 'the library file')
    .requiredOption('--kind <kind>', 'image, video or html-package')
    .option('--entry <path>', 'html-package: the page to open, default index.html')
    .option('--duration <seconds>', 'how long it stays up (a video plays to its end)', toInt)
    .action(async (options: OwnerOptions & MediaOptions, command: Command) => {
      if (!['image', 'video', 'html-package'].includes(options.kind)) {
        throw new CliError(`--kind must be image, video or html-package, not ${options.kind}`, 2);
      }
      const spec = {
        kind: options.kind,
        sha256: options.sha256,
        ...(options.entry ? { entry: options.entry } : {}),
        ...(options.kind === 'video' ? {} : duration(options.duration)),
      };
      await create(io, command, 'items', options, spec);
    });

  withOwner(content.command('add-web'))
    .description("show a web page (it must be on the gate's web allow-list) as a draft")
    // Not --url: that is the global flag naming the fleet manager, and it would take the value.
    .requiredOption('--web-url <url>', 'https://… on the allow-list of every gate it may reach')
    .option('--duration <seconds>', 'how long it stays up', toInt)
    .action(async (options: OwnerOptions & { webUrl: string; duration?: number }, command: Command) => {
      await create(io, command, 'items', options, {
        kind: 'web',
        url: options.webUrl,
        ...duration(options.duration),
      });
    });

  content
    .command('list')
    .description('list items (or playlists, schedules) the caller may read')
    .option('--type <type>', 'item, playlist or schedule', 'item')
    .option('--state <state>', 'draft, submitted, approved, rejected or published')
    .option('--gate <gate>', 'owner gate; "fleet" for fleet-wide work')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => {
      await listWork(io, command, options.type, options);
    });

  content
    .command('edit <id>')
    .description('change an item: a new draft revision, off the screens until approved and published again')
    .option('--name <name>', 'new name')
    .option('--text <lang=text>', 'text: the new body, one language per option', collect, [])
    .option('--title <lang=text>', 'text: the new title, one language per option', collect, [])
    .option('--web-url <url>', 'web: the new address')
    .option('--duration <seconds>', 'new duration', toInt)
    .option('--json', 'print JSON')
    .action(async (id: string, options: EditOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { work } = await callApi<{ work: WorkView }>(target, 'GET', workPath(id));
      const spec = { ...work.spec };
      if (options.text.length > 0 || options.title.length > 0) Object.assign(spec, textSpec(options, spec));
      if (options.webUrl) spec.url = options.webUrl;
      if (options.duration !== undefined) spec.durationSec = options.duration;
      await edit(io, target, id, { ...(options.name ? { name: options.name } : {}), spec }, options.json);
    });

  registerWorkflow(content, io);

  program
    .command('approvals')
    .description('what waits for you: work to approve or reject (never your own), approved work to publish')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const queue = await callApi<{ toReview: WorkView[]; toPublish: WorkView[] }>(
        target,
        'GET',
        '/api/v1/approvals',
      );
      if (options.json) return printJson(io, queue);
      const rows = [
        ...queue.toReview.map((work) => ['review', ...summary(work)]),
        ...queue.toPublish.map((work) => ['publish', ...summary(work)]),
      ];
      if (rows.length === 0) return io.stdout('nothing waits for you\n');
      printTable(io, ['TO', 'ID', 'TYPE', 'GATE', 'NAME', 'REV', 'AUTHOR', 'CHANGED'], rows);
    });
}

/**
 * show, submit, approve, reject, publish, unpublish and rm for a group of work (content,
 * playlists, schedules): the same workflow routes serve all three.
 */
export function registerWorkflow(group: Command, io: CliIo): void {
  group
    .command('show <id>')
    .description('one piece of work with its spec and review')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { work } = await callApi<{ work: WorkView }>(target, 'GET', workPath(id));
      if (options.json) return printJson(io, work);
      printWork(io, work);
    });

  for (const step of STEPS) {
    const review = step === 'approve' || step === 'reject';
    const sub = group.command(`${step} <id>`).description(describeStep(step)).option('--json', 'print JSON');
    if (review) sub.requiredOption('--comment <text>', 'why: kept with the review and in the audit log');
    sub.action(async (id: string, options: { comment?: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const body = options.comment ? { comment: options.comment } : {};
      const { work } = await callApi<{ work: WorkView }>(target, 'POST', `${workPath(id)}/${step}`, body);
      if (options.json) return printJson(io, work);
      io.stdout(`${work.type} ${work.id} is now ${work.state} (revision ${work.revision})\n`);
    });
  }

  group
    .command('rm <id>')
    .description('delete work nothing else uses')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      await callApi(target, 'DELETE', workPath(id));
      if (options.json) return printJson(io, { removed: id });
      io.stdout(`removed ${id}\n`);
    });
}

export interface OwnerOptions {
  gate?: string;
  fleet?: boolean;
  name: string;
  id?: string;
  json?: boolean;
}

/** --gate G or --fleet (fleet-wide), --name, --id, --json: what every "add" takes. */
export function withOwner(command: Command): Command {
  return command
    .option('--gate <gate>', 'the gate that owns it')
    .option('--fleet', 'fleet-wide work (needs a grant on all gates)')
    .requiredOption('--name <name>', 'a name for people')
    .option('--id <id>', 'own id (lowercase, digits, "-"); generated when left out')
    .option('--json', 'print JSON');
}

export async function create(
  io: CliIo,
  command: Command,
  plural: 'items' | 'playlists' | 'schedules',
  options: OwnerOptions,
  spec: Record<string, unknown>,
): Promise<void> {
  if (options.gate === undefined && !options.fleet)
    throw new CliError('name the owner: --gate GATE or --fleet', 2);
  if (options.gate !== undefined && options.fleet)
    throw new CliError('--gate and --fleet exclude each other', 2);
  const target = resolveTarget(globalsOf(command), io);
  const body = {
    gateId: options.gate ?? null,
    name: options.name,
    spec,
    ...(options.id ? { id: options.id } : {}),
  };
  const { work } = await callApi<{ work: WorkView }>(target, 'POST', `/api/v1/content/${plural}`, body);
  if (options.json) return printJson(io, work);
  io.stdout(`created ${work.type} ${work.id} (draft); submit it with "gatecast content submit ${work.id}"\n`);
}

export async function edit(
  io: CliIo,
  target: ApiTarget,
  id: string,
  body: { name?: string; spec?: Record<string, unknown> },
  json: boolean | undefined,
): Promise<void> {
  const { work } = await callApi<{ work: WorkView }>(target, 'PATCH', workPath(id), body);
  if (json) return printJson(io, work);
  io.stdout(`${work.type} ${work.id} is now draft revision ${work.revision}; it needs approval again\n`);
}

export interface ListOptions {
  state?: string;
  gate?: string;
  json?: boolean;
  type?: string;
}

export async function listWork(io: CliIo, command: Command, type: string | undefined, options: ListOptions) {
  const plural = { item: 'items', playlist: 'playlists', schedule: 'schedules' }[type ?? 'item'];
  if (!plural) throw new CliError(`--type must be item, playlist or schedule, not ${type}`, 2);
  const target = resolveTarget(globalsOf(command), io);
  const query = new URLSearchParams();
  if (options.state) query.set('state', options.state);
  if (options.gate) query.set('gate', options.gate);
  const suffix = query.size > 0 ? `?${query}` : '';
  const answer = await callApi<Record<string, WorkView[]>>(
    target,
    'GET',
    `/api/v1/content/${plural}${suffix}`,
  );
  const list = answer[plural] ?? [];
  if (options.json) return printJson(io, list);
  printTable(
    io,
    ['ID', 'TYPE', 'GATE', 'NAME', 'REV', 'AUTHOR', 'CHANGED', 'STATE'],
    list.map((work) => [...summary(work), work.state]),
  );
}

export function workPath(id: string): string {
  return `/api/v1/content/${encodeURIComponent(id)}`;
}

function summary(work: WorkView): string[] {
  return [
    work.id,
    work.spec.kind ? `${work.type}:${String(work.spec.kind)}` : work.type,
    work.gateId ?? '(fleet)',
    work.name,
    String(work.revision),
    work.authorName ?? '-',
    describeAge(work.updatedAt),
  ];
}

function printWork(io: CliIo, work: WorkView): void {
  const lines = [
    `${work.type} ${work.id}: ${work.name}`,
    `  owner:    ${work.gateId ?? 'fleet-wide'}`,
    `  state:    ${work.state}, revision ${work.revision}, by ${work.authorName ?? '-'}`,
    ...(work.reviewerName ? [`  review:   ${work.reviewerName}: ${work.reviewComment ?? ''}`] : []),
    `  spec:     ${JSON.stringify(work.spec)}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
}

function describeStep(step: (typeof STEPS)[number]): string {
  return {
    submit: 'ask for approval',
    approve: 'approve work someone else wrote (content.approve)',
    reject: 'send work back to its author (content.approve)',
    publish: 'put approved work on the screens (content.publish)',
    unpublish: 'take published work off the screens (content.publish)',
  }[step];
}

interface TextOptions {
  text: string[];
  title: string[];
}

interface MediaOptions {
  sha256: string;
  kind: string;
  entry?: string;
  duration?: number;
}

interface EditOptions extends TextOptions {
  name?: string;
  webUrl?: string;
  duration?: number;
  json?: boolean;
}

/** `vi=Xin chào` pairs into { vi: 'Xin chào' }; keeps what is not given from `current`. */
function textSpec(options: TextOptions, current: Record<string, unknown> = {}): Record<string, unknown> {
  const body = options.text.length > 0 ? languages(options.text, '--text') : current.body;
  const title = options.title.length > 0 ? languages(options.title, '--title') : current.title;
  return { body, ...(title ? { title } : {}) };
}

function languages(pairs: string[], option: string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new CliError(`${option} takes LANG=TEXT, e.g. vi="Xin chào"; got ${pair}`, 2);
    texts[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return texts;
}

function duration(seconds: number | undefined): { durationSec?: number } {
  return seconds === undefined ? {} : { durationSec: seconds };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function toInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new CliError(`expected a whole number, got ${value}`, 2);
  return number;
}
