import { useCallback, useEffect, useState } from 'react';
import {
  listGatesWithWindows,
  setMaintenanceWindow,
  type DailyWindow,
  type GateWithWindow,
} from '../api/rollouts-api.js';
import { useMe, useSession } from '../app/session.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';

interface Props {
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** Each gate's maintenance window, in the gate's own time, editable where the user manages rollouts. */
export function MaintenanceWindows({ onDone, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const [gates, setGates] = useState<GateWithWindow[] | null>(null);

  const load = useCallback(async () => {
    try {
      setGates(await listGatesWithWindows(api));
    } catch (error) {
      onFailed(error);
    }
    // The callbacks come from the page and never change what is loaded.
  }, [api]);

  useEffect(() => void load(), [load]);

  const manageable = (gates ?? []).filter((gate) => allows(me, 'rollouts.manage', gate.id));
  return (
    <section className="card" aria-labelledby="rollout-windows-title" data-list="maintenance-windows">
      <h2 id="rollout-windows-title">{t('rollouts.windows.title')}</h2>
      <p className="muted">{t('rollouts.windows.intro')}</p>
      {gates === null ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        manageable.map((gate) => (
          <GateWindow
            key={`${gate.id}:${gate.maintenanceWindow?.from ?? ''}-${gate.maintenanceWindow?.to ?? ''}`}
            gate={gate}
            onSaved={(window) => {
              setGates((list) =>
                (list ?? []).map((other) =>
                  other.id === gate.id ? { ...other, maintenanceWindow: window } : other,
                ),
              );
              onDone(t('rollouts.windows.saved', { gate: gate.name }));
            }}
            onFailed={onFailed}
          />
        ))
      )}
    </section>
  );
}

interface GateWindowProps {
  gate: GateWithWindow;
  onSaved(window: DailyWindow | null): void;
  onFailed(error: unknown): void;
}

function GateWindow({ gate, onSaved, onFailed }: GateWindowProps) {
  const { t } = useI18n();
  const { api } = useSession();
  const [from, setFrom] = useState(gate.maintenanceWindow?.from ?? '');
  const [to, setTo] = useState(gate.maintenanceWindow?.to ?? '');
  const [busy, run] = useBusyAction(onFailed);
  const save = (window: DailyWindow | null) =>
    void run(async () => onSaved((await setMaintenanceWindow(api, gate.id, window)).window));
  const current = gate.maintenanceWindow
    ? t('rollouts.windows.value', { ...gate.maintenanceWindow, zone: gate.timeZone })
    : `${t('rollouts.windows.none')} (${gate.timeZone})`;

  return (
    <form
      className="rollout-window"
      data-gate-id={gate.id}
      onSubmit={(event) => {
        event.preventDefault();
        save({ from, to });
      }}
    >
      <div className="rollout-window-head">
        <strong>{gate.name}</strong>{' '}
        <span className="muted" data-window>
          {current}
        </span>
      </div>
      <div className="rollout-window-fields">
        <label className="field">
          <span>{t('rollouts.windows.from')}</span>
          <input type="time" name="from" value={from} required onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('rollouts.windows.to')}</span>
          <input type="time" name="to" value={to} required onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" className="button" disabled={busy}>
          {t('common.save')}
        </button>
        {gate.maintenanceWindow && (
          <button
            type="button"
            className="button button-quiet"
            data-action="clear-window"
            disabled={busy}
            onClick={() => save(null)}
          >
            {t('rollouts.windows.clear')}
          </button>
        )}
      </div>
    </form>
  );
}
