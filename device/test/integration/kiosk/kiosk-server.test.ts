import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlayerServer } from '../../../src/player/player-server.js';
import { testLogger } from '../helpers/fixtures.js';

// The kiosk app is served by the player's own page server, on 127.0.0.1, like the player page.
describe('the kiosk app on the player page server', () => {
  let server: PlayerServer;

  beforeEach(async () => {
    server = new PlayerServer({
      port: 0,
      webOrigins: () => [],
      mediaPath: () => null,
      packageDir: () => null,
      log: testLogger(),
    });
    await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('serves the app’s modules and style, and the player page loads them', async () => {
    for (const name of ['kiosk.js', 'search.js', 'render-page.js', 'lockdown.js', 'kiosk.css']) {
      const response = await fetch(`${server.origin}/kiosk/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const page = await (await fetch(`${server.origin}/`)).text();
    expect(page).toContain('<script type="module" src="/kiosk/kiosk.js"></script>');
    expect(page).toContain('user-scalable=no');
  });

  it('serves nothing else from the folder and nothing outside it', async () => {
    for (const path of [
      '/kiosk/search.d.ts',
      '/kiosk/../src/agent.ts',
      '/kiosk/%2e%2e%2fpackage.json',
      '/kiosk/',
    ]) {
      expect((await fetch(`${server.origin}${path}`)).status, path).toBe(404);
    }
  });
});
