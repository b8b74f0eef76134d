export const TONES: { acute: string; grave: string; hook: string; tilde: string; dot: string };
export function applyTone(text: string, mark: string): string;
