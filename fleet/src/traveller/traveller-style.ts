import { createHash } from 'node:crypto';

/**
 * The page's only style, inline so a page is one request and a static export is self-contained;
 * the CSP names its hash instead of allowing inline styles. Mobile first: one column, large
 * text, long words wrap, wide tables scroll inside their own box, never the page.
 * Fonts: the scripts' Noto families by language, so Chinese, Japanese and Korean each get their
 * own glyph shapes; a phone without them falls back to its own fonts.
 */
export const TRAVELLER_CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:"Noto Sans","Noto Sans Lao","Noto Sans Lao UI","Noto Looped Lao","Noto Sans Khmer","Noto Sans Thai","Noto Looped Thai","Noto Sans CJK SC",sans-serif;font-size:1.25rem;line-height:1.55;color:#111;background:#fff;overflow-wrap:anywhere}
:lang(zh){font-family:"Noto Sans CJK SC","Noto Sans",sans-serif}
:lang(ja){font-family:"Noto Sans CJK JP","Noto Sans",sans-serif}
:lang(ko){font-family:"Noto Sans CJK KR","Noto Sans",sans-serif}
:lang(lo){font-family:"Noto Sans Lao","Noto Sans Lao UI","Noto Looped Lao","Noto Sans",sans-serif}
:lang(km){font-family:"Noto Sans Khmer","Noto Serif Khmer","Noto Sans",sans-serif}
:lang(th){font-family:"Noto Sans Thai","Noto Looped Thai","Noto Sans",sans-serif}
header{background:#0b3d63;color:#fff;padding:.75rem 1rem}
header a{color:#fff}
.gate{display:block;font-size:1.4rem;font-weight:700;text-decoration:none}
.langs{display:flex;flex-wrap:wrap;gap:.4rem;margin:.6rem 0;padding:0;list-style:none}
.langs a{display:inline-block;padding:.3rem .6rem;border:1px solid #fff;border-radius:.4rem;text-decoration:none;font-size:1.05rem;min-height:2.75rem;line-height:2rem}
.langs a[aria-current]{background:#fff;color:#0b3d63;font-weight:700}
form{display:flex;gap:.5rem;margin:.4rem 0 0}
input[type=search]{flex:1;min-width:0;font:inherit;padding:.5rem;border:2px solid #fff;border-radius:.4rem}
button{font:inherit;padding:.5rem .9rem;border:2px solid #fff;border-radius:.4rem;background:#ffd24d;color:#111}
main{padding:1rem;max-width:44rem;margin:0 auto}
.trail{font-size:1rem;margin-bottom:.5rem}
h1{font-size:1.8rem;line-height:1.3;margin:.3rem 0 .8rem}
h2{font-size:1.45rem;margin:1.4rem 0 .5rem}
.note{background:#fff4cc;border-left:.4rem solid #e0a800;padding:.6rem .8rem;margin:.8rem 0;font-size:1.05rem}
.sample{background:#eef3f8;border-left-color:#0b3d63}
.list{list-style:none;margin:0;padding:0}
.list li{border-bottom:1px solid #ccd}
.list a{display:block;padding:.9rem .2rem;color:#0b3d63;font-weight:700;text-decoration:none;min-height:3rem}
.list .summary{display:block;font-weight:400;color:#333;font-size:1.05rem}
figure{margin:1rem 0}
img{max-width:100%;height:auto}
figcaption{font-size:1rem;color:#333}
.table{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:1.05rem}
th,td{border:1px solid #99a;padding:.4rem .5rem;text-align:left;vertical-align:top}
.qr a{display:inline-block;padding:.6rem .9rem;background:#0b3d63;color:#fff;border-radius:.4rem;text-decoration:none}
`.trim();

export const TRAVELLER_CSS_HASH = `'sha256-${createHash('sha256').update(TRAVELLER_CSS).digest('base64')}'`;

/**
 * No script at all, no frames, pictures and the style only from the page's own site, forms only
 * to itself. The meta copy travels with a static export; frame-ancestors works only as a header.
 */
export const TRAVELLER_CSP_META = [
  "default-src 'none'",
  `style-src ${TRAVELLER_CSS_HASH}`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const TRAVELLER_CSP = `${TRAVELLER_CSP_META}; frame-ancestors 'none'`;
