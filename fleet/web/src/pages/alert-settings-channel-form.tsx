import { useState, type FormEvent } from 'react';
import {
  ALERT_SEVERITIES,
  CHANNEL_KINDS,
  createChannel,
  type AlertSeverity,
  type ChannelKind,
  type ChannelLanguage,
  type NewChannel,
} from '../api/alerts-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { SelectField } from '../components/select-field.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { useAlertLabels } from './alerts-labels.js';

interface Props {
  gates: Gate[];
  /** After creation; `secret` is the webhook's generated signing secret, shown this once. */
  onCreated(name: string, secret: string | null): void;
  onFailed(error: unknown): void;
}

const EMPTY = { name: '', url: '', secret: '', botToken: '', chatId: '' };

/** A new chat channel: the fields its kind needs, its language, its gates and the lowest severity it hears. */
export function ChannelForm({ gates, onCreated, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const labels = useAlertLabels();
  const [kind, setKind] = useState<ChannelKind>('slack');
  const [language, setLanguage] = useState<ChannelLanguage>('vi');
  const [minSeverity, setMinSeverity] = useState<AlertSeverity>('warning');
  const [gateIds, setGateIds] = useState<string[]>([]);
  const [text, setText] = useState(EMPTY);
  const [busy, run] = useBusyAction(onFailed);
  const set = (key: keyof typeof EMPTY) => (value: string) =>
    setText((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const channel: NewChannel = {
        kind,
        name: text.name.trim(),
        language,
        minSeverity,
        gateIds: gateIds.length === 0 ? null : gateIds,
        ...(kind === 'telegram'
          ? { botToken: text.botToken.trim(), chatId: text.chatId.trim() }
          : { url: text.url.trim() }),
        ...(kind === 'webhook' && text.secret !== '' ? { secret: text.secret } : {}),
      };
      const created = await createChannel(api, channel);
      setText(EMPTY);
      setGateIds([]);
      onCreated(created.channel.name, created.secret ?? null);
    });
  };

  return (
    <form
      className="form channel-form"
      data-form="channel"
      onSubmit={submit}
      aria-label={t('alerts.channels.add')}
    >
      <div className="form-row">
        <SelectField
          label={t('alerts.channels.kind')}
          name="kind"
          value={kind}
          onValue={(value) => setKind(value as ChannelKind)}
          options={CHANNEL_KINDS.map((value) => ({ value, label: t(`alerts.kind.${value}`) }))}
        />
        <Field
          label={t('alerts.channels.name')}
          name="name"
          required
          maxLength={80}
          value={text.name}
          onValue={set('name')}
        />
      </div>
      {kind === 'telegram' ? (
        <div className="form-row">
          <Field
            label={t('alerts.channels.botToken')}
            name="botToken"
            required
            autoComplete="off"
            value={text.botToken}
            onValue={set('botToken')}
          />
          <Field
            label={t('alerts.channels.chatId')}
            name="chatId"
            required
            value={text.chatId}
            onValue={set('chatId')}
          />
        </div>
      ) : (
        <Field
          label={t('alerts.channels.url')}
          name="url"
          type="url"
          required
          autoComplete="off"
          placeholder="https://"
          value={text.url}
          onValue={set('url')}
        />
      )}
      {kind === 'webhook' && (
        <>
          <Field
            label={t('alerts.channels.secret')}
            name="secret"
            autoComplete="off"
            minLength={16}
            aria-describedby="channel-secret-hint"
            value={text.secret}
            onValue={set('secret')}
          />
          <p className="muted" id="channel-secret-hint">
            {t('alerts.channels.secretHint')}
          </p>
        </>
      )}
      <div className="form-row">
        <SelectField
          label={t('alerts.channels.language')}
          name="language"
          value={language}
          onValue={(value) => setLanguage(value === 'en' ? 'en' : 'vi')}
          options={[
            { value: 'vi', label: t('alerts.language.vi') },
            { value: 'en', label: t('alerts.language.en') },
          ]}
        />
        <SelectField
          label={t('alerts.channels.minSeverity')}
          name="minSeverity"
          value={minSeverity}
          onValue={(value) => setMinSeverity(value === 'critical' ? 'critical' : 'warning')}
          options={ALERT_SEVERITIES.map((value) => ({ value, label: labels.severity(value) }))}
        />
      </div>
      <fieldset className="channel-gates">
        <legend>{t('alerts.channels.gates')}</legend>
        {gates.map((gate) => (
          <label key={gate.id} className="check">
            <input
              type="checkbox"
              name={`gate-${gate.id}`}
              checked={gateIds.includes(gate.id)}
              onChange={(event) =>
                setGateIds((current) =>
                  event.target.checked ? [...current, gate.id] : current.filter((id) => id !== gate.id),
                )
              }
            />
            {gate.name}
          </label>
        ))}
      </fieldset>
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('alerts.channels.save')}
        </button>
      </div>
    </form>
  );
}
