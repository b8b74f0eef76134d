import type { DesiredDocument, ReportedState } from '../api/types.js';
import { useI18n, type I18n } from '../i18n/i18n.js';

interface CompareRow {
  label: string;
  desired: string;
  reported: string;
  differs?: boolean;
}

/** The fleet's wish and the screen's report, field by field; '—' where a side has no such field. */
function compareRows(
  desired: DesiredDocument | null,
  reported: ReportedState | null,
  i18n: I18n,
): CompareRow[] {
  const { t, dateTime } = i18n;
  const none = t('compare.none');
  const item = desired?.content.defaultItem;
  const errors = reported?.errors.map((problem) => `${problem.code}: ${problem.message}`).join('; ');
  return [
    {
      label: t('compare.version'),
      desired: desired ? String(desired.version) : none,
      reported: reported?.appliedVersion != null ? String(reported.appliedVersion) : none,
      differs: desired !== null && reported?.appliedVersion !== desired.version,
    },
    { label: t('compare.name'), desired: desired?.device.name ?? none, reported: none },
    {
      label: t('compare.content'),
      desired: item ? `${item.kind}: ${item.id}` : none,
      reported: reported?.currentItemId ?? none,
    },
    {
      label: t('compare.display'),
      desired: desired ? `${desired.display.timeZone} · ${desired.display.languages.join(', ')}` : none,
      reported: none,
    },
    { label: t('compare.phase'), desired: none, reported: reported ? t(`phase.${reported.phase}`) : none },
    {
      label: t('compare.source'),
      desired: none,
      reported: reported ? t(`source.${reported.desiredSource}`) : none,
    },
    {
      label: t('compare.errors'),
      desired: none,
      reported: reported ? errors || t('compare.noErrors') : none,
    },
    {
      label: t('compare.time'),
      desired: desired ? dateTime(desired.issuedAt) : none,
      reported: reported ? dateTime(reported.at) : none,
    },
  ];
}

/** Desired and reported side by side, then both documents in full for the technicians. */
export function ComparePanel(props: { desired: DesiredDocument | null; reported: ReportedState | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { desired, reported } = props;
  return (
    <section className="card card-wide" aria-labelledby="compare-title">
      <h2 id="compare-title">{t('compare.title')}</h2>
      <p className="muted">{t('compare.intro')}</p>
      {!desired && <p className="muted">{t('compare.noDesired')}</p>}
      {!reported && <p className="muted">{t('compare.noReported')}</p>}
      <div className="table-scroll">
        <table className="table compare">
          <thead>
            <tr>
              <th scope="col">{t('compare.field')}</th>
              <th scope="col">{t('compare.desired')}</th>
              <th scope="col">{t('compare.reported')}</th>
            </tr>
          </thead>
          <tbody>
            {compareRows(desired, reported, i18n).map((row) => (
              <tr key={row.label} className={row.differs ? 'differs' : undefined}>
                <th scope="row">{row.label}</th>
                <td>{row.desired}</td>
                <td>{row.reported}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details className="raw">
        <summary>{t('compare.raw')}</summary>
        <div className="raw-columns">
          <RawDocument title={t('compare.desired')} document={desired} />
          <RawDocument title={t('compare.reported')} document={reported} />
        </div>
      </details>
    </section>
  );
}

function RawDocument({ title, document }: { title: string; document: object | null }) {
  const { t } = useI18n();
  return (
    <div>
      <h3>{title}</h3>
      <pre>{document ? JSON.stringify(document, null, 2) : t('compare.none')}</pre>
    </div>
  );
}
