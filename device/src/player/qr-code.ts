import type { ServerResponse } from 'node:http';
import QRCode from 'qrcode';

/** The traveller page in one language: what a screen's QR code encodes while it shows that language. */
export function travellerLink(travellerUrl: string, language: string): string {
  const url = new URL(travellerUrl);
  url.searchParams.set('lang', language);
  return url.toString();
}

/**
 * QR codes of the traveller page as SVG, made once per language and kept while the page's
 * address stays the same (the screen rotates languages every few seconds). Error correction M
 * survives glare and a smudge; the 4-module quiet zone is what phone cameras need.
 */
export class TravellerQrCodes {
  private base: string | null = null;
  private readonly byLanguage = new Map<string, Promise<string>>();

  svg(travellerUrl: string, language: string): Promise<string> {
    if (travellerUrl !== this.base) {
      this.base = travellerUrl;
      this.byLanguage.clear();
    }
    let made = this.byLanguage.get(language);
    if (!made) {
      made = QRCode.toString(travellerLink(travellerUrl, language), {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 4,
        color: { dark: '#000000', light: '#ffffff' },
      });
      this.byLanguage.set(language, made);
      // A failure is not kept: the next request tries again.
      made.catch(() => this.byLanguage.delete(language));
    }
    return made;
  }
}

/** `/qr/<language>.svg` on the player server; null for any other path. */
export function qrLanguageOf(path: string): string | null {
  return /^\/qr\/([A-Za-z0-9-]{1,35})\.svg$/.exec(path)?.[1] ?? null;
}

/** Answers the player page's request for the code of one of the screen's languages. */
export async function sendTravellerQr(
  response: ServerResponse,
  codes: TravellerQrCodes,
  plan: { travellerUrl?: string; languages: readonly string[] } | null,
  language: string,
): Promise<void> {
  if (!plan?.travellerUrl || !plan.languages.includes(language)) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return void response.end('no traveller page in this language');
  }
  const svg = await codes.svg(plan.travellerUrl, language);
  response.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-cache' });
  response.end(svg);
}

/** The longest link a page's QR block may encode: more modules than a phone reads at a distance. */
const MAX_LINK_LENGTH = 500;

/**
 * `/qr/link.svg?url=<http(s) URL>`: the QR code of a link an information page shows (its QR
 * block), for kiosk and counter pages. Only http and https; null for any other request.
 */
export function qrLinkOf(path: string, query: string): string | null {
  if (path !== '/qr/link.svg') return null;
  const link = new URLSearchParams(query).get('url');
  if (!link || link.length > MAX_LINK_LENGTH) return null;
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Answers a page's request for the QR code of one link (see qrLinkOf). */
export async function sendLinkQr(response: ServerResponse, link: string): Promise<void> {
  const svg = await QRCode.toString(link, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    color: { dark: '#000000', light: '#ffffff' },
  });
  response.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=3600' });
  response.end(svg);
}
