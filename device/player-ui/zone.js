import { createItem, withTimeout } from './items.js';

const FIRST_FRAME_TIMEOUT_MS = 1_000;
const STALL_CHECK_MS = 2_000;
const STALL_LIMIT_MS = 8_000;
const FAILED_CYCLE_PAUSE_MS = 5_000;

/**
 * Plays one zone's items in a loop, double-buffered: the next item is built and made ready under
 * the current one, and the current one leaves only once the next has painted a frame. So there
 * is never a blank frame between items, video or not.
 */
export class ZonePlayer {
  constructor(container, zone, context) {
    this.container = container;
    this.zone = zone;
    this.context = context;
    this.items = [];
    this.key = '';
    this.index = 0;
    this.current = null;
    this.staged = null;
    this.epoch = 0;
    this.timer = null;
    this.failures = 0;
  }

  /** A new list restarts the zone at its first item; the same list leaves playback alone. */
  setItems(items, context) {
    const key = JSON.stringify([items, context.languages, context.rotationSec, context.transition]);
    if (key === this.key) return;
    this.key = key;
    this.context = { ...this.context, ...context };
    this.items = items;
    this.index = 0;
    this.epoch++;
    this.dropStaged();
    clearTimeout(this.timer);
    if (items.length === 0) return this.clear();
    void this.advance(this.epoch);
  }

  clear() {
    this.epoch++;
    clearTimeout(this.timer);
    this.dropStaged();
    if (this.current) this.finish(this.current);
    this.current = null;
    this.items = [];
    this.key = '';
  }

  get currentItemId() {
    return this.current?.item.id ?? null;
  }

  async advance(epoch) {
    if (epoch !== this.epoch || this.items.length === 0) return;
    clearTimeout(this.timer);
    const next = this.staged ?? this.stage(this.index);
    this.staged = null;
    try {
      await next.ready;
    } catch (error) {
      return this.skip(epoch, next, error);
    }
    if (epoch !== this.epoch) return next.el.remove();
    this.failures = 0;
    await this.promote(next, epoch);
  }

  stage(index) {
    const item = this.items[index % this.items.length];
    const handle = createItem(item, { ...this.context, ticker: this.zone === 'ticker' });
    handle.item = item;
    handle.index = index % this.items.length;
    handle.el.classList.add('staged');
    this.container.prepend(handle.el);
    // Keep a rejected preload from reaching the unhandled-rejection report before its turn.
    handle.ready.catch(() => undefined);
    return handle;
  }

  skip(epoch, handle, error) {
    handle.el.remove();
    this.context.report({
      type: 'error',
      zone: this.zone,
      itemId: handle.item.id,
      message: String(error?.message ?? error),
    });
    if (epoch !== this.epoch) return;
    this.index = (handle.index + 1) % this.items.length;
    this.failures++;
    // A whole loop that fails (files gone, pages down) waits a little instead of spinning.
    const wait = this.failures >= this.items.length ? FAILED_CYCLE_PAUSE_MS : 0;
    if (this.failures >= this.items.length) this.failures = 0;
    this.timer = setTimeout(() => void this.advance(epoch), wait);
  }

  async promote(next, epoch) {
    const previous = this.current;
    next.el.classList.remove('staged');
    next.el.classList.add('current');
    const transition = this.context.transition ?? 'cut';
    if (previous && transition !== 'cut') next.el.classList.add(`enter-${transition}`);
    if (previous) {
      previous.el.classList.remove('current');
      previous.el.classList.add('leaving');
    }
    next.startedAt = Date.now();
    this.current = next;
    if (next.video) {
      next.video.play().catch(() => undefined);
      await firstFrame(next.video);
    }
    await paintedFrames();
    if (previous && transition !== 'cut') await delay(this.context.transitionMs ?? 600);
    if (previous) this.finish(previous);
    next.start();
    this.context.report({
      type: 'start',
      zone: this.zone,
      itemId: next.item.id,
      language: next.language ?? null,
      startedAt: new Date(next.startedAt).toISOString(),
    });
    if (epoch !== this.epoch) return;
    this.index = (next.index + 1) % this.items.length;
    this.scheduleEnd(next, epoch);
    this.staged = this.stage(this.index);
  }

  scheduleEnd(handle, epoch) {
    const go = () => {
      if (epoch === this.epoch && this.current === handle) void this.advance(epoch);
    };
    if (!handle.video) {
      this.timer = setTimeout(go, handle.item.durationMs ?? 10_000);
      return;
    }
    handle.video.addEventListener('ended', go, { once: true });
    handle.video.addEventListener('error', go, { once: true });
    watchStall(handle, go);
  }

  finish(handle) {
    handle.stop();
    handle.el.remove();
    this.context.report({
      type: 'end',
      zone: this.zone,
      itemId: handle.item.id,
      language: handle.language ?? null,
      startedAt: new Date(handle.startedAt).toISOString(),
      durationMs: Math.max(0, Date.now() - handle.startedAt),
    });
  }

  dropStaged() {
    if (!this.staged) return;
    this.staged.stop();
    this.staged.el.remove();
    this.staged = null;
  }
}

/** A video that stops advancing (a broken file, a decoder stuck) is left after a few seconds. */
function watchStall(handle, go) {
  let last = -1;
  let stillSince = Date.now();
  const check = setInterval(() => {
    if (!handle.el.isConnected) return clearInterval(check);
    const time = handle.video.currentTime;
    if (time !== last) {
      last = time;
      stillSince = Date.now();
    } else if (Date.now() - stillSince > STALL_LIMIT_MS) {
      clearInterval(check);
      go();
    }
  }, STALL_CHECK_MS);
}

/** Resolves once the video has presented a frame of its own. */
function firstFrame(video) {
  if (typeof video.requestVideoFrameCallback !== 'function') return paintedFrames();
  const presented = new Promise((resolve) => video.requestVideoFrameCallback(() => resolve()));
  return withTimeout(presented, FIRST_FRAME_TIMEOUT_MS, 'no frame').catch(() => undefined);
}

/** Two animation frames: what was just attached has been painted. */
function paintedFrames() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
