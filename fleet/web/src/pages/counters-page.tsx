import { useCallback, useEffect, useState } from 'react';
import {
  fetchCounters,
  newCounterCode,
  revokeCounterPairing,
  type CounterPairingView,
  type CounterView,
} from '../api/counters-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { SelectField } from '../components/select-field.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';
import './counters.css';

/** Counter screens per gate: their code, what they show, and the tablets paired with them (revocable). */
export function CountersPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const { gates } = useFleetData();
  const describe = useDescribeError();
  const [gateId, setGateId] = useState('');
  const [counters, setCounters] = useState<CounterView[] | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(() => {
    fetchCounters(api, gateId)
      .then((answer) => {
        setCounters(answer);
        setProblem(null);
      })
      .catch((error: unknown) => setProblem(error));
  }, [api, gateId]);
  useEffect(load, [load]);

  const act = async (work: () => Promise<string>) => {
    try {
      setDone(await work());
      setProblem(null);
    } catch (error) {
      setDone(null);
      setProblem(error);
    }
    load();
  };
  const renewCode = (counter: CounterView) =>
    act(async () => {
      const { code } = await newCounterCode(api, counter.deviceId);
      return t('counters.newCodeDone', { screen: counter.name, code });
    });
  const revoke = (counter: CounterView, pairing: CounterPairingView) =>
    act(async () => {
      await revokeCounterPairing(api, pairing.id);
      return t('counters.revoked', { screen: counter.name });
    });

  return (
    <div className="counters-page">
      <h1>{t('counters.title')}</h1>
      <p className="muted">{t('counters.intro', { url: `${window.location.origin}/counter` })}</p>
      <SelectField
        label={t('counters.gate')}
        name="gate"
        value={gateId}
        onValue={setGateId}
        empty={t('counters.allGates')}
        options={gates.map((gate) => ({ value: gate.id, label: gate.name }))}
      />
      {problem !== null && <Notice kind="error">{describe(problem)}</Notice>}
      {done !== null && <Notice kind="success">{done}</Notice>}
      <section className="card card-wide">
        {counters === null ? (
          <p className="muted">{t('app.loading')}</p>
        ) : counters.length === 0 ? (
          <p className="muted">{t('counters.none')}</p>
        ) : (
          <div className="table-scroll">
            <table className="table counters">
              <thead>
                <tr>
                  <th scope="col">{t('counters.screen')}</th>
                  <th scope="col">{t('counters.code')}</th>
                  <th scope="col">{t('counters.showing')}</th>
                  <th scope="col">{t('counters.tablets')}</th>
                </tr>
              </thead>
              <tbody>
                {counters.map((counter) => (
                  <CounterRow
                    key={counter.deviceId}
                    counter={counter}
                    mayCommand={allows(me, 'devices.command', counter.gateId)}
                    onNewCode={() => void renewCode(counter)}
                    onRevoke={(pairing) => void revoke(counter, pairing)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function CounterRow(props: {
  counter: CounterView;
  mayCommand: boolean;
  onNewCode(): void;
  onRevoke(pairing: CounterPairingView): void;
}) {
  const { t, dateTime } = useI18n();
  const { counter, mayCommand } = props;
  const page = counter.page;
  return (
    <tr data-device-id={counter.deviceId}>
      <td>
        <a href={`/devices/${encodeURIComponent(counter.deviceId)}`}>{counter.name}</a>
        <div className="muted">{counter.gateId}</div>
      </td>
      <td>
        {counter.code ? (
          <>
            <strong className="counter-code" data-code>
              {counter.code.code}
            </strong>
            <div className="muted">{t('counters.codeUntil', { time: dateTime(counter.code.expiresAt) })}</div>
          </>
        ) : (
          <span className="muted">{t('counters.codeHidden')}</span>
        )}
        {mayCommand && (
          <div>
            <button type="button" className="button button-quiet" onClick={props.onNewCode}>
              {t('counters.newCode')}
            </button>
          </div>
        )}
      </td>
      <td data-shown={page?.nodeId ?? ''}>
        {page
          ? t('counters.showingPage', {
              node: page.nodeId,
              language: page.language,
              until: page.until
                ? t('counters.untilTime', { time: dateTime(page.until) })
                : t('counters.untilCleared'),
            })
          : t('counters.nothing')}
      </td>
      <td>
        {counter.pairings.length === 0 && <span className="muted">{t('counters.noTablets')}</span>}
        <ul className="counter-tablets">
          {counter.pairings.map((pairing) => (
            <li key={pairing.id} data-pairing-id={pairing.id}>
              <code>{pairing.id}</code> · {t('counters.pairedAt', { time: dateTime(pairing.createdAt) })}
              {pairing.lastUsedAt && <> · {t('counters.lastUsed', { time: dateTime(pairing.lastUsedAt) })}</>}
              {pairing.revokedAt ? (
                <>
                  {' · '}
                  {t('counters.revokedBy', {
                    time: dateTime(pairing.revokedAt),
                    who: pairing.revokedBy ?? '?',
                  })}
                </>
              ) : (
                mayCommand && (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={() => props.onRevoke(pairing)}
                    >
                      {t('counters.revoke')}
                    </button>
                  </>
                )
              )}
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
