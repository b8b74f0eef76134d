import { useEffect, useState, type FormEvent } from 'react';
import { createRollout, listPublishedReleases, type ReleaseView } from '../api/rollouts-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useRouter } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { Notice } from '../components/notice.js';
import { SelectField } from '../components/select-field.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';
import { parseWaves, splitTags } from '../model/rollouts-view.js';
import { toggled } from '../model/toggled.js';

interface Props {
  onFailed(error: unknown): void;
}

/** Pick a published release, the gates, zones or tags, the waves; the rollout page opens once it started. */
export function NewRolloutForm({ onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const { navigate } = useRouter();
  const { gates } = useFleetData();
  const [releases, setReleases] = useState<ReleaseView[] | null>(null);
  const [version, setVersion] = useState('');
  const [gateIds, setGateIds] = useState<string[]>([]);
  const [zones, setZones] = useState<string[]>([]);
  const [tags, setTags] = useState('');
  const [waves, setWaves] = useState('canary, 10, 50, 100');
  const [maxFailures, setMaxFailures] = useState('0');
  const [anyTime, setAnyTime] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, run] = useBusyAction(onFailed);

  useEffect(() => {
    listPublishedReleases(api)
      .then(setReleases)
      .catch((error: unknown) => {
        setReleases([]);
        onFailed(error);
      });
    // Loaded once: publishing is rare and the page reloads the list anyway.
  }, [api]);

  const manageable = gates.filter((gate) => allows(me, 'rollouts.manage', gate.id));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const waveList = parseWaves(waves);
    const target = { gates: gateIds, zones, tags: splitTags(tags), devices: [] };
    if (target.gates.length + target.zones.length + target.tags.length === 0)
      return setProblem(t('rollouts.new.noTarget'));
    if (!waveList) return setProblem(t('rollouts.new.badWaves'));
    setProblem(null);
    void run(async () => {
      const created = await createRollout(api, {
        version,
        target,
        waves: waveList,
        maxFailures: Number(maxFailures) || 0,
        ignoreMaintenanceWindows: anyTime,
      });
      navigate(`/rollouts/${created.id}`);
    });
  };

  return (
    <section className="card" aria-labelledby="rollout-new-title">
      <h2 id="rollout-new-title">{t('rollouts.new.title')}</h2>
      {releases !== null && releases.length === 0 ? (
        <p className="muted">{t('rollouts.new.noReleases')}</p>
      ) : (
        <form className="rollout-form" data-form="new-rollout" onSubmit={submit}>
          <SelectField
            label={t('rollouts.new.release')}
            name="version"
            value={version}
            onValue={setVersion}
            options={(releases ?? []).map((release) => ({ value: release.version, label: release.version }))}
            empty={t('rollouts.new.pickRelease')}
            required
          />
          <fieldset className="rollout-targets">
            <legend>{t('rollouts.new.gates')}</legend>
            {manageable.map((gate) => (
              <div key={gate.id} className="rollout-target-gate">
                <label className="check">
                  <input
                    type="checkbox"
                    name="gate"
                    value={gate.id}
                    checked={gateIds.includes(gate.id)}
                    onChange={() => setGateIds(toggled(gateIds, gate.id))}
                  />
                  {gate.name}
                </label>
                {!gateIds.includes(gate.id) && gate.zones.length > 0 && (
                  <div className="rollout-target-zones" aria-label={t('rollouts.new.zones')}>
                    {gate.zones.map((zone) => {
                      const id = `${gate.id}/${zone.id}`;
                      return (
                        <label key={id} className="check">
                          <input
                            type="checkbox"
                            name="zone"
                            value={id}
                            checked={zones.includes(id)}
                            onChange={() => setZones(toggled(zones, id))}
                          />
                          {zone.name}
                        </label>
                      );
                    })}
                  </div>
                )}
              </div>
            ))}
          </fieldset>
          <Field label={t('rollouts.new.tags')} name="tags" value={tags} onValue={setTags} />
          <Field
            label={t('rollouts.new.waves')}
            name="waves"
            value={waves}
            onValue={setWaves}
            title={t('rollouts.new.wavesHint')}
          />
          <Field
            label={t('rollouts.new.maxFailures')}
            name="max-failures"
            type="number"
            min={0}
            value={maxFailures}
            onValue={setMaxFailures}
          />
          <label className="check">
            <input
              type="checkbox"
              name="any-time"
              checked={anyTime}
              onChange={(event) => setAnyTime(event.target.checked)}
            />
            {t('rollouts.new.anyTime')}
          </label>
          {problem && <Notice kind="error">{problem}</Notice>}
          <button type="submit" className="button button-primary" disabled={busy || version === ''}>
            {busy ? t('rollouts.new.busy') : t('rollouts.new.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
