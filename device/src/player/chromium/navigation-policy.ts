export interface NavigationRequest {
  url: string;
  /** The player's own frame; frames inside it are web items and html packages. */
  topFrame: boolean;
  playerOrigin: string;
  webOrigins: readonly string[];
}

/**
 * Pure: whether a document may load. The top frame shows the player page only; frames may show
 * the player's own packages and the allow-listed web origins. Everything else is refused.
 */
export function navigationVerdict(request: NavigationRequest): boolean {
  if (request.url === 'about:blank') return true;
  const origin = originOf(request.url);
  if (origin === null) return false;
  if (origin === request.playerOrigin) return true;
  if (request.topFrame) return false;
  return request.webOrigins.some((allowed) => originOf(allowed) === origin);
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin;
  } catch {
    return null;
  }
}
