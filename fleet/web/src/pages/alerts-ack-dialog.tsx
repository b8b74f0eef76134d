import { useState } from 'react';
import { acknowledgeAlert, type AlertView } from '../api/alerts-api.js';
import { useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { alertPlace } from '../model/alerts-view.js';
import { useAlertLabels } from './alerts-labels.js';

interface Props {
  alert: AlertView;
  onClose(): void;
  onDone(view: AlertView): void;
  onFailed(error: unknown): void;
}

/** Acknowledge with an optional note: colleagues see who is on it, and escalation stops. */
export function AcknowledgeDialog({ alert, onClose, onDone, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const labels = useAlertLabels();
  const [note, setNote] = useState('');
  const [busy, run] = useBusyAction((error) => {
    onFailed(error);
    onClose();
  });
  const confirm = () =>
    void run(async () => {
      onDone(await acknowledgeAlert(api, alert.id, note));
    });
  return (
    <Dialog
      title={t('alerts.ackTitle')}
      onClose={onClose}
      confirm={{ label: t('alerts.ack'), busy, onConfirm: confirm }}
    >
      <p>
        <strong>{labels.rule(alert.rule)}</strong> · {alertPlace(alert)}
      </p>
      <label className="field">
        <span>{t('alerts.ackNote')}</span>
        <textarea
          name="ack-note"
          rows={3}
          maxLength={500}
          value={note}
          aria-describedby="ack-note-hint"
          onChange={(event) => setNote(event.target.value)}
        />
      </label>
      <p className="muted" id="ack-note-hint">
        {t('alerts.ackNoteHint')}
      </p>
    </Dialog>
  );
}
