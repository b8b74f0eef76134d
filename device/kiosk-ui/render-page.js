// One page of the information tree as DOM: the lookup kiosk and the counter screen both use it.
// Every text is set with textContent: bundle texts are plain text, never markup.
import { languageName, t } from './strings.js';

const FALLBACKS = ['en', 'vi'];

/** The text to show for `language`: its own, else English, else Vietnamese, else any; and which. */
export function pickText(texts, language) {
  if (!texts) return { text: '', language, fallback: false };
  for (const wanted of [language, ...FALLBACKS]) {
    if (typeof texts[wanted] === 'string' && texts[wanted] !== '') {
      return { text: texts[wanted], language: wanted, fallback: wanted !== language };
    }
  }
  const [first] = Object.keys(texts);
  return { text: first ? texts[first] : '', language: first ?? language, fallback: true };
}

/** An element holding a picked text, with its language (fonts) and a fallback mark. */
export function textElement(tag, texts, language, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  const picked = pickText(texts, language);
  el.textContent = picked.text;
  el.lang = picked.language;
  if (picked.fallback) {
    el.classList.add('fallback');
    el.dataset.fallback = picked.language;
  }
  return { el, fallback: picked.fallback ? picked.language : null };
}

/**
 * The page `node` in `language`. `mediaSrc(sha256)` gives the local URL of a cached picture.
 * Missing translations show in English (then Vietnamese), each marked, with a note at the top.
 */
export function renderPage(node, language, { mediaSrc, strings = language } = {}) {
  const page = document.createElement('article');
  page.className = 'info-page';
  page.dataset.nodeId = node.id;
  page.lang = language;
  const fallbacks = new Set();
  const note = (result) => {
    if (result.fallback) fallbacks.add(result.fallback);
    return result.el;
  };
  const badges = document.createElement('div');
  badges.className = 'info-badges';
  page.append(badges, note(textElement('h1', node.title, language, 'info-title')));
  for (const block of node.blocks ?? []) page.append(renderBlock(block, language, mediaSrc, note));
  if (node.sample) badges.append(badge(t(strings, 'sample'), 'sample'));
  if (fallbacks.size > 0 || (node.missing ?? []).includes(language)) {
    const shown = [...fallbacks].map(languageName).join(', ');
    badges.append(badge(`${t(strings, 'fallback')}${shown ? ` · ${shown}` : ''}`, 'fallback-note'));
  }
  return page;
}

function badge(text, className) {
  const el = document.createElement('span');
  el.className = `info-badge ${className}`;
  el.textContent = text;
  return el;
}

function renderBlock(block, language, mediaSrc, note) {
  switch (block.type) {
    case 'heading':
      return note(textElement('h2', block.text, language, 'info-heading'));
    case 'text':
      return paragraphs(block.text, language, note);
    case 'image':
      return figure(block, language, mediaSrc, note);
    case 'table':
      return table(block, language, note);
    case 'qr':
      return qr(block, language, note);
    default:
      return document.createElement('div');
  }
}

function paragraphs(texts, language, note) {
  const box = document.createElement('div');
  box.className = 'info-text';
  const picked = textElement('div', texts, language);
  note(picked);
  for (const part of picked.el.textContent.split(/\n\s*\n/)) {
    const p = document.createElement('p');
    p.textContent = part;
    p.lang = picked.el.lang;
    if (picked.fallback) p.classList.add('fallback');
    box.append(p);
  }
  return box;
}

function figure(block, language, mediaSrc, note) {
  const el = document.createElement('figure');
  el.className = block.map ? 'info-figure info-map' : 'info-figure';
  const img = document.createElement('img');
  img.alt = '';
  img.draggable = false;
  img.src = mediaSrc ? mediaSrc(block.image.sha256) : `/media/${block.image.sha256}`;
  // A picture not downloaded yet takes no room rather than showing a broken icon.
  img.addEventListener('error', () => el.classList.add('missing'));
  if (block.map) el.append(zoomable(img, language));
  else el.append(img);
  if (block.caption) el.append(note(textElement('figcaption', block.caption, language)));
  return el;
}

/** A map the traveller zooms with buttons or two fingers and drags, inside the app only. */
function zoomable(img, language) {
  const frame = document.createElement('div');
  frame.className = 'map-frame';
  frame.append(img);
  const view = { scale: 1, x: 0, y: 0 };
  const apply = () => {
    view.scale = Math.min(4, Math.max(1, view.scale));
    if (view.scale === 1) view.x = view.y = 0;
    img.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    frame.dataset.scale = String(view.scale);
  };
  const controls = document.createElement('div');
  controls.className = 'map-controls';
  for (const [label, factor, key] of [
    ['+', 1.5, 'zoomIn'],
    ['−', 1 / 1.5, 'zoomOut'],
  ]) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.title = t(language, key);
    button.setAttribute('aria-label', t(language, key));
    button.dataset.zoom = key;
    button.addEventListener('click', () => {
      view.scale *= factor;
      apply();
    });
    controls.append(button);
  }
  const pointers = new Map();
  let pinch = null;
  frame.addEventListener('pointerdown', (event) => {
    frame.setPointerCapture?.(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  });
  frame.addEventListener('pointermove', (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size >= 2) {
      const [a, b] = [...pointers.values()];
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      if (pinch) view.scale *= distance / pinch;
      pinch = distance;
    } else if (view.scale > 1) {
      view.x += event.clientX - last.x;
      view.y += event.clientY - last.y;
    }
    apply();
  });
  const up = (event) => {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = null;
  };
  frame.addEventListener('pointerup', up);
  frame.addEventListener('pointercancel', up);
  const box = document.createElement('div');
  box.className = 'map-box';
  box.append(frame, controls);
  apply();
  return box;
}

function table(block, language, note) {
  const el = document.createElement('table');
  el.className = 'info-table';
  block.rows.forEach((row, index) => {
    const tr = document.createElement('tr');
    for (const cell of row) tr.append(note(textElement(index === 0 ? 'th' : 'td', cell, language)));
    el.append(tr);
  });
  return el;
}

function qr(block, language, note) {
  const el = document.createElement('div');
  el.className = 'info-qr';
  el.dataset.url = block.url;
  const code = document.createElement('div');
  code.className = 'info-qr-code';
  const url = document.createElement('div');
  url.className = 'info-qr-url';
  url.textContent = block.url;
  el.append(code, note(textElement('div', block.label, language, 'info-qr-label')), url);
  // The traveller page's QR drawing, when the player page loaded it: a hook, not a dependency.
  const draw = window.gatecastRenderQr;
  if (typeof draw === 'function') {
    try {
      draw(code, block.url);
    } catch {
      // Without the code the URL is still there, written out.
    }
  }
  return el;
}
