import type { DesiredDocument } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { Gate } from '../gates/gates-repo.js';
import { demoContent, type DemoContentSource } from './demo-content.js';
import { welcomeText } from './welcome-text.js';

export const WELCOME_ITEM_ID = 'welcome';

/**
 * The whole target state of one screen, from its record and its gate. Pure: the same input
 * gives the same document, so the service can tell a real change from a no-op.
 */
export function composeDesired(input: {
  device: DeviceRecord;
  gate: Gate;
  version: number;
  issuedAt: string;
  /** With GATECAST_DEMO_CONTENT=1: the demo's welcome loop, video and ticker (docs/adr/0014). */
  demo?: DemoContentSource;
}): DesiredDocument {
  const { device, gate } = input;
  const languages = [...gate.languages];
  return {
    version: input.version,
    deviceId: device.id,
    issuedAt: input.issuedAt,
    device: { name: device.name, gateId: device.gateId, zoneId: device.zoneId, tags: [...device.tags] },
    display: { timeZone: gate.timeZone, locale: languages[0] ?? 'vi', languages, languageRotationSec: 8 },
    content: {
      defaultItem: {
        kind: 'text',
        id: WELCOME_ITEM_ID,
        // Gate names are proper names the operator typed once; they stay as typed in every language.
        title: Object.fromEntries(languages.map((language) => [language, gate.name])),
        body: welcomeText(languages),
        durationSec: 15,
      },
      defaultLoop: [],
      layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
      schedule: [],
      ...(input.demo ? demoContent(input.demo, languages) : {}),
    },
  };
}
