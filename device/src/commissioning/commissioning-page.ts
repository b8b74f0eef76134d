import { STATUS_TEXT, TEXT, type Bilingual } from './commissioning-text.js';
import type { CommissioningView } from './commissioning-view.js';

/** Reloads itself: the screen has no keyboard, and a reload needs no script. */
export const PAGE_REFRESH_SEC = 5;

/** The commissioning page as one HTML document; `qrHtml` is trusted markup, everything else is escaped. */
export function renderCommissioningPage(view: CommissioningView, qrHtml: string | null): string {
  const main = view.mode === 'config-error' ? configErrorBlock(view) : enrolmentBlock(view, qrHtml);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${PAGE_REFRESH_SEC}">
<title>gatecast</title>
<style>${STYLE}</style>
</head>
<body class="${view.mode}">
<h1>${both(TEXT.title)}</h1>
<main>${main}</main>
<dl class="facts">${facts(view)}</dl>
<footer>gatecast ${escapeHtml(view.agentVersion)} · ${escapeHtml(view.updatedAt)}</footer>
</body>
</html>
`;
}

function enrolmentBlock(view: CommissioningView, qrHtml: string | null): string {
  const enrolment = view.enrolment;
  const status = enrolment ? STATUS_TEXT[enrolment.status] : STATUS_TEXT.requesting;
  const code = enrolment?.pairingCode ?? '····-····';
  const detail = enrolment?.detail ? `<p class="detail">${escapeHtml(enrolment.detail)}</p>` : '';
  const qr = qrHtml && enrolment?.approvalUrl ? `<div class="qr">${qrHtml}</div>` : '';
  return `<section class="pairing">
<div>
<p class="label">${both(TEXT.pairingCode)}</p>
<p class="code" id="pairing-code">${escapeHtml(code)}</p>
<p class="status status-${enrolment?.status ?? 'requesting'}">${both(status)}</p>
${detail}
<p class="how">${both(TEXT.approveHow)}</p>
</div>
${qr}
</section>`;
}

function configErrorBlock(view: CommissioningView): string {
  return `<section class="problem">
<p class="label">${both(TEXT.configError)}</p>
<p class="error" id="config-error">${escapeHtml(view.configError ?? '')}</p>
<p class="how">${both(TEXT.configWhatToDo)}</p>
</section>`;
}

function facts(view: CommissioningView): string {
  const { network } = view;
  const link = [network.interface, network.kind, network.address]
    .filter((part): part is string => Boolean(part))
    .map(escapeHtml)
    .join(' · ');
  const linkState = network.connected ? both(TEXT.connected) : both(TEXT.notConnected);
  const reach =
    view.fleetReachable === null ? TEXT.checking : view.fleetReachable ? TEXT.reachable : TEXT.unreachable;
  const rows = [
    [
      TEXT.serial,
      `<span id="serial">${escapeHtml(view.serial)}</span>${view.model ? ` · ${escapeHtml(view.model)}` : ''}`,
    ],
    [
      TEXT.network,
      `${link ? `${link} — ` : ''}<span class="${network.connected ? 'ok' : 'bad'}">${linkState}</span>`,
    ],
  ];
  if (view.fleetUrl !== null) {
    const state = view.fleetReachable === false ? 'bad' : 'ok';
    rows.push([TEXT.fleet, `${escapeHtml(view.fleetUrl)} — <span class="${state}">${both(reach)}</span>`]);
  }
  if (view.gateId !== null) {
    rows.push([TEXT.gate, escapeHtml([view.gateId, view.zoneId].filter(Boolean).join(' / '))]);
  }
  return rows
    .map(([label, value]) => `<dt>${both(label as Bilingual)}</dt><dd>${value as string}</dd>`)
    .join('');
}

function both(text: Bilingual): string {
  return `<span lang="vi">${escapeHtml(text.vi)}</span> <span lang="en" class="en">${escapeHtml(text.en)}</span>`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
html,body{margin:0;height:100%;background:#0d1b2a;color:#f1f5f9;font-family:"Noto Sans",sans-serif}
body{display:flex;flex-direction:column;padding:3vh 4vw;box-sizing:border-box;gap:3vh}
h1{font-size:4.5vh;margin:0;font-weight:600}
.en{color:#94a3b8}
h1 .en,.label .en,.status .en{display:block;font-size:.75em}
.how .en{display:block;font-size:.9em}
main{flex:1;display:flex;align-items:center}
.pairing{display:flex;gap:5vw;align-items:center;width:100%}
.label{font-size:3.5vh;margin:0}
.code{font-size:16vh;font-weight:700;letter-spacing:.08em;margin:1vh 0;font-family:"Noto Sans Mono",monospace}
.status{font-size:3.5vh;margin:1vh 0}
.status-refused,.status-unreachable{color:#fca5a5}
.status-approved{color:#86efac}
.how{font-size:2.6vh;color:#cbd5e1}
.detail{font-size:2.6vh;color:#fca5a5}
.qr{background:#fff;padding:1vh;width:38vh;height:38vh;flex:none}
.qr img{width:100%;height:100%}
.problem{border:.6vh solid #f87171;border-radius:2vh;padding:3vh 3vw;width:100%;box-sizing:border-box}
.error{font-size:3.8vh;font-family:"Noto Sans Mono",monospace;color:#fecaca;word-break:break-word}
.facts{display:grid;grid-template-columns:auto 1fr;gap:1vh 2vw;font-size:2.6vh;margin:0}
.facts dt{color:#94a3b8}.facts dd{margin:0}.facts dt .en{display:inline}
.ok{color:#86efac}.bad{color:#fca5a5}
footer{font-size:1.8vh;color:#64748b}
`;
