import { useState, type FormEvent } from 'react';
import { approveScreen } from '../api/enrolment-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useMe, useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';

/** What the form is filled with: from the address (`?code=`) or a row's "Approve" button. */
export interface ApproveDraft {
  code: string;
  gateId: string;
  zoneId: string;
}

interface Props {
  draft: ApproveDraft;
  onDraft(draft: ApproveDraft): void;
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** Approve the screen showing a code: which gate (its token's), which zone, and its name. */
export function ApproveScreenForm({ draft, onDraft, onDone, onFailed }: Props) {
  const { t } = useI18n();
  const me = useMe();
  const { api } = useSession();
  const { gates } = useFleetData();
  const [name, setName] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const [busy, run] = useBusyAction(onFailed);
  const enrolGates = gates.filter((gate) => allows(me, 'devices.enrol', gate.id));
  const zones = gates.find((gate) => gate.id === draft.gateId)?.zones ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { device } = await approveScreen(api, {
        pairingCode: draft.code,
        gateId: draft.gateId,
        name: name.trim(),
        ...(draft.zoneId ? { zoneId: draft.zoneId } : {}),
        ...(deviceId.trim() ? { deviceId: deviceId.trim() } : {}),
      });
      setName('');
      setDeviceId('');
      onDone(t('enrolment.approved', { code: draft.code, id: device.id }));
    });
  };

  return (
    <section className="card card-wide" aria-labelledby="enrolment-approve-title">
      <h2 id="enrolment-approve-title">{t('enrolment.approve.title')}</h2>
      <p className="muted">{t('enrolment.approve.hint')}</p>
      <form className="enrolment-approve-form" onSubmit={submit} data-form="approve-screen">
        <Field
          label={t('enrolment.approve.code')}
          name="code"
          value={draft.code}
          onValue={(code) => onDraft({ ...draft, code: code.toUpperCase() })}
          placeholder="K7MQ-42XV"
          autoComplete="off"
          required
        />
        <SelectField
          label={t('enrolment.approve.gate')}
          name="gate"
          value={draft.gateId}
          onValue={(gateId) => onDraft({ ...draft, gateId, zoneId: '' })}
          options={optionsOf(enrolGates)}
          empty={t('enrolment.approve.pickGate')}
          required
        />
        <SelectField
          label={t('enrolment.approve.zone')}
          name="zone"
          value={draft.zoneId}
          onValue={(zoneId) => onDraft({ ...draft, zoneId })}
          options={optionsOf(zones)}
          empty={t('enrolment.approve.tokenZone')}
        />
        <Field
          label={t('enrolment.approve.name')}
          name="name"
          value={name}
          onValue={setName}
          placeholder={t('enrolment.approve.namePlaceholder')}
          required
        />
        <Field
          label={t('enrolment.approve.deviceId')}
          name="deviceId"
          value={deviceId}
          onValue={setDeviceId}
          placeholder={t('enrolment.approve.deviceIdPlaceholder')}
        />
        <div className="enrolment-submit">
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('enrolment.action.approve')}
          </button>
        </div>
      </form>
    </section>
  );
}
