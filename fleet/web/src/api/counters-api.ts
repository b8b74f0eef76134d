import type { ApiClient } from './client.js';

/** A tablet paired with a counter screen; revoked ones stay listed. */
export interface CounterPairingView {
  id: string;
  deviceId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** A counter screen as GET /api/v1/counters answers: code only for those who may command it. */
export interface CounterView {
  deviceId: string;
  name: string;
  gateId: string;
  code?: { code: string; expiresAt: string } | null;
  page: { nodeId: string; language: string; shownSince: string; until: string | null } | null;
  pairings: CounterPairingView[];
}

export async function fetchCounters(api: ApiClient, gateId: string): Promise<CounterView[]> {
  const query = gateId ? `?${new URLSearchParams({ gate: gateId })}` : '';
  return (await api.get<{ counters: CounterView[] }>(`/api/v1/counters${query}`)).counters;
}

export function newCounterCode(api: ApiClient, deviceId: string) {
  return api.send<{ deviceId: string; code: string; expiresAt: string }>(
    'POST',
    `/api/v1/counters/${encodeURIComponent(deviceId)}/new-code`,
  );
}

export function revokeCounterPairing(api: ApiClient, pairingId: string) {
  return api.send<{ pairing: CounterPairingView; revoked: boolean }>(
    'DELETE',
    `/api/v1/counters/pairings/${encodeURIComponent(pairingId)}`,
  );
}
