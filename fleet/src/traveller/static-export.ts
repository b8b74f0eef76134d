import { createHash } from 'node:crypto';
import { languageOwnName } from '@gatecast/protocol';
import { renderTravellerPage, type TravellerLinks } from './render-traveller.js';
import type { TravellerSite } from './traveller-routes.js';
import { bundleImages } from './traveller-view.js';

export interface ExportedFile {
  /** Relative to the export folder, with forward slashes. */
  path: string;
  content: string | Uint8Array;
}

/** File extensions static hosts map back to the right content type. */
const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
};

export function imageExtension(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]?.trim().toLowerCase() ?? ''] ?? 'bin';
}

/** A node id as a file name: as it is when it is plainly safe, else a short hash of it. */
export function pageFile(nodeId: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(nodeId) && nodeId !== 'index') return `${nodeId}.html`;
  return `n-${createHash('sha256').update(nodeId).digest('hex').slice(0, 16)}.html`;
}

/** Languages a folder each: `<lang>/index.html` and `<lang>/<node>.html`, pictures in `media/`. */
function staticLinks(images: ReadonlyMap<string, { extension: string }>): TravellerLinks {
  return {
    page: (nodeId, language) =>
      `../${encodeURIComponent(language)}/${nodeId === null ? 'index.html' : pageFile(nodeId)}`,
    image: (sha256) => `../media/${sha256}.${images.get(sha256)?.extension ?? 'bin'}`,
    // No server behind a static site: no search form.
  };
}

/**
 * The traveller page as static files for the city portal: every page in every language of the
 * gate, the pictures the tree shows, a root index that opens the first language, and with a base
 * URL a sitemap. Pure: the caller fetched the site and its pictures and writes the files.
 */
export function exportTravellerSite(input: {
  site: TravellerSite;
  images: ReadonlyMap<string, { extension: string; bytes: Uint8Array }>;
  baseUrl?: string;
}): ExportedFile[] {
  const { site, images } = input;
  const languages = site.bundle?.languages ?? site.gate.languages;
  const links = staticLinks(images);
  const files: ExportedFile[] = [];
  const render = (language: string, view: Parameters<typeof renderTravellerPage>[0]['view']) =>
    renderTravellerPage({
      bundle: site.bundle ?? undefined,
      gateName: site.gate.name,
      language,
      languages,
      view,
      links,
    });
  for (const language of languages) {
    files.push({ path: `${language}/index.html`, content: render(language, { kind: 'home' }) });
    for (const node of site.bundle?.nodes ?? []) {
      files.push({
        path: `${language}/${pageFile(node.id)}`,
        content: render(language, { kind: 'node', node }),
      });
    }
  }
  const first = languages[0] ?? 'vi';
  // A meta refresh needs no script; the links are there for a browser that ignores it.
  files.push({
    path: 'index.html',
    content: [
      '<!doctype html>',
      `<html lang="${first}"><head><meta charset="utf-8">`,
      `<meta http-equiv="refresh" content="0; url=${first}/index.html">`,
      `<title>${escapeText(site.gate.name)}</title></head><body><ul>`,
      ...languages.map(
        (language) =>
          `<li><a href="${language}/index.html" lang="${language}">${escapeText(languageOwnName(language))}</a></li>`,
      ),
      '</ul></body></html>',
      '',
    ].join('\n'),
  });
  const shown = site.bundle ? bundleImages(site.bundle) : new Map<string, string>();
  for (const sha256 of shown.keys()) {
    const image = images.get(sha256);
    if (image) files.push({ path: `media/${sha256}.${image.extension}`, content: image.bytes });
  }
  if (input.baseUrl !== undefined)
    files.push({ path: 'sitemap.xml', content: sitemap(input.baseUrl, files) });
  return files;
}

function sitemap(baseUrl: string, files: ExportedFile[]): string {
  const base = baseUrl.replace(/\/+$/, '');
  const urls = files
    .filter((file) => file.path.endsWith('.html'))
    .map((file) => `<url><loc>${escapeText(`${base}/${file.path}`)}</loc></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
