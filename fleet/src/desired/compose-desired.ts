import type {
  CounterPage,
  DesiredDocument,
  DeviceProfile,
  InfoTreeRef,
  ScheduleEntry,
} from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { Gate } from '../gates/gates-repo.js';
import type { MediaCatalog } from '../library/media-catalog.js';
import { EMPTY_CONTENT, layoutFor, scheduleEntriesFor, type ContentSnapshot } from './compose-content.js';
import { demoContent, type DemoContentSource } from './demo-content.js';
import { welcomeText } from './welcome-text.js';

export const WELCOME_ITEM_ID = 'welcome';

const NO_MEDIA: MediaCatalog = { get: () => undefined };

/**
 * What the other domains add to one screen's document: its profile (information), its gate's
 * information tree, the traveller page its QR codes link to, a counter's pairing code and
 * pushed page, and the agent release assigned to it. Each domain provides its part (DesiredServiceDeps.extras); later ones win.
 */
export interface ScreenExtras {
  profile?: DeviceProfile;
  infoTree?: InfoTreeRef;
  travellerUrl?: string;
  pairingCode?: string;
  counterPage?: CounterPage;
  /** The agent release a rollout assigned this screen (rollouts/), with where its artifact is served. */
  agent?: DesiredDocument['agent'];
}

/**
 * The whole target state of one screen, from its record, its gate, the published content that
 * targets it and the announcements for it. Pure: the same input gives the same document, so the
 * service can tell a real change from a no-op.
 */
export function composeDesired(input: {
  device: DeviceRecord;
  gate: Gate;
  version: number;
  issuedAt: string;
  /** With GATECAST_DEMO_CONTENT=1: the demo's welcome loop, video and ticker (docs/adr/0014). */
  demo?: DemoContentSource;
  /** Items, playlists, schedules and layouts, live or not: only published work is used. */
  content?: ContentSnapshot;
  /** Announcement entries for this screen (layer 'announcement'); they go first. */
  announcements?: readonly ScheduleEntry[];
  media?: MediaCatalog;
  /** The fleet's HTTP address as screens reach it, for media URLs. */
  mediaBaseUrl?: string | null;
  /** The gate's web allow-list as a check; everything when left out (checked when the item was written). */
  allowWeb?: (url: string) => boolean;
  /** Profile, information tree, traveller page, counter pairing and page (see ScreenExtras). */
  extras?: ScreenExtras;
}): DesiredDocument {
  const { device, gate } = input;
  const languages = [...gate.languages];
  const demo = input.demo ? demoContent(input.demo, languages) : {};
  const scheduled = scheduleEntriesFor({
    device,
    content: input.content ?? EMPTY_CONTENT,
    media: input.media ?? NO_MEDIA,
    mediaBaseUrl: input.mediaBaseUrl ?? null,
    allowWeb: input.allowWeb ?? (() => true),
  });
  const layout = layoutFor(device, input.content?.layouts ?? []);
  const extras = input.extras ?? {};
  return {
    version: input.version,
    deviceId: device.id,
    issuedAt: input.issuedAt,
    device: {
      name: device.name,
      gateId: device.gateId,
      zoneId: device.zoneId,
      tags: [...device.tags],
      profile: extras.profile ?? 'signage',
    },
    display: {
      timeZone: gate.timeZone,
      locale: languages[0] ?? 'vi',
      languages,
      languageRotationSec: 8,
      ...(extras.travellerUrl ? { travellerUrl: extras.travellerUrl } : {}),
      ...(extras.pairingCode ? { pairingCode: extras.pairingCode } : {}),
    },
    content: {
      defaultItem: {
        kind: 'text',
        id: WELCOME_ITEM_ID,
        // Gate names are proper names the operator typed once; they stay as typed in every language.
        title: Object.fromEntries(languages.map((language) => [language, gate.name])),
        body: welcomeText(languages),
        durationSec: 15,
      },
      defaultLoop: demo.defaultLoop ?? [],
      // A layout an operator set wins over the demo's ticker layout.
      layout: layout ?? demo.layout ?? { kind: 'full', orientation: 'landscape', transition: 'fade' },
      schedule: [...(input.announcements ?? []), ...scheduled, ...(demo.schedule ?? [])],
      ...(extras.infoTree ? { infoTree: extras.infoTree } : {}),
      ...(extras.counterPage ? { counterPage: extras.counterPage } : {}),
    },
    ...(extras.agent ? { agent: extras.agent } : {}),
  };
}
