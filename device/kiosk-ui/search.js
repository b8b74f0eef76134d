// Search over the information bundle, in every language at once. Pure: no DOM, unit-tested.
// Vietnamese diacritics and case are folded ("thu tuc" finds "thủ tục", "ПОЕЗД" finds "поезд");
// Chinese, Lao, Khmer, Thai, Korean and Japanese have no spaces between words, so every term is
// matched as a substring, which also serves languages with spaces well enough for short texts.

const COMBINING = /[\u0300-\u036f]/g;

/** Lower case, Latin diacritics removed (đ → d), spacing collapsed; other scripts unchanged. */
export function fold(text) {
  return String(text)
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every text of a node in `language`, title first. */
export function nodeTexts(node, language) {
  const texts = [];
  const add = (value) => {
    const text = value?.[language];
    if (typeof text === 'string' && text !== '') texts.push(text);
  };
  add(node.summary);
  for (const block of node.blocks ?? []) {
    if (block.type === 'heading' || block.type === 'text') add(block.text);
    else if (block.type === 'image') add(block.caption);
    else if (block.type === 'qr') add(block.label);
    else if (block.type === 'table') for (const row of block.rows) for (const cell of row) add(cell);
  }
  return texts;
}

/** The bundle folded once, for searching as the traveller types. */
export function buildIndex(bundle) {
  return bundle.nodes.map((node) => {
    const languages = languagesOf(node);
    const entries = [...languages].map((language) => ({
      language,
      title: fold(node.title[language] ?? ''),
      body: fold(nodeTexts(node, language).join(' ')),
    }));
    return { node, entries };
  });
}

/**
 * Nodes whose text, in any one language, holds every term of the query. Best first: the whole
 * query in a title, then every term in a title, then in the text; pages before categories.
 * Each result names the language its text matched in.
 */
export function search(index, query, limit = 30) {
  const phrase = fold(query);
  if (phrase === '') return [];
  const terms = phrase.split(' ');
  const results = [];
  for (const { node, entries } of index) {
    let best = null;
    for (const entry of entries) {
      const score = scoreOf(entry, phrase, terms);
      if (score > 0 && (best === null || score > best.score)) best = { score, language: entry.language };
    }
    if (best) results.push({ nodeId: node.id, kind: node.kind, language: best.language, score: best.score });
  }
  results.sort((a, b) => b.score - a.score || (a.kind === b.kind ? 0 : a.kind === 'page' ? -1 : 1));
  return results.slice(0, limit);
}

/** Every language any text of the node is written in. */
function languagesOf(node) {
  const languages = new Set(Object.keys(node.title));
  const texts = [node.summary];
  for (const block of node.blocks ?? []) {
    texts.push(block.text, block.caption, block.label);
    for (const row of block.rows ?? []) texts.push(...row);
  }
  for (const text of texts) for (const language of Object.keys(text ?? {})) languages.add(language);
  return languages;
}

function scoreOf(entry, phrase, terms) {
  if (entry.title.includes(phrase)) return 4;
  if (terms.every((term) => entry.title.includes(term))) return 3;
  const all = `${entry.title} ${entry.body}`;
  if (all.includes(phrase)) return 2;
  return terms.every((term) => all.includes(term)) ? 1 : 0;
}
