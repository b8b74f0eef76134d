/**
 * Why an SVG may not go to the screens, or null when it is safe. The player shows SVG in an <img>
 * today, but an operator opening it in a browser tab, or a future player, would run its script:
 * anything that can execute or reach outside the file is refused, not cleaned, so the stored
 * bytes are exactly what was uploaded and approved.
 */
export function svgProblem(text: string): string | null {
  const checks: Array<[RegExp, string]> = [
    [/<\s*(?:[a-z0-9_-]+:)?script[\s>/]/i, 'it contains a <script> element'],
    [/<\s*(?:[a-z0-9_-]+:)?foreignObject[\s>/]/i, 'it contains a <foreignObject> element (embedded HTML)'],
    [/<\s*(?:[a-z0-9_-]+:)?(?:iframe|embed|object|handler|listener)[\s>/]/i, 'it embeds active content'],
    [/\son[a-z]+\s*=/i, 'an element has an on… event handler attribute'],
    [/(?:java|vb)script\s*:/i, 'it contains a javascript: URL'],
    [/data\s*:\s*text\/html/i, 'it contains an HTML data: URL'],
    [/<!ENTITY/i, 'it declares XML entities'],
    [/<\?xml-stylesheet/i, 'it references an external stylesheet'],
    [/@import/i, 'its style imports an external stylesheet'],
    [
      /<\s*(?:[a-z0-9_-]+:)?(?:animate|set)\b[^>]*attributeName\s*=\s*["']?(?:xlink:)?href/i,
      'it animates a link target',
    ],
  ];
  for (const [pattern, why] of checks) if (pattern.test(text)) return why;
  const external = externalReference(text);
  return external ? `it references an external resource (${external})` : null;
}

/** The first href/src/url() that points outside the file (only `#fragment` and data:image are inside). */
function externalReference(text: string): string | null {
  const references = [
    ...text.matchAll(/\s(?:xlink:)?(?:href|src)\s*=\s*(["'])([\s\S]*?)\1/gi),
    ...text.matchAll(/url\(\s*(["']?)([^)"']*)\1\s*\)/gi),
  ].map((match) => (match[2] ?? '').trim());
  for (const reference of references) {
    if (reference === '' || reference.startsWith('#')) continue;
    if (/^data:image\/(?:png|jpeg|gif|webp);/i.test(reference)) continue;
    return reference.length > 80 ? `${reference.slice(0, 80)}…` : reference;
  }
  return null;
}
