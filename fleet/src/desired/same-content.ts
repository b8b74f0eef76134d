import type { DesiredDocument } from '@gatecast/protocol';

/**
 * True when two documents differ at most in `version` and `issuedAt`. Keys are compared sorted,
 * because a document read back through zod may list them in another order than a composed one.
 */
export function sameContent(a: DesiredDocument, b: DesiredDocument): boolean {
  return canonical(withoutStamp(a)) === canonical(withoutStamp(b));
}

function withoutStamp(document: DesiredDocument): Omit<DesiredDocument, 'version' | 'issuedAt'> {
  const { version: _version, issuedAt: _issuedAt, ...rest } = document;
  return rest;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const entries = Object.entries(inner as Record<string, unknown>).sort(([x], [y]) =>
      x < y ? -1 : x > y ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}
