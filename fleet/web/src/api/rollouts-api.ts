import type { DailyWindow } from '../../../src/alerts/daily-window.js';
import type {
  CreateRolloutBody,
  RolloutScreenView,
  RolloutSummary,
  RolloutView,
  WaveSpec,
} from '../../../src/rollouts/rollouts-api.js';
import type { ApiClient } from './client.js';
import type { Gate } from './types.js';

/** The rollout views are the fleet's own contract (types only: no zod in the bundle). */
export type { DailyWindow, RolloutScreenView, RolloutSummary, RolloutView, WaveSpec };

/** What the form sends; the fleet fills its defaults (waves, max failures) the same way. */
export type NewRollout = Omit<CreateRolloutBody, 'target'> & {
  target: { gates: string[]; zones: string[]; tags: string[]; devices: string[] };
};

/** The parts of a release (GET /api/v1/releases) the rollout pages show. */
export interface ReleaseView {
  version: string;
  published: boolean;
  manifest: { rollback: boolean; notes: string };
}

export type GateWithWindow = Gate & { maintenanceWindow: DailyWindow | null };

const path = (id: string, action = '') => `/api/v1/rollouts/${encodeURIComponent(id)}${action}`;

export async function listRollouts(api: ApiClient): Promise<RolloutSummary[]> {
  return (await api.get<{ rollouts: RolloutSummary[] }>('/api/v1/rollouts')).rollouts;
}

export function getRollout(api: ApiClient, id: string): Promise<RolloutView> {
  return api.get<RolloutView>(path(id));
}

export function createRollout(api: ApiClient, body: NewRollout): Promise<RolloutView> {
  return api.send<RolloutView>('POST', '/api/v1/rollouts', body);
}

export function changeRollout(
  api: ApiClient,
  id: string,
  action: 'pause' | 'resume' | 'abort',
): Promise<RolloutView> {
  return api.send<RolloutView>('POST', path(id, `/${action}`));
}

/** The new rollout that takes the screens to `to`. */
export function rollBack(api: ApiClient, id: string, to: string): Promise<RolloutView> {
  return api.send<RolloutView>('POST', path(id, '/rollback'), { to });
}

/** Published releases only: the others cannot be rolled out. */
export async function listPublishedReleases(api: ApiClient): Promise<ReleaseView[]> {
  const { releases } = await api.get<{ releases: ReleaseView[] }>('/api/v1/releases');
  return releases.filter((release) => release.published);
}

export async function listGatesWithWindows(api: ApiClient): Promise<GateWithWindow[]> {
  return (await api.get<{ gates: GateWithWindow[] }>('/api/v1/gates')).gates;
}

export function setMaintenanceWindow(
  api: ApiClient,
  gateId: string,
  window: DailyWindow | null,
): Promise<{ gateId: string; window: DailyWindow | null }> {
  return api.send('PUT', `/api/v1/gates/${encodeURIComponent(gateId)}/maintenance-window`, { window });
}
