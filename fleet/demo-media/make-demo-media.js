// How the demo media in this folder were made (run once by hand; the files are committed, so
// neither Chromium nor ffmpeg is needed to run gatecast):
//   node fleet/demo-media/make-demo-media.js      (needs Debian's chromium and ffmpeg)
// Three Hai Phong scenes are drawn as SVG, rendered to 1280×720 PNG by headless Chromium, and
// a slow pan over the port scene is encoded as a short VP9 WebM.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const dir = import.meta.dirname;
const W = 1280;
const H = 720;

/** Hai Phong's red flamboyant flowers (hoa phượng), the city's emblem. */
function flowers(seed, count, area) {
  let x = seed;
  const rnd = () => (x = (x * 16807) % 2147483647) / 2147483647;
  let out = '';
  for (let i = 0; i < count; i++) {
    const cx = area.x + rnd() * area.w;
    const cy = area.y + rnd() * area.h;
    const r = 10 + rnd() * 18;
    for (let p = 0; p < 5; p++) {
      const a = (p / 5) * Math.PI * 2 + rnd();
      out += `<ellipse cx="${cx + Math.cos(a) * r * 0.6}" cy="${cy + Math.sin(a) * r * 0.6}" rx="${r * 0.55}" ry="${r * 0.35}" transform="rotate(${(a * 180) / Math.PI} ${cx + Math.cos(a) * r * 0.6} ${cy + Math.sin(a) * r * 0.6})" fill="${p === 0 ? '#f5c542' : '#d7262b'}" opacity="0.92"/>`;
    }
  }
  return out;
}

function caption(vi, en) {
  return `<rect x="0" y="${H - 130}" width="${W}" height="130" fill="#00000077"/>
  <text x="60" y="${H - 70}" font-size="52" font-family="Noto Sans" font-weight="700" fill="#fff">${vi}</text>
  <text x="60" y="${H - 25}" font-size="30" font-family="Noto Sans" fill="#ffe9a8">${en}</text>`;
}

const scenes = {
  'cat-bi-airport.png': `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2b7bd3"/><stop offset="1" stop-color="#bfe3ff"/></linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#sky)"/>
  <circle cx="1080" cy="140" r="70" fill="#fff3b0"/>
  <g fill="#fff" opacity="0.9"><ellipse cx="260" cy="150" rx="120" ry="34"/><ellipse cx="330" cy="130" rx="80" ry="34"/><ellipse cx="820" cy="250" rx="140" ry="30"/></g>
  <g transform="translate(520 250) rotate(-12)" fill="#f4f6f8" stroke="#33475b" stroke-width="3">
    <path d="M0 40 L360 28 Q400 30 400 48 Q400 64 360 66 L0 62 Q-20 52 0 40 Z"/>
    <path d="M150 50 L250 -60 L285 -60 L230 50 Z"/><path d="M160 58 L260 150 L295 150 L235 60 Z"/>
    <path d="M10 44 L-30 -20 L5 -20 L45 42 Z"/><rect x="60" y="44" width="260" height="6" fill="#d7262b" stroke="none"/>
  </g>
  <rect y="${H - 210}" width="${W}" height="80" fill="#4a4f57"/>
  <g stroke="#fff" stroke-width="6" stroke-dasharray="50 40"><line x1="0" y1="${H - 170}" x2="${W}" y2="${H - 170}"/></g>
  ${flowers(7, 26, { x: 0, y: H - 330, w: 260, h: 150 })}${flowers(11, 26, { x: W - 260, y: H - 330, w: 260, h: 150 })}
  ${caption('Cảng hàng không quốc tế Cát Bi', 'Cat Bi International Airport · Hai Phong')}
</svg>`,
  'hai-phong-port.png': `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs><linearGradient id="dusk" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f08a4b"/><stop offset="0.55" stop-color="#ffd29a"/><stop offset="0.56" stop-color="#1f5f8b"/><stop offset="1" stop-color="#123b5a"/></linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#dusk)"/>
  <circle cx="300" cy="330" r="80" fill="#fff1c9" opacity="0.9"/>
  ${[0, 1, 2, 3].map((i) => `<g transform="translate(${620 + i * 150} 110)" fill="none" stroke="#263238" stroke-width="10"><line x1="0" y1="0" x2="0" y2="290"/><line x1="60" y1="0" x2="60" y2="290"/><line x1="-90" y1="30" x2="170" y2="30"/><line x1="0" y1="120" x2="60" y2="60"/><line x1="-90" y1="30" x2="0" y2="0"/></g>`).join('')}
  ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `<rect x="${560 + (i % 5) * 130}" y="${330 + Math.floor(i / 5) * 40}" width="122" height="36" fill="${['#d7262b', '#1b7f5b', '#f5a623', '#2b6cb0', '#8e44ad'][i % 5]}"/>`).join('')}
  <path d="M40 420 L520 420 L480 480 L80 480 Z" fill="#37474f"/><rect x="120" y="360" width="280" height="60" fill="#eceff1"/><rect x="200" y="320" width="100" height="40" fill="#d7262b"/>
  <g stroke="#ffffff55" stroke-width="3">${[520, 560, 600, 640].map((y) => `<line x1="0" y1="${y}" x2="${W}" y2="${y}" stroke-dasharray="30 60"/>`).join('')}</g>
  ${caption('Cảng Hải Phòng', 'Port of Hai Phong · gateway to the North')}
</svg>`,
  'hoa-phuong.png': `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="#fdf3e1"/>
  <path d="M640 ${H} C630 520 600 420 640 300 M640 420 C720 360 820 330 930 320 M640 380 C560 320 450 300 340 310" stroke="#6d4c41" stroke-width="26" fill="none" stroke-linecap="round"/>
  <g fill="#2e7d32" opacity="0.85">${Array.from({ length: 60 }, (_, i) => `<ellipse cx="${260 + ((i * 97) % 760)}" cy="${170 + ((i * 53) % 220)}" rx="26" ry="8" transform="rotate(${(i * 37) % 180} ${260 + ((i * 97) % 760)} ${170 + ((i * 53) % 220)})"/>`).join('')}</g>
  ${flowers(3, 90, { x: 240, y: 120, w: 800, h: 280 })}
  ${caption('Hải Phòng — Thành phố Hoa Phượng Đỏ', 'Hai Phong — the city of red flamboyant flowers')}
</svg>`,
};

const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: W, height: H });
  for (const [name, svg] of Object.entries(scenes)) {
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: join(dir, name), type: 'png' });
  }
} finally {
  await browser.close();
}

// 8 s, 640×360, 15 fps, slow zoom over the port: VP9 at a low bitrate stays well under 400 KB.
execFileSync('ffmpeg', [
  '-y',
  '-loglevel',
  'error',
  '-loop',
  '1',
  '-i',
  join(dir, 'hai-phong-port.png'),
  '-vf',
  "scale=1280:720,zoompan=z='1+0.0015*on':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=120:s=640x360:fps=15,format=yuv420p",
  '-frames:v',
  '120',
  '-c:v',
  'libvpx-vp9',
  '-b:v',
  '250k',
  '-an',
  join(dir, 'hai-phong-port-pan.webm'),
]);
