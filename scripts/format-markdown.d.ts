export function formatMarkdown(text: string): Promise<string>;
