import { useState } from 'react';
import { ApiError } from '../api/client.js';
import type { CommandResult, DeviceView, Me } from '../api/types.js';
import { useFleetData } from '../app/fleet-data.js';
import { useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/translate.js';
import { allows } from '../model/permissions.js';

type CommandName = 'ping' | 'identify';

const IDENTIFY_SECONDS = 30;

const COMMANDS: Array<{ name: CommandName; label: MessageKey; hint: MessageKey }> = [
  { name: 'ping', label: 'commands.ping', hint: 'commands.pingHint' },
  { name: 'identify', label: 'commands.identify', hint: 'commands.identifyHint' },
];

/** Only the buttons the user's role allows at this screen's gate; the fleet checks again anyway. */
export function CommandsPanel({ device, me }: { device: DeviceView; me: Me }) {
  const { t } = useI18n();
  const canCommand = allows(me, 'devices.command', device.gateId);
  const canRemove = allows(me, 'devices.remove', device.gateId);
  return (
    <section className="card" aria-labelledby="commands-title">
      <h2 id="commands-title">{t('commands.title')}</h2>
      {!canCommand && !canRemove && <p className="muted">{t('commands.none')}</p>}
      {canCommand && <CommandButtons deviceId={device.id} />}
      {canRemove && <RemoveButton device={device} />}
    </section>
  );
}

function CommandButtons({ deviceId }: { deviceId: string }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const describe = useDescribeError();
  const [busy, setBusy] = useState<CommandName | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const run = async (name: CommandName) => {
    const label = t(name === 'ping' ? 'commands.ping' : 'commands.identify');
    const path = `/api/v1/devices/${encodeURIComponent(deviceId)}/commands`;
    setBusy(name);
    setOutcome(null);
    try {
      const body = name === 'identify' ? { name, args: { durationSec: IDENTIFY_SECONDS } } : { name };
      const { result } = await api.send<{ result: CommandResult }>('POST', path, body);
      setOutcome(
        result.ok
          ? { ok: true, text: t('commands.ok', { command: label, time: dateTime(result.at) }) }
          : { ok: false, text: t('commands.failed', { command: label, reason: result.problem.message }) },
      );
    } catch (error) {
      setOutcome({
        ok: false,
        text: t('commands.failed', { command: label, reason: commandProblem(error, t, describe) }),
      });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="commands">
      {COMMANDS.map((command) => (
        <div key={command.name} className="command">
          <button
            type="button"
            className="button"
            data-command={command.name}
            disabled={busy !== null}
            onClick={() => void run(command.name)}
          >
            {t(command.label)}
          </button>
          <span className="muted">{t(command.hint)}</span>
        </div>
      ))}
      {busy && (
        <p className="muted" role="status">
          {t('commands.busy')}
        </p>
      )}
      {outcome && <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice>}
    </div>
  );
}

function commandProblem(
  error: unknown,
  t: ReturnType<typeof useI18n>['t'],
  describe: (e: unknown) => string,
): string {
  if (error instanceof ApiError && error.code === 'DEVICE_OFFLINE') return t('commands.offline');
  if (error instanceof ApiError && error.code === 'COMMAND_TIMEOUT') return t('commands.timeout');
  return describe(error);
}

function RemoveButton({ device }: { device: DeviceView }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { navigate } = useRouter();
  const { forget } = useFleetData();
  const describe = useDescribeError();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const remove = async () => {
    setBusy(true);
    try {
      await api.send('DELETE', `/api/v1/devices/${encodeURIComponent(device.id)}`);
      forget(device.id);
      navigate('/');
    } catch (error) {
      setProblem(describe(error));
      setAsking(false);
      setBusy(false);
    }
  };

  return (
    <div className="command command-danger">
      <button
        type="button"
        className="button button-danger"
        data-command="remove"
        onClick={() => setAsking(true)}
      >
        {t('commands.remove')}
      </button>
      <span className="muted">{t('commands.removeHint')}</span>
      {problem && <Notice kind="error">{problem}</Notice>}
      {asking && (
        <Dialog
          title={t('remove.title')}
          onClose={() => setAsking(false)}
          confirm={{ label: t('remove.confirm'), danger: true, busy, onConfirm: () => void remove() }}
        >
          <p>{t('remove.body', { name: device.name, id: device.id })}</p>
        </Dialog>
      )}
    </div>
  );
}
