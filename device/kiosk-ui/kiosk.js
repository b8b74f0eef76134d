// The lookup kiosk and the counter screen's pushed page, over the player's schedule.
// The plan (from the agent) says the profile, where the cached bundle is and what is pushed; the
// schedule below is the kiosk's attract loop: a touch opens the app, idleness closes and wipes it.
import { installLockdown } from './lockdown.js';
import { createKeyboard } from './keyboard.js';
import { renderPage, textElement } from './render-page.js';
import { buildIndex, search } from './search.js';
import { languageName, t } from './strings.js';

const SCALES = [1, 1.25, 1.5, 1.75];
const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'scroll'];

function report(event) {
  try {
    const send = window.gatecastReport;
    if (typeof send === 'function') void send(event).catch(() => undefined);
  } catch {
    // Counting must never stop the kiosk.
  }
}

const kioskEl = document.getElementById('kiosk');
const counterEl = document.getElementById('counter-page');
const pairingEl = document.getElementById('pairing-code');
const hintEl = document.getElementById('kiosk-hint');
const announcementEl = document.getElementById('announcement');

let plan = null;
let bundle = null;
let bundleSrc = null;
let index = [];
let nodes = new Map();
let children = new Map();
let session = freshSession();
let idleTimer = null;
let counterKey = '';
let counterTimer = null;
let ui = null;

function freshSession() {
  return {
    open: false,
    language: plan?.firstLanguage ?? 'vi',
    stack: [{ view: 'home' }],
    search: '',
    scale: 0,
    reportedMisses: new Set(),
  };
}

const top = () => session.stack[session.stack.length - 1];

/** Stops the zones under the app or the counter page (honest proof of play), and tells the agent. */
let coveredNow = false;
function updateCover() {
  const on = session.open || counterEl.classList.contains('active');
  if (on === coveredNow) return;
  coveredNow = on;
  window.gatecastPlayer?.cover?.(on);
  report({ type: 'kiosk-cover', covered: on });
}
const announcing = () => announcementEl?.classList.contains('active') ?? false;
const isLookup = () => plan?.profile === 'lookup' && bundle !== null;

async function onPlan(full) {
  plan = full?.kiosk ?? null;
  const src = plan?.info?.src ?? null;
  if (src !== bundleSrc) {
    bundleSrc = src;
    setBundle(src === null ? null : await loadBundle(src));
    if (src !== bundleSrc) return; // a newer plan arrived meanwhile
  }
  if (!isLookup() && session.open) endSession();
  if (!session.open) session.language = plan?.firstLanguage ?? session.language;
  renderCounter();
  renderPairing();
  renderHint();
  if (session.open) renderApp();
}

async function loadBundle(src) {
  try {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`bundle: HTTP ${response.status}`);
    return await response.json();
  } catch (error) {
    report({ type: 'error', zone: 'main', itemId: null, message: `info bundle: ${error?.message ?? error}` });
    return null;
  }
}

function setBundle(next) {
  bundle = next;
  index = next ? buildIndex(next) : [];
  nodes = new Map((next?.nodes ?? []).map((node) => [node.id, node]));
  children = new Map();
  for (const node of next?.nodes ?? []) {
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.order - b.order);
}

// ---- the counter screen ----------------------------------------------------------------------

function renderCounter() {
  const page = plan?.profile === 'counter' ? plan.counterPage : null;
  const node = page && bundle ? nodes.get(page.nodeId) : undefined;
  const key = node ? JSON.stringify([page, bundle.version]) : '';
  if (key === counterKey) return;
  counterKey = key;
  clearTimeout(counterTimer);
  if (!node) return hideCounter();
  counterEl.replaceChildren(renderPage(node, page.language, { strings: page.language }));
  counterEl.dataset.nodeId = node.id;
  counterEl.dataset.language = page.language;
  counterEl.classList.add('active');
  updateCover();
  // The agent also re-plans at `until`; the page does not wait for it.
  if (page.until !== null) {
    counterTimer = setTimeout(hideCounter, Math.max(0, Date.parse(page.until) - Date.now()));
  }
}

function hideCounter() {
  counterEl.classList.remove('active');
  counterEl.replaceChildren();
  delete counterEl.dataset.nodeId;
  delete counterEl.dataset.language;
  updateCover();
}

function renderPairing() {
  const code = plan?.profile === 'counter' ? plan.pairingCode : null;
  pairingEl.hidden = !code;
  pairingEl.textContent = code ?? '';
}

function renderHint() {
  const show = isLookup() && !session.open;
  hintEl.hidden = !show;
  if (!show) return;
  const first = plan.firstLanguage;
  const words = [t(first, 'touchToStart')];
  if (!first.startsWith('en')) words.push(t('en', 'touchToStart'));
  hintEl.textContent = words.join(' · ');
}

// ---- the lookup kiosk ------------------------------------------------------------------------

function openApp() {
  session.open = true;
  kioskEl.classList.add('open');
  hintEl.hidden = true;
  renderApp();
  armIdle();
  updateCover();
}

/** Back to the attract loop, with nothing of the last traveller left. */
function endSession() {
  noteMiss();
  clearTimeout(idleTimer);
  session = freshSession();
  kioskEl.classList.remove('open');
  kioskEl.style.removeProperty('--kiosk-scale');
  if (ui) {
    ui.input.value = '';
    ui.view.replaceChildren();
    ui.view.scrollTop = 0;
  }
  renderHint();
  updateCover();
}

function armIdle() {
  clearTimeout(idleTimer);
  if (session.open) idleTimer = setTimeout(endSession, plan?.idleMs ?? 60_000);
}

function navigate(entry) {
  session.stack.push(entry);
  if (entry.nodeId) report({ type: 'kiosk-view', nodeId: entry.nodeId, language: session.language });
  renderApp();
  ui.view.scrollTop = 0;
}

function back() {
  if (session.stack.length > 1) session.stack.pop();
  if (top().view !== 'search') noteMiss();
  renderApp();
}

function goHome() {
  noteMiss();
  session.stack = [{ view: 'home' }];
  session.search = '';
  ui.input.value = '';
  renderApp();
}

function setSearch(text) {
  session.search = text;
  if (ui.input.value !== text) ui.input.value = text;
  if (top().view !== 'search') session.stack.push({ view: 'search' });
  renderApp();
}

function results() {
  return bundle ? search(index, session.search) : [];
}

/** A search that ends with nothing found is counted once per traveller and term. */
function noteMiss() {
  const term = session.search.trim();
  if (term === '' || session.reportedMisses.has(term) || results().length > 0) return;
  session.reportedMisses.add(term);
  report({ type: 'kiosk-search-miss', term: term.slice(0, 400), language: session.language });
}

function buildShell() {
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const button = (action, className) => {
    const node = el('button', `kiosk-button ${className ?? ''}`.trim());
    node.type = 'button';
    node.dataset.action = action;
    return node;
  };
  const bar = el('header', 'kiosk-bar');
  const home = button('home');
  const backButton = button('back');
  const input = el('input', 'kiosk-search');
  input.type = 'search';
  input.id = 'kiosk-search';
  input.setAttribute('inputmode', 'none');
  input.autocomplete = 'off';
  input.spellcheck = false;
  const smaller = button('smaller', 'scale');
  smaller.textContent = 'A−';
  const larger = button('larger', 'scale');
  larger.textContent = 'A+';
  const close = button('close');
  bar.append(home, backButton, input, smaller, larger, close);
  const languages = el('nav', 'kiosk-languages');
  const view = el('main', 'kiosk-view');
  view.id = 'kiosk-view';
  const keyboard = el('div', 'kiosk-keyboard');
  keyboard.id = 'kiosk-keyboard';
  kioskEl.replaceChildren(bar, languages, view, keyboard);

  home.addEventListener('click', goHome);
  backButton.addEventListener('click', back);
  close.addEventListener('click', endSession);
  smaller.addEventListener('click', () => scale(-1));
  larger.addEventListener('click', () => scale(1));
  input.addEventListener('input', () => setSearch(input.value));
  input.addEventListener('focus', () => top().view !== 'search' && setSearch(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      noteMiss();
    }
  });
  const keys = createKeyboard(keyboard, {
    getText: () => session.search,
    onChange: setSearch,
    onEnter: noteMiss,
    language: () => session.language,
  });
  return { home, back: backButton, input, smaller, larger, close, languages, view, keyboard, keys };
}

function scale(step) {
  session.scale = Math.max(0, Math.min(SCALES.length - 1, session.scale + step));
  kioskEl.style.setProperty('--kiosk-scale', String(SCALES[session.scale]));
}

function renderApp() {
  ui ??= buildShell();
  const language = session.language;
  kioskEl.lang = language;
  ui.home.textContent = t(language, 'home');
  ui.back.textContent = t(language, 'back');
  ui.back.disabled = session.stack.length <= 1;
  ui.close.textContent = t(language, 'close');
  ui.close.setAttribute('aria-label', t(language, 'close'));
  ui.smaller.title = ui.larger.title = t(language, 'textSize');
  ui.input.placeholder = t(language, 'search');
  ui.keys.relabel();
  renderLanguages();
  const entry = top();
  ui.keyboard.hidden = entry.view !== 'search';
  kioskEl.dataset.view = entry.view;
  if (entry.view === 'page') ui.view.replaceChildren(pageView(entry.nodeId));
  else if (entry.view === 'search') ui.view.replaceChildren(searchView());
  else ui.view.replaceChildren(listView(entry.nodeId ?? null));
}

function renderLanguages() {
  ui.languages.replaceChildren(
    ...bundle.languages.map((language) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'kiosk-language';
      button.lang = language;
      button.dataset.language = language;
      button.textContent = languageName(language);
      button.setAttribute('aria-pressed', String(language === session.language));
      button.addEventListener('click', () => {
        session.language = language;
        renderApp();
      });
      return button;
    }),
  );
}

function tile(node, language) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `kiosk-tile ${node.kind}`;
  button.dataset.nodeId = node.id;
  button.append(textElement('span', node.title, language, 'tile-title').el);
  if (node.summary) button.append(textElement('span', node.summary, language, 'tile-summary').el);
  button.addEventListener('click', () =>
    navigate({ view: node.kind === 'page' ? 'page' : 'category', nodeId: node.id }),
  );
  return button;
}

function listView(parentId) {
  const box = document.createElement('div');
  box.className = 'kiosk-list';
  const parent = parentId === null ? null : nodes.get(parentId);
  if (parent) box.append(textElement('h1', parent.title, session.language, 'kiosk-heading').el);
  for (const node of children.get(parentId) ?? []) box.append(tile(node, session.language));
  return box;
}

function pageView(nodeId) {
  const node = nodes.get(nodeId);
  if (!node) return listView(null);
  return renderPage(node, session.language, { strings: session.language });
}

function searchView() {
  const box = document.createElement('div');
  box.className = 'kiosk-results';
  if (session.search.trim() === '') return box;
  const found = results();
  const heading = document.createElement('h2');
  heading.textContent = found.length > 0 ? t(session.language, 'results') : t(session.language, 'noResults');
  heading.className = found.length > 0 ? 'results-heading' : 'results-heading none';
  box.append(heading);
  for (const result of found) {
    const node = nodes.get(result.nodeId);
    if (!node) continue;
    const item = tile(node, session.language);
    item.dataset.matchedLanguage = result.language;
    box.append(item);
  }
  return box;
}

// ---- wiring ------------------------------------------------------------------------------------

installLockdown();

// The first touch on the attract loop opens the app. It must not also press what the app puts
// under the finger: the browser aims the tap's click anew, at the tile now there, so it is dropped.
let swallowClick = false;
document.addEventListener(
  'pointerdown',
  (event) => {
    swallowClick = false;
    if (!isLookup() || session.open || announcing()) return;
    event.preventDefault();
    event.stopPropagation();
    swallowClick = true;
    openApp();
  },
  true,
);
document.addEventListener(
  'click',
  (event) => {
    if (!swallowClick) return;
    swallowClick = false;
    event.preventDefault();
    event.stopPropagation();
  },
  true,
);
for (const name of ACTIVITY) document.addEventListener(name, () => session.open && armIdle(), true);

window.addEventListener('gatecast:plan', (event) => void onPlan(event.detail));
const initial = window.gatecastPlayer?.plan?.();
if (initial) void onPlan(initial);

window.gatecastKiosk = {
  state: () => ({
    profile: plan?.profile ?? null,
    ready: bundle !== null,
    open: session.open,
    language: session.language,
    view: top().view,
    nodeId: top().nodeId ?? null,
    history: session.stack.length - 1,
    search: session.search,
    scale: SCALES[session.scale],
    scrollTop: ui?.view.scrollTop ?? 0,
    counterPage: counterEl.classList.contains('active')
      ? { nodeId: counterEl.dataset.nodeId, language: counterEl.dataset.language }
      : null,
  }),
  /** Ends the session as the idle timeout does (tests, and the agent if it ever needs to). */
  reset: endSession,
};
