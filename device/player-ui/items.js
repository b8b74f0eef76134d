import { languageAt, msToNextLanguage, textLanguage } from './language.js';

const LOAD_TIMEOUT_MS = 10_000;

/**
 * Builds the element for an item. The zone attaches `el` out of sight at once (frames only load
 * when attached); `ready` resolves once it can be shown without a blank frame: an image decoded,
 * a video's first frame decoded, a frame loaded. It rejects on failure or timeout.
 */
export function createItem(item, context) {
  const el = document.createElement('div');
  el.className = `item ${item.kind}`;
  el.dataset.itemId = item.id;
  if (item.kind === 'text') return textItem(el, item, context);
  if (item.kind === 'image') return imageItem(el, item);
  if (item.kind === 'video') return videoItem(el, item);
  if (item.kind === 'web') return frameItem(el, item, 'allow-scripts allow-same-origin');
  if (item.kind === 'html-package') return frameItem(el, item, 'allow-scripts');
  return {
    el,
    language: null,
    ready: Promise.reject(new Error(`unknown kind ${item.kind}`)),
    start() {},
    stop() {},
  };
}

function textItem(el, item, context) {
  const title = item.title ? document.createElement('h1') : null;
  const body = document.createElement('p');
  if (title) el.append(title);
  el.append(body);
  if (context.ticker) el.style.setProperty('--scroll-ms', `${item.durationMs ?? 15000}ms`);
  let timer = null;
  const render = () => {
    const wanted = languageAt(context.languages, context.rotationSec, Date.now());
    const language = textLanguage(item.body, wanted) ?? wanted;
    body.textContent = item.body[language] ?? '';
    body.lang = language;
    if (title) {
      const titleLanguage = textLanguage(item.title, wanted) ?? wanted;
      title.textContent = item.title[titleLanguage] ?? '';
      title.lang = titleLanguage;
    }
    el.dataset.language = language;
    return language;
  };
  const handle = { el, language: render(), ready: document.fonts.ready };
  // A ticker keeps one language per pass: changing the text mid-scroll would jump.
  const schedule = () => {
    timer = setTimeout(
      () => {
        handle.language = render();
        schedule();
      },
      msToNextLanguage(context.rotationSec, Date.now()) + 5,
    );
  };
  handle.start = () => {
    if (!context.ticker) schedule();
  };
  handle.stop = () => clearTimeout(timer);
  return handle;
}

function imageItem(el, item) {
  const img = document.createElement('img');
  img.alt = '';
  img.src = item.src;
  el.append(img);
  const ready = withTimeout(img.decode(), LOAD_TIMEOUT_MS, 'image did not decode');
  return { el, language: null, ready, start() {}, stop() {} };
}

function videoItem(el, item) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.src = item.src;
  el.append(video);
  // loadeddata: the first frame is decoded, so showing the element never shows black.
  const ready = withTimeout(once(video, 'loadeddata'), LOAD_TIMEOUT_MS, 'video did not load');
  return {
    el,
    video,
    language: null,
    ready,
    start() {},
    stop() {
      video.pause();
    },
  };
}

function frameItem(el, item, sandbox) {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', sandbox);
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.src = item.src;
  el.append(frame);
  // A page that does not load in time is skipped: the next item is the fallback.
  const ready = withTimeout(once(frame, 'load'), LOAD_TIMEOUT_MS, 'page did not load in time');
  return { el, language: null, ready, start() {}, stop() {} };
}

export function once(target, event) {
  return new Promise((resolve, reject) => {
    target.addEventListener(event, resolve, { once: true });
    target.addEventListener('error', () => reject(new Error(`${event} failed`)), { once: true });
  });
}

export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
