import type { Command } from 'commander';
import { pino } from 'pino';
import { loadFleetConfig } from '../../config.js';
import { createFleet } from '../../fleet.js';
import type { CliIo } from '../io.js';

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'run the fleet manager: MQTT broker, store and HTTP API (configured by environment variables)',
    )
    .action(async () => {
      const config = loadFleetConfig(io.env);
      // The one root logger of the process; modules get children.
      const log = pino({
        level: config.logLevel,
        redact: ['req.headers.authorization', '*.secret', 'secret', 'token'],
      });
      const fleet = createFleet(config, log);
      const running = await fleet.start();
      if (running.adminToken) announceAdminToken(io, running.adminToken, running.adminTokenFile);
      if (running.adminPassword) announceAdminPassword(io, running.adminPassword, running.httpPort);
      io.stderr(
        `gatecast: fleet manager running: http://${config.http.host}:${running.httpPort} ` +
          `mqtt :${running.mqttPort}${running.mqttsPort ? ` mqtts :${running.mqttsPort}` : ''}\n`,
      );
      await waitForSignal();
      log.info('stopping');
      await fleet.stop();
    });
}

function announceAdminToken(io: CliIo, token: string, file: string): void {
  io.stderr(
    [
      'gatecast: created the first admin API token. It is shown only this once:',
      '',
      `    ${token}`,
      '',
      `It is also saved in ${file} (readable only by this user); gatecast commands on this machine use it.`,
      '',
    ].join('\n'),
  );
}

function announceAdminPassword(io: CliIo, password: string, httpPort: number): void {
  io.stderr(
    [
      `gatecast: first admin user "admin", one-time password: ${password}`,
      `Sign in at http://127.0.0.1:${httpPort}/ and choose your own password; this one works only once.`,
      '',
    ].join('\n'),
  );
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
