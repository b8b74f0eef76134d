import { DEFAULT_POLICY, resolvePolicy, type PolicyOverride, type ResolvedPolicy } from './alert-policy.js';
import type { PoliciesRepo, StoredOverride } from './policies-repo.js';

/**
 * The stored overrides, read once and resolved per gate and zone on demand; reloaded after a change.
 * Until the first reload() it knows no overrides: the engine reloads it before it starts.
 */
export class PolicyBook {
  private readonly repo: Pick<PoliciesRepo, 'list'>;
  private readonly defaults: ResolvedPolicy;
  private overrides = new Map<string, PolicyOverride>();
  private readonly resolved = new Map<string, ResolvedPolicy>();

  constructor(repo: Pick<PoliciesRepo, 'list'>, defaults: ResolvedPolicy = DEFAULT_POLICY) {
    this.repo = repo;
    this.defaults = defaults;
  }

  async reload(): Promise<void> {
    const stored = await this.repo.list();
    this.overrides = new Map(
      stored.map((override) => [key(override.gateId, override.zoneId), strip(override)]),
    );
    this.resolved.clear();
  }

  get defaultPolicy(): ResolvedPolicy {
    return this.defaults;
  }

  for(gateId: string, zoneId: string | null): ResolvedPolicy {
    const cacheKey = key(gateId, zoneId);
    let policy = this.resolved.get(cacheKey);
    if (!policy) {
      const zone = zoneId === null ? null : this.overrides.get(cacheKey);
      policy = resolvePolicy(this.defaults, this.overrides.get(key(gateId, null)), zone);
      this.resolved.set(cacheKey, policy);
    }
    return policy;
  }
}

function key(gateId: string, zoneId: string | null): string {
  return `${gateId}/${zoneId ?? ''}`;
}

function strip(stored: StoredOverride): PolicyOverride {
  const { rules, quietHours, displayOnHours } = stored;
  return {
    ...(rules !== undefined ? { rules } : {}),
    ...(quietHours !== undefined ? { quietHours } : {}),
    ...(displayOnHours !== undefined ? { displayOnHours } : {}),
  };
}
