import prettier from 'prettier';

/** Formats markdown the way `npm run format` would, so generated docs pass the lint step. */
export async function formatMarkdown(text) {
  const options = await prettier.resolveConfig(new URL('../docs/protocol.md', import.meta.url));
  return prettier.format(text, { ...options, parser: 'markdown' });
}
