import { showTravellerQr } from './qr.js';
import { ZonePlayer } from './zone.js';

const ZONES = ['main', 'side', 'ticker'];
const PLAN_POLL_MS = 15_000;
const IDENTIFY_MAX_MS = 600_000;

/** The agent's exposed function; absent when the page is opened by hand. */
function report(event) {
  try {
    const send = window.gatecastReport;
    if (typeof send === 'function') void send(event).catch(() => undefined);
  } catch {
    // Reporting must never stop playback.
  }
}

const screenEl = document.getElementById('screen');
const announcementEl = document.getElementById('announcement');
const players = new Map();
const reportZone = (event) => report({ ...event, announcement: false });
for (const zone of ZONES) {
  players.set(zone, new ZonePlayer(document.getElementById(`zone-${zone}`), zone, { report: reportZone }));
}
const announcement = new ZonePlayer(announcementEl, 'main', {
  report: (event) => report({ ...event, announcement: true }),
});
let planId = null;
let lastPlan = null;
/** The kiosk app or a counter page covers the zones: they stop, so nothing unseen counts as played. */
let covered = false;
let announcing = false;

/** Applies a plan; the same plan again changes nothing on screen. */
function applyPlan(plan) {
  if (plan.id === planId) return;
  planId = plan.id;
  const { kind, orientation, transition } = plan.layout;
  screenEl.className = `layout-${kind} ${orientation}`;
  const context = { languages: plan.languages, rotationSec: plan.rotationSec, transition };
  const top = plan.zones.find((zone) => zone.layer === 'announcement');
  announcing = top !== undefined;
  announcementEl.classList.toggle('active', announcing);
  if (top) {
    announcement.zone = top.zone;
    announcement.setItems(top.items, context);
  } else announcement.clear();
  for (const zone of ZONES) {
    const planned = plan.zones.find((entry) => entry.zone === zone && entry !== top);
    if (!covered) players.get(zone).setItems(planned?.items ?? [], context);
  }
  lastPlan = plan;
  // The kiosk and counter layer (device/kiosk-ui) follows the same plan.
  window.dispatchEvent(new CustomEvent('gatecast:plan', { detail: plan }));
  showTravellerQr(plan, screenEl);
  report({ type: 'plan', planId: plan.id });
}

async function loadPlan() {
  try {
    const response = await fetch('/plan', { cache: 'no-store' });
    if (response.ok) applyPlan(await response.json());
  } catch (error) {
    report({ type: 'error', zone: 'main', itemId: null, message: `plan: ${error?.message ?? error}` });
  }
}

let identifyTimer = null;
function identify(text, seconds) {
  const box = document.getElementById('identify');
  box.textContent = String(text);
  box.hidden = false;
  clearTimeout(identifyTimer);
  identifyTimer = setTimeout(() => (box.hidden = true), Math.min(IDENTIFY_MAX_MS, seconds * 1000));
}

function state() {
  const zones = {};
  for (const [zone, player] of players) zones[zone] = player.currentItemId;
  return { planId, announcing, announcement: announcement.currentItemId, zones };
}

// No error ever reaches the screen as a dialog: it is reported and playback goes on.
window.addEventListener('error', (event) => {
  report({ type: 'error', zone: 'main', itemId: null, message: String(event.message ?? 'error') });
  event.preventDefault();
});
window.addEventListener('unhandledrejection', (event) => {
  report({
    type: 'error',
    zone: 'main',
    itemId: null,
    message: String(event.reason?.message ?? event.reason),
  });
  event.preventDefault();
});
window.alert = window.confirm = window.prompt = () => undefined;

/** Stops or restarts the zones under the kiosk layer (device/kiosk-ui); announcements go on. */
function cover(on) {
  if (on === covered) return;
  covered = on;
  if (on) for (const player of players.values()) player.clear();
  else if (lastPlan) {
    planId = null;
    applyPlan(lastPlan);
  }
}

window.gatecastPlayer = { reloadPlan: loadPlan, state, identify, plan: () => lastPlan, cover };
setInterval(() => void loadPlan(), PLAN_POLL_MS);
void loadPlan();
