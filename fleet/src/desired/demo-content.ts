import type { ContentItem, DesiredDocument, ScheduleEntry } from '@gatecast/protocol';
import type { MediaFile, MediaLibrary } from '../media/media-library.js';
import { welcomeText } from './welcome-text.js';

type Content = DesiredDocument['content'];

/** What the demo loop is made of: the fleet's media and the address screens fetch it from. */
export interface DemoContentSource {
  media: Pick<MediaLibrary, 'byName'>;
  /** The fleet's HTTP address as devices reach it, e.g. http://127.0.0.1:8080. */
  fleetUrl: string;
}

export const DEMO_TICKER_ENTRY_ID = 'demo-ticker';

/** The demo images in playing order, with how long each stays up. */
const DEMO_IMAGES = ['cat-bi-airport.png', 'hai-phong-port.png', 'hoa-phuong.png'] as const;
const DEMO_VIDEO = 'hai-phong-port-pan.webm';

/** "Please have your passport ready", for the languages of Hai Phong's gates. */
export const PASSPORT_READY: Readonly<Record<string, string>> = {
  vi: 'Vui lòng chuẩn bị sẵn hộ chiếu',
  en: 'Please have your passport ready',
  'zh-Hans': '请准备好您的护照',
  lo: 'ກະລຸນາກຽມໜັງສືຜ່ານແດນໃຫ້ພ້ອມ',
  km: 'សូមរៀបចំលិខិតឆ្លងដែនរបស់អ្នកឱ្យរួចរាល់',
  ko: '여권을 준비해 주십시오',
  ja: 'パスポートをご用意ください',
  ru: 'Пожалуйста, приготовьте паспорт',
};

/**
 * The demo's welcome loop on top of the default item: three Hai Phong pictures, a short video,
 * a passport reminder, and a ticker under it all (layout `main-ticker`). Pure; media missing from
 * the library are left out, so a fleet without its demo folder still composes a valid document.
 */
export function demoContent(source: DemoContentSource, languages: readonly string[]): Partial<Content> {
  const file = (name: string) => source.media.byName(name);
  const url = (media: MediaFile) =>
    `${source.fleetUrl.replace(/\/+$/, '')}/api/v1/device/media/${media.sha256}`;
  const loop: ContentItem[] = [];
  for (const name of DEMO_IMAGES) {
    const media = file(name);
    if (media)
      loop.push({ kind: 'image', id: `demo-${stem(name)}`, url: url(media), ...ref(media), durationSec: 8 });
  }
  const video = file(DEMO_VIDEO);
  if (video) loop.push({ kind: 'video', id: `demo-${stem(DEMO_VIDEO)}`, url: url(video), ...ref(video) });
  loop.push({ kind: 'text', id: 'demo-passport', body: pick(PASSPORT_READY, languages), durationSec: 10 });
  const ticker: ScheduleEntry = {
    id: DEMO_TICKER_ENTRY_ID,
    layer: 'filler',
    zone: 'ticker',
    items: [{ kind: 'text', id: 'demo-ticker-text', body: tickerText(languages), durationSec: 30 }],
  };
  return {
    defaultLoop: loop,
    layout: { kind: 'main-ticker', orientation: 'landscape', transition: 'fade' },
    schedule: [ticker],
  };
}

function ref(media: MediaFile): { sha256: string; sizeBytes: number } {
  return { sha256: media.sha256, sizeBytes: media.sizeBytes };
}

function stem(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}

/** The texts for `languages`, English when none has one (like the welcome text). */
function pick(texts: Readonly<Record<string, string>>, languages: readonly string[]): Record<string, string> {
  const picked = Object.fromEntries(
    languages.filter((language) => texts[language] !== undefined).map((l) => [l, texts[l] as string]),
  );
  return Object.keys(picked).length > 0 ? picked : { en: texts.en as string };
}

function tickerText(languages: readonly string[]): Record<string, string> {
  const welcome = welcomeText(languages);
  const passport = pick(PASSPORT_READY, languages);
  return Object.fromEntries(
    Object.entries(welcome).map(([language, text]) => [
      language,
      `${text} · ${passport[language] ?? PASSPORT_READY.en}`,
    ]),
  );
}
