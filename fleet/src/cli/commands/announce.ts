import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { callApi, resolveTarget, type ApiTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import type { AnnouncementTargets as Targets } from '../../announcements/announcement-model.js';
import type {
  AnnouncementView,
  ReceiptsViewAnswer as ReceiptsView,
  TemplateView,
} from '../../announcements/announcements-schemas.js';

interface TargetOptions {
  gate?: string[];
  zone?: string[];
  all?: boolean;
  at?: string;
  expires?: string;
  for?: string;
}

const FINAL_STATES = new Set(['expired', 'cancelled', 'rejected']);
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `gatecast announce …`: urgent announcements, their templates and receipts. */
export function registerAnnounceCommands(program: Command, io: CliIo): void {
  const announce = program
    .command('announce')
    .description('urgent announcements: fire a template, send a free text (two-person rule), receipts');
  const target = (command: Command) => resolveTarget(globalsOf(command), io);
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(target(command), method, path, body);

  withTargets(announce.command('fire'))
    .description('fire a published template at once (or --at a time) on the targeted screens')
    .requiredOption('--template <template>', 'template name or id')
    .option('--json', 'print JSON')
    .action(async (options: TargetOptions & { template: string; json?: boolean }, command: Command) => {
      const body = { template: options.template, ...targetsBody(options) };
      const fired = await api<AnnouncementView>(command, 'POST', '/api/v1/announcements/fire', body);
      if (options.json) return printJson(io, fired);
      io.stdout(`${fired.id} ${fired.state} on ${fired.targeted} screens until ${fired.expiresAt ?? '-'}\n`);
      io.stdout(`follow the receipts: gatecast announce status ${fired.id} --follow\n`);
    });

  withTargets(announce.command('send'))
    .description('a free-text announcement; another person must approve it (announce approve)')
    .option(
      '--text <lang=text>',
      'the text in one language, e.g. vi="Xin chú ý" (repeat per language)',
      collect,
    )
    .option('--title <lang=text>', 'a title in one language (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(
      async (
        options: TargetOptions & { text?: string[]; title?: string[]; json?: boolean },
        command: Command,
      ) => {
        if (!options.text?.length)
          throw new CliError('give the text with --text vi="…" (once per language)', 2);
        const title = options.title?.length ? { title: languageMap(options.title, '--title') } : {};
        const body = { ...title, body: languageMap(options.text, '--text'), ...targetsBody(options) };
        const sent = await api<AnnouncementView>(command, 'POST', '/api/v1/announcements', body);
        if (options.json) return printJson(io, sent);
        io.stdout(
          `${sent.id} awaiting approval by another person: gatecast announce approve ${sent.id} --comment "…"\n`,
        );
      },
    );

  for (const action of ['approve', 'reject'] as const) {
    announce
      .command(`${action} <id>`)
      .description(`${action} a free text written by someone else (two-person rule)`)
      .requiredOption('--comment <text>', 'why; kept in the audit log')
      .option('--json', 'print JSON')
      .action(async (id: string, options: { comment: string; json?: boolean }, command: Command) => {
        const path = `/api/v1/announcements/${encodeURIComponent(id)}/${action}`;
        const view = await api<AnnouncementView>(command, 'POST', path, { comment: options.comment });
        if (options.json) return printJson(io, view);
        io.stdout(`${view.id} ${view.state}${view.targeted ? ` on ${view.targeted} screens` : ''}\n`);
      });
  }

  announce
    .command('cancel <id>')
    .description('take an announcement off the screens now')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const view = await api<AnnouncementView>(
        command,
        'POST',
        `/api/v1/announcements/${encodeURIComponent(id)}/cancel`,
      );
      if (options.json) return printJson(io, view);
      io.stdout(`${view.id} cancelled\n`);
    });

  announce
    .command('list')
    .description('announcements, newest first')
    .option(
      '--state <states>',
      'comma-separated: awaiting-approval, scheduled, live, expired, cancelled, rejected',
    )
    .option('--json', 'print JSON')
    .action(async (options: { state?: string; json?: boolean }, command: Command) => {
      const query = options.state ? `?state=${encodeURIComponent(options.state)}` : '';
      const { announcements } = await api<{ announcements: AnnouncementView[] }>(
        command,
        'GET',
        `/api/v1/announcements${query}`,
      );
      if (options.json) return printJson(io, announcements);
      printTable(
        io,
        ['ID', 'STATE', 'TARGETS', 'SHOWN', 'BY', 'UNTIL', 'TEXT'],
        announcements.map((a) => [
          a.id,
          a.state,
          describeTargets(a.targets),
          a.targeted ? `${a.shown}/${a.targeted}` : '-',
          a.approvedByName ? `${a.createdByName}+${a.approvedByName}` : a.createdByName,
          a.expiresAt ?? '-',
          firstText(a.body),
        ]),
      );
    });

  announce
    .command('status <id>')
    .description('which targeted screens showed it; --follow watches live until all have')
    .option('--follow', 'stay and show receipts as they arrive (Ctrl-C to stop)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { follow?: boolean; json?: boolean }, command: Command) => {
      const path = `/api/v1/announcements/${encodeURIComponent(id)}/receipts`;
      const receipts = options.follow
        ? await follow(target(command), `${path}/stream`, io)
        : await api<ReceiptsView>(command, 'GET', path);
      if (options.json) return printJson(io, receipts);
      printReceipts(io, receipts);
    });

  announce
    .command('cap <file>')
    .description('send a CAP 1.2 alert (XML file) as a warning centre would; - reads standard input')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const xml = await readAlert(file, io);
      const result = await postCap(target(command), xml);
      if (options.json) return printJson(io, result);
      for (const a of result.announcements) io.stdout(`${result.outcome}: ${a.id} ${a.state}\n`);
    });

  registerTemplateCommands(announce, io, api);
}

function registerTemplateCommands(
  announce: Command,
  io: CliIo,
  api: <T>(command: Command, method: string, path: string, body?: unknown) => Promise<T>,
): void {
  const templates = announce.command('templates').description('pre-approved announcement texts');
  const path = (id: string) => `/api/v1/announcement-templates/${encodeURIComponent(id)}`;
  const show = (template: TemplateView) =>
    `${template.name} (${template.id}) ${template.state}, revision ${template.revision}`;

  templates
    .command('list')
    .description('templates and their approval state')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { templates: list } = await api<{ templates: TemplateView[] }>(
        command,
        'GET',
        '/api/v1/announcement-templates',
      );
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['NAME', 'ID', 'GATE', 'STATE', 'REV', 'AUTO-FIRE', 'TEXT'],
        list.map((t) => [
          t.name,
          t.id,
          t.gateId ?? '*',
          t.state,
          String(t.revision),
          t.autoFire ? 'yes' : 'no',
          firstText(t.body),
        ]),
      );
    });

  templates
    .command('add <name>')
    .description('write a template (a draft: submit it, another person approves, then publish)')
    .option('--text <lang=text>', 'the text in one language (repeat per language)', collect)
    .option('--title <lang=text>', 'a title in one language (repeatable)', collect)
    .option('--gate <gate>', 'only for this gate (default: every gate)')
    .option('--auto-fire', 'a CAP alert naming this template fires it at once')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        options: { text?: string[]; title?: string[]; gate?: string; autoFire?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (!options.text?.length)
          throw new CliError('give the text with --text vi="…" (once per language)', 2);
        const body = {
          name,
          gateId: options.gate ?? null,
          ...(options.title?.length ? { title: languageMap(options.title, '--title') } : {}),
          body: languageMap(options.text, '--text'),
          autoFire: options.autoFire === true,
        };
        const created = await api<TemplateView>(command, 'POST', '/api/v1/announcement-templates', body);
        if (options.json) return printJson(io, created);
        io.stdout(`${show(created)}\n`);
      },
    );

  for (const step of ['submit', 'approve', 'reject', 'publish', 'unpublish'] as const) {
    const sub = templates.command(`${step} <template>`).description(`${step} a template (name or id)`);
    if (step === 'approve' || step === 'reject')
      sub.requiredOption('--comment <text>', 'why; kept in the audit log');
    sub
      .option('--json', 'print JSON')
      .action(async (id: string, options: { comment?: string; json?: boolean }, command: Command) => {
        const body = options.comment ? { comment: options.comment } : {};
        const template = await api<TemplateView>(command, 'POST', `${path(id)}/${step}`, body);
        if (options.json) return printJson(io, template);
        io.stdout(`${show(template)}\n`);
      });
  }
}

function withTargets(command: Command): Command {
  return command
    .option('--gate <gate>', 'every screen of this gate (repeatable)', collect)
    .option('--zone <gate/zone>', 'every screen of one zone (repeatable)', collect)
    .option('--all', 'every screen of every gate (needs a fleet-wide grant)')
    .option('--at <time>', 'go live at this ISO time instead of now')
    .option('--expires <time>', 'taken off at this ISO time (default: 1 h after the start)')
    .option('--for <duration>', 'instead of --expires: how long, e.g. 30m, 2h, 1d');
}

export function targetsBody(options: TargetOptions): Record<string, unknown> {
  const targets: Targets = {};
  if (options.all) targets.all = true;
  if (options.gate?.length) targets.gates = options.gate;
  if (options.zone?.length) {
    targets.zones = options.zone.map((value) => {
      const [gateId, zoneId, extra] = value.split('/');
      if (!gateId || !zoneId || extra !== undefined)
        throw new CliError(`--zone must be gate/zone; got ${value}`, 2);
      return { gateId, zoneId };
    });
  }
  if (!targets.all && !targets.gates && !targets.zones) {
    throw new CliError('say where: --gate G, --zone G/Z (both repeatable) or --all', 2);
  }
  if (options.expires && options.for) throw new CliError('give --expires or --for, not both', 2);
  return {
    targets,
    ...(options.at ? { startAt: isoTime(options.at, '--at') } : {}),
    ...(options.expires ? { expiresAt: isoTime(options.expires, '--expires') } : {}),
    ...(options.for ? { durationSec: durationSec(options.for) } : {}),
  };
}

/** `vi=Xin chào` pairs into { vi: 'Xin chào' }. */
export function languageMap(pairs: string[], flag: string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const language = pair.slice(0, at).trim();
    const text = pair.slice(at + 1);
    if (at <= 0 || text.trim() === '')
      throw new CliError(`${flag} takes lang=text, e.g. vi="Xin chú ý"; got ${pair}`, 2);
    texts[language] = text;
  }
  return texts;
}

/** 90s, 30m, 2h, 1d. */
export function durationSec(value: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!match) throw new CliError(`--for takes a duration like 30m, 2h or 1d; got ${value}`, 2);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function isoTime(value: string, flag: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new CliError(`${flag} takes an ISO time like 2026-11-26T14:30:00+07:00; got ${value}`, 2);
  return new Date(ms).toISOString();
}

function describeTargets(targets: Targets): string {
  if (targets.all) return 'all';
  return [
    ...(targets.gates ?? []),
    ...(targets.zones ?? []).map((zone) => `${zone.gateId}/${zone.zoneId}`),
  ].join(',');
}

function firstText(texts: Record<string, string>): string {
  const text = Object.values(texts)[0] ?? '';
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function printReceipts(io: CliIo, receipts: ReceiptsView): void {
  io.stdout(
    `${receipts.announcementId} ${receipts.state}: shown on ${receipts.shown} of ${receipts.targeted} screens\n`,
  );
  printTable(
    io,
    ['SCREEN', 'GATE', 'ZONE', 'SHOWN', 'AFTER', 'LANG', 'SCREENSHOT'],
    receipts.screens.map((screen) => [
      screen.deviceId,
      screen.gateId,
      screen.zoneId,
      screen.shownAt ?? 'not yet',
      screen.secondsFromFire === null ? '-' : `${screen.secondsFromFire}s`,
      screen.language ?? '-',
      screen.screenshotSha256 ? screen.screenshotSha256.slice(0, 16) : '-',
    ]),
  );
}

/**
 * Reads the receipts stream (SSE) with a live "shown on N of M screens" line on stderr, until every
 * targeted screen has shown it, the announcement ends, or Ctrl-C. Returns the last receipts.
 */
async function follow(target: ApiTarget, path: string, io: CliIo): Promise<ReceiptsView> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let last: ReceiptsView | null = null;
  try {
    let response: Response;
    try {
      response = await fetch(`${target.url}${path}`, {
        headers: { authorization: `Bearer ${target.token}`, accept: 'text/event-stream' },
        signal: abort.signal,
      });
    } catch (error) {
      throw new CliError(`cannot reach the fleet manager at ${target.url} (${(error as Error).message})`, 4);
    }
    if (!response.ok || !response.body) {
      const text = await response.text();
      const parsed = safeJson(text) as { error?: { code?: string; message?: string } } | undefined;
      const code = parsed?.error?.code ?? `HTTP ${response.status}`;
      throw new CliError(
        `${code}: ${parsed?.error?.message ?? text.slice(0, 200)}`,
        response.status === 401 ? 3 : 1,
      );
    }
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (!event.includes('event: receipts') || data === '') continue;
        last = JSON.parse(data) as ReceiptsView;
        io.stderr(`shown on ${last.shown} of ${last.targeted} screens (${last.state})\n`);
        if ((last.targeted > 0 && last.shown >= last.targeted) || FINAL_STATES.has(last.state)) {
          abort.abort();
          break;
        }
      }
      if (abort.signal.aborted) break;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    abort.abort();
  }
  if (!last) throw new CliError('the receipts stream ended before sending anything', 1);
  return last;
}

/** XML, not JSON: the API client only speaks JSON, so this one request is sent here. */
async function postCap(
  target: ApiTarget,
  xml: string,
): Promise<{ outcome: string; announcements: AnnouncementView[] }> {
  let response: Response;
  try {
    response = await fetch(`${target.url}/api/v1/cap`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/cap+xml' },
      body: xml,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach the fleet manager at ${target.url} (${(error as Error).message})`, 4);
  }
  const text = await response.text();
  const parsed = safeJson(text) as
    | { outcome: string; announcements: AnnouncementView[]; error?: { code?: string; message?: string } }
    | undefined;
  if (response.ok && parsed) return parsed;
  const code = parsed?.error?.code ?? `HTTP ${response.status}`;
  throw new CliError(
    `${code}: ${parsed?.error?.message ?? text.slice(0, 200)}`,
    response.status === 401 ? 3 : 1,
  );
}

async function readAlert(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 2);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
