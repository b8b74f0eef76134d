import { useState } from 'react';
import { removeChannel, testChannel, type ChannelView } from '../api/alerts-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/i18n.js';
import { SeverityBadge } from './alerts-labels.js';

interface Props {
  channels: ChannelView[];
  gates: Gate[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
  /** A problem already phrased for people (not an API failure). */
  onProblem(text: string): void;
}

/** The chat channels with where they send, in which language, for which gates, and how the last send went. */
export function ChannelsTable({ channels, gates, onDone, onFailed, onProblem }: Props) {
  const { t, relative } = useI18n();
  const { api } = useSession();
  const nowMs = useNow();
  const [removing, setRemoving] = useState<ChannelView | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const gateName = (id: string) => gates.find((gate) => gate.id === id)?.name ?? id;

  const test = async (channel: ChannelView) => {
    setBusyId(channel.id);
    try {
      const result = await testChannel(api, channel.id);
      if (result.ok) onDone(t('alerts.channels.testOk', { name: channel.name }));
      else
        onProblem(
          t('alerts.channels.testFailed', {
            name: channel.name,
            error: result.error ?? `HTTP ${result.status ?? '?'}`,
          }),
        );
    } catch (error) {
      onFailed(error);
    } finally {
      setBusyId(null);
    }
  };
  const remove = async (channel: ChannelView) => {
    setRemoving(null);
    try {
      await removeChannel(api, channel.id);
      onDone(t('alerts.channels.removed'));
    } catch (error) {
      onFailed(error);
    }
  };

  if (channels.length === 0) return <p className="muted">{t('alerts.channels.none')}</p>;
  return (
    <div className="table-scroll">
      <table className="table alerts-table channels-table">
        <thead>
          <tr>
            <th scope="col">{t('alerts.channels.col.name')}</th>
            <th scope="col">{t('alerts.channels.col.target')}</th>
            <th scope="col">{t('alerts.channels.col.language')}</th>
            <th scope="col">{t('alerts.channels.col.scope')}</th>
            <th scope="col">{t('alerts.channels.col.minSeverity')}</th>
            <th scope="col">{t('alerts.channels.col.last')}</th>
            <th scope="col">{t('alerts.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => (
            <tr key={channel.id} data-channel-id={channel.id} data-kind={channel.kind}>
              <td data-label={t('alerts.channels.col.name')}>
                <strong>{channel.name}</strong>
                <span className="muted alert-place">{t(`alerts.kind.${channel.kind}`)}</span>
                {!channel.enabled && <span className="alert-mark">{t('alerts.channels.disabled')}</span>}
              </td>
              <td data-label={t('alerts.channels.col.target')}>
                <code>{channel.target}</code>
              </td>
              <td data-label={t('alerts.channels.col.language')}>
                {t(`alerts.language.${channel.language}`)}
              </td>
              <td data-label={t('alerts.channels.col.scope')}>
                {channel.gateIds === null
                  ? t('alerts.channels.allGates')
                  : channel.gateIds.map(gateName).join(', ')}
              </td>
              <td data-label={t('alerts.channels.col.minSeverity')}>
                <SeverityBadge severity={channel.minSeverity} />
              </td>
              <td data-label={t('alerts.channels.col.last')} data-last={channel.lastDelivery?.ok ?? 'none'}>
                {channel.lastDelivery === null
                  ? t('alerts.channels.never')
                  : channel.lastDelivery.ok
                    ? t('alerts.channels.lastOk', { time: relative(channel.lastDelivery.at, nowMs) })
                    : t('alerts.channels.lastFailed', {
                        time: relative(channel.lastDelivery.at, nowMs),
                        error: channel.lastDelivery.error ?? `HTTP ${channel.lastDelivery.status ?? '?'}`,
                      })}
                {channel.queued > 0 && (
                  <span className="alert-mark mark-escalated">
                    {t('alerts.channels.queued', { count: channel.queued })}
                  </span>
                )}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="button"
                  data-action="test"
                  disabled={busyId === channel.id}
                  onClick={() => void test(channel)}
                >
                  {t('alerts.channels.test')}
                </button>
                <button
                  type="button"
                  className="button button-danger"
                  data-action="remove"
                  onClick={() => setRemoving(channel)}
                >
                  {t('alerts.channels.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <Dialog
          title={t('alerts.channels.remove')}
          onClose={() => setRemoving(null)}
          confirm={{
            label: t('alerts.channels.remove'),
            danger: true,
            onConfirm: () => void remove(removing),
          }}
        >
          {t('alerts.channels.removeConfirm', { name: removing.name })}
        </Dialog>
      )}
    </div>
  );
}
