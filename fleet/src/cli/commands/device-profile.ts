import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { globalsOf } from './options.js';
import { devicePath } from './devices.js';

const PROFILES = ['signage', 'lookup', 'counter'];

/**
 * `gatecast devices profile ID [signage|lookup|counter]`: what a screen is for. Added to the
 * `devices` group registered by devices.ts, so it reads like the other device commands.
 */
export function registerDeviceProfileCommand(program: Command, io: CliIo): void {
  const devices =
    program.commands.find((command) => command.name() === 'devices') ?? program.command('devices');
  devices
    .command('profile <id> [profile]')
    .description(
      'show or set what a screen is for: signage (its schedule), lookup (a touch kiosk) or counter',
    )
    .option('--json', 'print JSON')
    .action(
      async (id: string, profile: string | undefined, options: { json?: boolean }, command: Command) => {
        if (profile !== undefined && !PROFILES.includes(profile)) {
          throw new CliError(`the profile must be signage, lookup or counter, not ${profile}`, 2);
        }
        const target = resolveTarget(globalsOf(command), io);
        const path = `${devicePath(id)}/profile`;
        const answer = await callApi<{ deviceId: string; profile: string }>(
          target,
          profile === undefined ? 'GET' : 'PUT',
          path,
          profile === undefined ? undefined : { profile },
        );
        if (options.json) return printJson(io, answer);
        io.stdout(
          profile === undefined
            ? `${answer.deviceId} is a ${answer.profile} screen\n`
            : `${answer.deviceId} is now a ${answer.profile} screen; its document was recomposed\n`,
        );
      },
    );
}
