import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { globalsOf } from './options.js';
import {
  collect,
  create,
  edit,
  listWork,
  registerWorkflow,
  withOwner,
  workPath,
  type ListOptions,
  type OwnerOptions,
  type WorkView,
} from './content.js';

/** `gatecast playlists …`: ordered items, each with an optional duration of its own. */
export function registerPlaylistCommands(program: Command, io: CliIo): void {
  const playlists = program.command('playlists').description('playlists: content items in playing order');

  withOwner(playlists.command('add'))
    .description('write a playlist as a draft')
    .requiredOption(
      '--item <id[:seconds]>',
      'an item, optionally with its duration here; repeat in playing order',
      collect,
      [],
    )
    .action(async (options: OwnerOptions & { item: string[] }, command: Command) => {
      await create(io, command, 'playlists', options, { entries: entries(options.item) });
    });

  playlists
    .command('list')
    .description('list playlists')
    .option('--state <state>', 'draft, submitted, approved, rejected or published')
    .option('--gate <gate>', 'owner gate; "fleet" for fleet-wide work')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => listWork(io, command, 'playlist', options));

  playlists
    .command('edit <id>')
    .description(
      'change a playlist: a new draft revision, off the screens until approved and published again',
    )
    .option('--name <name>', 'new name')
    .option('--item <id[:seconds]>', 'the new items in playing order; repeat', collect, [])
    .option('--json', 'print JSON')
    .action(
      async (id: string, options: { name?: string; item: string[]; json?: boolean }, command: Command) => {
        const target = resolveTarget(globalsOf(command), io);
        const { work } = await callApi<{ work: WorkView }>(target, 'GET', workPath(id));
        const spec = options.item.length > 0 ? { entries: entries(options.item) } : work.spec;
        await edit(io, target, id, { ...(options.name ? { name: options.name } : {}), spec }, options.json);
      },
    );

  registerWorkflow(playlists, io);
}

/** "i-1a2b:20" → { itemId: 'i-1a2b', durationSec: 20 }. */
function entries(values: string[]): Array<{ itemId: string; durationSec?: number }> {
  return values.map((value) => {
    const [itemId, seconds] = value.split(':');
    if (!itemId) throw new CliError(`--item takes ID or ID:SECONDS, got ${value}`, 2);
    if (seconds === undefined) return { itemId };
    const durationSec = Number(seconds);
    if (!Number.isInteger(durationSec) || durationSec < 1) {
      throw new CliError(`--item ${value}: the duration must be whole seconds`, 2);
    }
    return { itemId, durationSec };
  });
}
