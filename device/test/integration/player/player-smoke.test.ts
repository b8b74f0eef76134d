import { afterEach, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  document,
  mainItem,
  startHarness,
  waitFor,
  type Harness,
} from './player-harness.js';

const missing = chromiumMissing();

describe.skipIf(missing !== null)('the Chromium player shows content', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('shows the default text item and reports it playing', async () => {
    harness = await startHarness();
    await harness.screen.show(
      document({ defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Chào mừng', en: 'Welcome' } } }),
    );
    const h = harness;
    expect(await waitFor('the welcome item', async () => (await mainItem(h)) === 'welcome')).toBe(true);
    await waitFor('playing state', async () => h.states.at(-1)?.playing);
    expect(h.screen.state.currentItemId).toBe('welcome');
  });
});
