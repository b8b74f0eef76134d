import type { Logger } from 'pino';
import type { AgentConfig } from '@gatecast/protocol';
import { ChromiumSupervisor } from '../player/chromium/chromium-supervisor.js';
import { launchPlayerBrowser } from '../player/launch-player.js';
import { CommissioningServer } from './commissioning-server.js';
import type { CommissioningView } from './commissioning-view.js';

export interface CommissioningScreenOptions {
  player: AgentConfig['player'];
  port: number;
  /** For the Chromium profile; the same folder the player uses later. */
  dataDir: string;
  log: Logger;
}

/** The commissioning page in a supervised kiosk Chromium, like the player; or only served (mode none). */
export class CommissioningScreen {
  private readonly server: CommissioningServer;
  private supervisor: ChromiumSupervisor | null = null;

  constructor(
    initial: CommissioningView,
    private readonly options: CommissioningScreenOptions,
  ) {
    this.server = new CommissioningServer(initial, options.port);
  }

  get url(): string {
    return `${this.server.origin}/`;
  }

  update(view: CommissioningView): void {
    this.server.update(view);
  }

  async start(): Promise<void> {
    const { log, player } = this.options;
    await this.server.start();
    log.info({ url: this.url, mode: player.mode }, 'commissioning screen');
    if (player.mode !== 'chromium') return;
    this.supervisor = new ChromiumSupervisor({
      log,
      launch: (onLost) =>
        launchPlayerBrowser({
          player,
          dataDir: this.options.dataDir,
          locale: 'vi',
          languages: ['vi', 'en'],
          pageUrl: this.url,
          webOrigins: () => [],
          bindingName: 'gatecastCommissioning',
          onReport: () => undefined,
          onLost,
          log,
        }),
      onUp: (session) => log.info({ pid: session.pid }, 'commissioning screen shown'),
      onDown: (cause, detail) =>
        log.warn({ cause, detail }, 'commissioning screen lost; starting Chromium again'),
    });
    this.supervisor.start();
  }

  async stop(): Promise<void> {
    await this.supervisor?.stop();
    this.supervisor = null;
    await this.server.stop();
  }
}
