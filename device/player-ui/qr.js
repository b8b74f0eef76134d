import { languageAt, msToNextLanguage } from './language.js';

// A QR code of the gate's traveller page, in a corner, in the language the screen shows now.
// About a quarter of the screen's short side: on a 55" TV that is ~18 cm, which a phone camera
// reads from 2-3 m. Below announcements (z-index 100), which cover everything.
let img = null;
let timer = null;
let shown = null;

function place(plan, screenEl) {
  if (!img) {
    img = document.createElement('img');
    img.id = 'traveller-qr';
    img.alt = '';
    Object.assign(img.style, {
      position: 'fixed',
      right: '2vmin',
      width: '24vmin',
      height: '24vmin',
      zIndex: '50',
      background: '#fff',
      imageRendering: 'pixelated',
    });
    document.body.append(img);
  }
  // Above the ticker band when the layout has one.
  img.style.bottom = screenEl.className.includes('ticker') ? '12vh' : '2vmin';
  img.hidden = false;
}

function follow(plan) {
  clearTimeout(timer);
  const now = Date.now();
  const language = languageAt(plan.languages, plan.rotationSec, now);
  if (language !== shown) {
    shown = language;
    img.src = `/qr/${encodeURIComponent(language)}.svg`;
    img.dataset.language = language;
  }
  timer = setTimeout(() => follow(plan), msToNextLanguage(plan.rotationSec, now) + 20);
}

/** Shows, moves or removes the code for a new plan; the player calls it on every plan change. */
export function showTravellerQr(plan, screenEl) {
  clearTimeout(timer);
  // A lookup kiosk is the traveller page itself, under the traveller's hand: no code there.
  if (!plan.travellerUrl || plan.kiosk?.profile === 'lookup') {
    if (img) img.hidden = true;
    shown = null;
    return;
  }
  place(plan, screenEl);
  shown = null;
  follow(plan);
}

// The QR block of an information page (kiosk and counter pages, device/kiosk-ui/render-page.js):
// the agent draws the code of the block's link; the link stays written beside it.
window.gatecastRenderQr = (element, link) => {
  const code = document.createElement('img');
  code.className = 'info-qr-image';
  code.alt = '';
  code.src = `/qr/link.svg?url=${encodeURIComponent(link)}`;
  element.append(code);
};
