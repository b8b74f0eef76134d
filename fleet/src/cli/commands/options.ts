import type { Command } from 'commander';
import type { GlobalOptions } from '../api-client.js';

/** Global flags (--url, --token) live on the root command; subcommands read them from there. */
export function globalsOf(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  return root.opts<GlobalOptions>();
}

export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
