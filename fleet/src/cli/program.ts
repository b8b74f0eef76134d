import { Command, CommanderError } from 'commander';
import { GatecastError } from '@gatecast/protocol';
import { registerAlertCommands } from './commands/alerts.js';
import { registerAnnounceCommands } from './commands/announce.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerCommissioningCommands } from './commands/commissioning.js';
import { registerContentCommands } from './commands/content.js';
import { registerPlaylistCommands } from './commands/playlists.js';
import { registerPreviewCommand } from './commands/preview.js';
import { registerScheduleCommands } from './commands/schedules.js';
import { registerDeviceCommands } from './commands/devices.js';
import { registerGateCommands } from './commands/gates.js';
import { registerMediaCommands } from './commands/media.js';
import { registerReportCommands } from './commands/report.js';
import { registerProvisionCommand } from './commands/provision.js';
import { registerReleaseCommands } from './commands/release.js';
import { registerRolloutCommands } from './commands/rollout.js';
import { registerEnrolmentCommands } from './commands/enrolment.js';
import { registerLoginCommands } from './commands/login.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerUserCommands } from './commands/users.js';
import { registerInfoCommands } from './commands/info.js';
import { registerDeviceProfileCommand } from './commands/device-profile.js';
import { registerCounterCommands } from './commands/counters.js';
import { registerKioskReportCommand, registerTravellerCommands } from './commands/traveller.js';
import { CliError, type CliIo } from './io.js';

export const CLI_VERSION = '0.1.0';

export function buildProgram(io: CliIo): Command {
  const program = new Command('gatecast')
    .description('gatecast fleet manager and operator tools')
    .version(CLI_VERSION)
    .option('--url <url>', 'fleet manager URL (env GATECAST_URL, default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (env GATECAST_TOKEN, else <data dir>/admin-token)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerServeCommand(program, io);
  registerGateCommands(program, io);
  registerDeviceCommands(program, io);
  registerLoginCommands(program, io);
  registerUserCommands(program, io);
  registerTokenCommands(program, io);
  registerAuditCommand(program, io);
  registerMediaCommands(program, io);
  registerContentCommands(program, io);
  registerPlaylistCommands(program, io);
  registerScheduleCommands(program, io);
  registerPreviewCommand(program, io);
  registerAnnounceCommands(program, io);
  registerReportCommands(program, io);
  registerInfoCommands(program, io);
  registerDeviceProfileCommand(program, io);
  registerCounterCommands(program, io);
  registerTravellerCommands(program, io);
  registerKioskReportCommand(program, io);
  registerAlertCommands(program, io);
  registerReleaseCommands(program, io);
  registerRolloutCommands(program, io);
  registerEnrolmentCommands(program, io);
  registerProvisionCommand(program, io);
  registerCommissioningCommands(program, io);
  return program;
}

/** Runs the CLI and returns the exit code; expected failures print one line, never a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander already printed usage problems; help and version exit 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    io.stderr(`gatecast: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof GatecastError) {
    io.stderr(`gatecast: ${error.code}: ${error.message}\n`);
    return error.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  io.stderr(`gatecast: unexpected error: ${(error as Error).message ?? String(error)}\n`);
  return 1;
}
