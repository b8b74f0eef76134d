import { languageOwnName, type InfoBlock, type InfoBundle, type InfoNode } from '@gatecast/protocol';
import { TRAVELLER_CSP_META, TRAVELLER_CSS } from './traveller-style.js';
import { fill, textsFor, type TravellerTexts } from './traveller-texts.js';
import { childrenOf, pick, search, trail, type Picked } from './traveller-view.js';

/** How pages address each other: the fleet's routes, or relative files in a static export. */
export interface TravellerLinks {
  /** A node's page, or the home page for null, in a language. */
  page(nodeId: string | null, language: string): string;
  image(sha256: string): string;
  /** Where the search form goes; undefined: no search (a static export has no server). */
  searchAction?: string;
}

export type TravellerView =
  | { kind: 'home' }
  | { kind: 'node'; node: InfoNode }
  | { kind: 'search'; query: string }
  | { kind: 'not-found' };

export interface RenderInput {
  bundle: InfoBundle | undefined;
  gateName: string;
  language: string;
  /** The gate's languages for the picker (the bundle's when there is one). */
  languages: readonly string[];
  view: TravellerView;
  links: TravellerLinks;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** Collects which fallback languages a page used, to say so once at its top. */
class Texts {
  readonly fellBackTo = new Set<string>();
  constructor(readonly language: string) {}

  /** Escaped text, wrapped in a lang span when it is a fallback (fonts and screen readers follow it). */
  html(texts: Record<string, string> | undefined): string {
    const picked = pick(texts, this.language);
    if (!picked) return '';
    return this.wrap(picked, escapeHtml(picked.text));
  }

  wrap(picked: Picked, html: string): string {
    if (picked.language === this.language) return html;
    this.fellBackTo.add(picked.language);
    return `<span lang="${escapeHtml(picked.language)}">${html}</span>`;
  }
}

/** One whole page: server-rendered HTML that needs no script. */
export function renderTravellerPage(input: RenderInput): string {
  const { bundle, language, links, view } = input;
  const words = textsFor(language);
  const texts = new Texts(language);
  const current = view.kind === 'node' ? view.node.id : null;
  let title = input.gateName;
  let body: string;
  if (!bundle) body = `<p>${escapeHtml(words.empty)}</p>`;
  else if (view.kind === 'node') {
    const picked = pick(view.node.title, language);
    if (picked) title = picked.text;
    body = nodeBody(bundle, view.node, texts, links, words);
  } else if (view.kind === 'search') {
    title = fill(words.results, { q: view.query });
    body = searchBody(bundle, view.query, texts, links, words);
  } else if (view.kind === 'not-found') {
    title = words.notFound;
    body = `<h1>${escapeHtml(words.notFound)}</h1>${list(childrenOf(bundle, null), texts, links)}`;
  } else body = list(childrenOf(bundle, null), texts, links);
  const notes = [
    ...[...texts.fellBackTo].map((fallback) =>
      note(
        fill(words.fallback, { language: languageOwnName(language), fallback: languageOwnName(fallback) }),
      ),
    ),
    ...(view.kind === 'node' && view.node.sample ? [note(words.sample, 'note sample')] : []),
  ];
  const marker = '<!--notes-->';
  const main = body.includes(marker) ? body.replace(marker, notes.join('')) : notes.join('') + body;
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${TRAVELLER_CSP_META}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title === input.gateName ? title : `${title} · ${input.gateName}`)}</title>`,
    `<style>${TRAVELLER_CSS}</style>`,
    '</head>',
    '<body>',
    header(input, words, current),
    `<main>${main}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(input: RenderInput, words: TravellerTexts, current: string | null): string {
  const { language, links } = input;
  const languages = input.bundle?.languages ?? input.languages;
  const picker = languages
    .map((entry) => {
      const here = entry === language ? ' aria-current="true"' : '';
      const href = escapeHtml(links.page(current, entry));
      return `<li><a href="${href}" lang="${escapeHtml(entry)}" hreflang="${escapeHtml(entry)}"${here}>${escapeHtml(languageOwnName(entry))}</a></li>`;
    })
    .join('');
  const searchForm =
    links.searchAction === undefined
      ? ''
      : `<form role="search" method="get" action="${escapeHtml(links.searchAction)}">` +
        `<input type="hidden" name="lang" value="${escapeHtml(language)}">` +
        `<input type="search" name="q" maxlength="80" aria-label="${escapeHtml(words.search)}" placeholder="${escapeHtml(words.search)}">` +
        `<button type="submit">${escapeHtml(words.search)}</button></form>`;
  return (
    `<header><a class="gate" href="${escapeHtml(links.page(null, language))}">${escapeHtml(input.gateName)}</a>` +
    `<nav aria-label="${escapeHtml(words.languages)}"><ul class="langs">${picker}</ul></nav>${searchForm}</header>`
  );
}

function note(text: string, className = 'note'): string {
  return `<p class="${className}">${escapeHtml(text)}</p>`;
}

function list(nodes: InfoNode[], texts: Texts, links: TravellerLinks): string {
  if (nodes.length === 0) return '';
  const items = nodes.map((node) => {
    const summary = node.summary ? `<span class="summary">${texts.html(node.summary)}</span>` : '';
    const href = escapeHtml(links.page(node.id, texts.language));
    return `<li><a href="${href}">${texts.html(node.title)}${summary}</a></li>`;
  });
  return `<ul class="list">${items.join('')}</ul>`;
}

function nodeBody(
  bundle: InfoBundle,
  node: InfoNode,
  texts: Texts,
  links: TravellerLinks,
  words: TravellerTexts,
): string {
  const crumbs = [
    `<a href="${escapeHtml(links.page(null, texts.language))}">${escapeHtml(words.home)}</a>`,
    ...trail(bundle, node).map(
      (parent) =>
        `<a href="${escapeHtml(links.page(parent.id, texts.language))}">${texts.html(parent.title)}</a>`,
    ),
  ];
  const blocks = node.blocks.map((block) => renderBlock(block, texts, links)).join('');
  return (
    `<nav class="trail">${crumbs.join(' › ')}</nav>` +
    `<h1>${texts.html(node.title)}</h1><!--notes-->` +
    blocks +
    list(childrenOf(bundle, node.id), texts, links)
  );
}

function searchBody(
  bundle: InfoBundle,
  query: string,
  texts: Texts,
  links: TravellerLinks,
  words: TravellerTexts,
): string {
  const found = search(bundle, query);
  const heading = `<h1>${escapeHtml(fill(words.results, { q: query }))}</h1><!--notes-->`;
  if (found.length === 0) return `${heading}<p>${escapeHtml(fill(words.noResults, { q: query }))}</p>`;
  return heading + list(found, texts, links);
}

function paragraphs(html: string): string {
  return html
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}

function renderBlock(block: InfoBlock, texts: Texts, links: TravellerLinks): string {
  switch (block.type) {
    case 'heading':
      return `<h2>${texts.html(block.text)}</h2>`;
    case 'text': {
      const picked = pick(block.text, texts.language);
      return picked ? texts.wrap(picked, paragraphs(escapeHtml(picked.text))) : '';
    }
    case 'image': {
      const caption = block.caption ? texts.html(block.caption) : '';
      const alt = escapeHtml(pick(block.caption, texts.language)?.text ?? '');
      const src = escapeHtml(links.image(block.image.sha256));
      return `<figure><img src="${src}" alt="${alt}" loading="lazy">${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    }
    case 'table': {
      const rows = block.rows.map((row, index) => {
        const cell = index === 0 ? 'th' : 'td';
        return `<tr>${row.map((entry) => `<${cell}>${texts.html(entry)}</${cell}>`).join('')}</tr>`;
      });
      return `<div class="table"><table>${rows.join('')}</table></div>`;
    }
    case 'qr':
      // On a phone the traveller is already where the code would take them: a link does it.
      return `<p class="qr"><a href="${escapeHtml(block.url)}" rel="noreferrer">${texts.html(block.label)}</a></p>`;
  }
}
