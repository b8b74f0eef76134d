import type { AnnouncementState } from '../announcements/announcement-model.js';
import type { KioskUsageReport } from './kiosk-usage.js';
import type { YearlyReport } from './yearly-report.js';

/** Headings in Vietnamese first (the city's working language), then English. */
const H = {
  title: ['Báo cáo năm về hệ thống thông tin đối ngoại', 'Yearly report of the foreign-information screens'],
  gate: ['Cửa khẩu', 'Border gate'],
  year: ['Năm', 'Year'],
  period: ['Thời kỳ', 'Period'],
  generated: ['Lập lúc', 'Generated at'],
  summary: ['Tóm tắt', 'Summary'],
  uptime: ['Thời gian hoạt động của màn hình', 'Screen uptime'],
  gateUptime: ['Thời gian hoạt động của cửa khẩu', 'Gate uptime'],
  screen: ['Màn hình', 'Screen'],
  zone: ['Khu vực', 'Zone'],
  observed: ['Giờ theo dõi', 'Hours observed'],
  online: ['Giờ trực tuyến', 'Hours online'],
  share: ['Tỷ lệ', 'Uptime'],
  plays: ['Nội dung đã phát', 'Proof of play'],
  item: ['Nội dung', 'Item'],
  language: ['Ngôn ngữ', 'Language'],
  count: ['Số lần phát', 'Plays'],
  seconds: ['Tổng số giây', 'Total seconds'],
  average: ['Trung bình (giây)', 'Average (s)'],
  announcements: ['Thông báo khẩn và xác nhận hiển thị', 'Urgent announcements and render receipts'],
  announcement: ['Thông báo', 'Announcement'],
  start: ['Bắt đầu', 'Start'],
  status: ['Trạng thái', 'Status'],
  shown: ['Màn hình đã hiển thị', 'Screens that showed it'],
  lastReceipt: ['Xác nhận cuối sau (giây)', 'Last receipt after (s)'],
  shownEverywhere: ['Đã hiển thị trên mọi màn hình được chọn', 'Shown on every targeted screen'],
  total: ['Tổng cộng', 'Total'],
  none: ['Không có dữ liệu', 'No data'],
  removed: ['đã gỡ', 'removed'],
  kioskViews: ['Lượt xem trang trên ki-ốt tra cứu', 'Lookup kiosk page views'],
  kiosk: ['Ki-ốt', 'Kiosk'],
  views: ['Lượt xem', 'Views'],
  failedSearches: ['Tìm kiếm không có kết quả', 'Searches that found nothing'],
  term: ['Từ khóa', 'Term'],
  times: ['Số lần', 'Times'],
} as const;

type Heading = keyof typeof H;

/**
 * The yearly report as one self-contained, printable HTML page (no scripts, no external files):
 * A4 print CSS, table headers repeated on each printed page, every value escaped.
 */
export function renderYearlyHtml(report: YearlyReport): string {
  const totalPlays = report.plays.total.plays;
  const shownAll = report.announcements.filter((a) => a.targeted > 0 && a.shown === a.targeted).length;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${H.title[0]} — ${report.gate.name} — ${report.year}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${both('title')}</h1>
<dl class="facts">
<dt>${both('gate')}</dt><dd data-field="gate">${esc(report.gate.name)} <span class="muted">(${esc(report.gate.id)})</span></dd>
<dt>${both('year')}</dt><dd data-field="year">${report.year}</dd>
<dt>${both('period')}</dt><dd>${esc(report.from)} – ${esc(report.to)} <span class="muted">(${esc(report.gate.timeZone)})</span></dd>
<dt>${both('generated')}</dt><dd data-field="generated-at">${esc(report.generatedAt)}</dd>
</dl>
</header>
<section>
<h2>${both('summary')}</h2>
<ul class="summary">
<li>${both('gateUptime')}: <strong data-field="gate-uptime">${percent(report.uptime.gatePercent)}</strong></li>
<li>${both('count')}: <strong data-field="total-plays">${number(totalPlays)}</strong></li>
<li>${both('announcements')}: <strong data-field="announcement-count">${report.announcements.length}</strong></li>
<li>${both('shownEverywhere')}: <strong data-field="announcements-shown-everywhere">${shownAll}</strong></li>
${report.kiosk ? `<li>${both('kioskViews')}: <strong data-field="kiosk-views">${number(report.kiosk.views.total)}</strong></li>` : ''}
</ul>
</section>
<section>
<h2>${both('uptime')}</h2>
${table(
  ['screen', 'zone', 'observed', 'online', 'share'],
  report.uptime.screens.map((screen) => [
    `${esc(screen.name)} <span class="muted">${esc(screen.deviceId)}${screen.removed ? `, ${H.removed[0]} / ${H.removed[1]}` : ''}</span>`,
    esc(screen.zoneId),
    number(screen.observedHours),
    number(screen.onlineHours),
    percent(screen.uptimePercent),
  ]),
  ['total', '', '', '', percent(report.uptime.gatePercent)],
)}
</section>
<section>
<h2>${both('plays')}</h2>
${table(
  ['item', 'language', 'count', 'seconds', 'average'],
  report.plays.rows.map((row) => [
    esc(row.item ?? ''),
    esc(row.language ?? '—'),
    number(row.plays),
    number(row.totalSeconds),
    number(row.averageSeconds),
  ]),
  ['total', '', number(totalPlays), number(report.plays.total.totalSeconds), ''],
)}
</section>
<section>
<h2>${both('announcements')}</h2>
${table(
  ['announcement', 'start', 'status', 'shown', 'lastReceipt'],
  report.announcements.map((announcement) => [
    titleOf(announcement.title),
    esc(announcement.startsAt ?? '—'),
    stateLabel(announcement.state),
    `${announcement.shown} / ${announcement.targeted}`,
    announcement.lastReceiptAfterSec === null ? '—' : number(announcement.lastReceiptAfterSec),
  ]),
)}
</section>
${report.kiosk ? kioskSections(report.kiosk) : ''}</body>
</html>
`;
}

/** Anonymous counts only (reports/kiosk-usage.ts): views per kiosk and language, failed searches. */
function kioskSections(kiosk: KioskUsageReport): string {
  return `<section>
<h2>${both('kioskViews')}</h2>
${table(
  ['kiosk', 'language', 'views'],
  kiosk.views.rows.map((row) => [
    `${esc(row.deviceName ?? row.deviceId)} <span class="muted">${esc(row.deviceId)}</span>`,
    esc(row.language),
    number(row.views),
  ]),
  ['total', '', number(kiosk.views.total)],
)}
</section>
<section>
<h2>${both('failedSearches')}</h2>
${table(
  ['term', 'language', 'times'],
  kiosk.failedSearches.map((row) => [
    `<span lang="${esc(row.language)}">${esc(row.term)}</span>`,
    esc(row.language),
    number(row.count),
  ]),
)}
</section>
`;
}

function both(key: Heading): string {
  const [vi, en] = H[key];
  return `${esc(vi)} <span class="en" lang="en">/ ${esc(en)}</span>`;
}

/** Cells are already-escaped HTML. */
function table(columns: Heading[], rows: string[][], footer?: string[]): string {
  if (rows.length === 0) return `<p class="muted">${both('none')}</p>`;
  const head = columns.map((column) => `<th scope="col">${both(column)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  const foot = footer
    ? `<tfoot><tr>${footer.map((cell, index) => (index === 0 ? `<th scope="row">${both('total')}</th>` : `<td>${cell}</td>`)).join('')}</tr></tfoot>`
    : '';
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>${foot}\n</table>`;
}

const STATES: Record<AnnouncementState, readonly [string, string]> = {
  'awaiting-approval': ['chờ duyệt', 'awaiting approval'],
  rejected: ['bị từ chối', 'rejected'],
  scheduled: ['đã lên lịch', 'scheduled'],
  live: ['đang hiển thị', 'live'],
  expired: ['đã hết hạn', 'expired'],
  cancelled: ['đã hủy', 'cancelled'],
};

function stateLabel(state: AnnouncementState): string {
  const [vi, en] = STATES[state];
  return `${esc(vi)} <span class="en" lang="en">/ ${esc(en)}</span>`;
}

function titleOf(texts: Record<string, string>): string {
  const order = ['vi', 'en', ...Object.keys(texts).filter((lang) => lang !== 'vi' && lang !== 'en')];
  const lines = order.filter((lang) => texts[lang] !== undefined).slice(0, 2);
  if (lines.length === 0) return '—';
  return lines.map((lang) => `<span lang="${esc(lang)}">${esc(texts[lang] ?? '')}</span>`).join('<br>');
}

function percent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} %`;
}

function number(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const CSS = `
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #999; padding-bottom: 0.2rem; }
.en { color: #555; font-weight: normal; }
.muted { color: #666; font-size: 0.9em; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
td:nth-child(n+3) { font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { font-weight: bold; background: #f6f6f6; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  h2 { break-after: avoid; }
}
`;
