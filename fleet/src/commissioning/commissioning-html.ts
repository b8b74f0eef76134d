import { SELF_TEST_CHECKS } from '@gatecast/protocol';
import { esc } from '../reports/yearly-html.js';
import { checkMark } from './commissioning-report.js';
import type { CommissioningScreen, GateCommissioning, ScreenState } from './commissioning-schemas.js';

/** Vietnamese first (the working language of the gates), English beside it. */
const H = {
  title: ['Biên bản nghiệm thu màn hình', 'Screen commissioning report'],
  gate: ['Cửa khẩu', 'Border gate'],
  generated: ['Lập lúc', 'Generated at'],
  screens: ['Số màn hình', 'Screens'],
  zone: ['Khu vực', 'Zone'],
  screen: ['Màn hình', 'Screen'],
  result: ['Kết quả', 'Result'],
  ranAt: ['Kiểm tra lúc', 'Tested at'],
  problems: ['Lỗi và cảnh báo', 'Failures and warnings'],
  legend: ['✓ đạt · ! cảnh báo · ✗ lỗi · – bỏ qua', '✓ pass · ! warning · ✗ fail · – skipped'],
  signature: ['Kỹ thuật viên (ký, ghi rõ họ tên)', 'Technician (signature and name)'],
} as const;

const STATE_TEXT: Record<ScreenState, string> = {
  passed: 'Đạt / Passed',
  failed: 'Không đạt / Failed',
  'never-ran': 'Chưa kiểm tra / Never ran',
};

/** One self-contained printable page (A4 landscape, no scripts): one row per screen, a mark per check. */
export function renderCommissioningHtml(sheet: GateCommissioning): string {
  const { totals } = sheet;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>${esc(`${H.title[0]} — ${sheet.gate.name}`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${heading('title')}</h1>
<dl class="facts">
<dt>${heading('gate')}</dt><dd>${esc(sheet.gate.name)} (${esc(sheet.gate.id)})</dd>
<dt>${heading('generated')}</dt><dd>${esc(sheet.generatedAt)}</dd>
<dt>${heading('screens')}</dt><dd>${totals.screens}: ${totals.passed} ✓ · ${totals.failed} ✗ · ${totals.neverRan} ?</dd>
</dl>
<table>
<thead><tr><th>${heading('zone')}</th><th>${heading('screen')}</th><th>${heading('result')}</th>${SELF_TEST_CHECKS.map((check) => `<th class="mark">${esc(check)}</th>`).join('')}<th>${heading('ranAt')}</th><th>${heading('problems')}</th></tr></thead>
<tbody>
${sheet.screens.map(row).join('\n')}
</tbody>
</table>
<p class="muted">${heading('legend')}</p>
<p class="sign">${heading('signature')}: ____________________________</p>
</body>
</html>
`;
}

function row(screen: CommissioningScreen): string {
  const marks = SELF_TEST_CHECKS.map((check) => `<td class="mark">${checkMark(screen.report, check)}</td>`);
  const problems = (screen.report?.checks ?? [])
    .filter((check) => check.status === 'fail' || check.status === 'warn')
    .map((check) => `${check.check}: ${check.summary}`);
  return `<tr class="${screen.state}"><td>${esc(screen.zoneName)}</td><td>${esc(screen.name)}<br><span class="muted">${esc(screen.deviceId)}</span></td><td>${STATE_TEXT[screen.state]}</td>${marks.join('')}<td>${esc(screen.at ?? '-')}</td><td>${problems.map(esc).join('<br>')}</td></tr>`;
}

function heading(key: keyof typeof H): string {
  const [vi, en] = H[key];
  return `${esc(vi)} <span class="en">/ ${esc(en)}</span>`;
}

const CSS = `
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2rem auto; max-width: 75rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; }
.en { color: #555; font-weight: normal; }
.muted { color: #666; font-size: 0.85em; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin-top: 1rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
.mark { text-align: center; width: 2.5rem; }
tr.failed td:nth-child(3) { font-weight: bold; }
.sign { margin-top: 3rem; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
`;
