import type {
  CommissioningScreen,
  GateCommissioning,
} from '../../../src/commissioning/commissioning-schemas.js';
import { Notice } from '../components/notice.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import './commissioning.css';

/** The protocol's self-test checks, in its order (kept here so the bundle does not carry the schemas). */
const SELF_TEST_CHECKS = ['display', 'hdmi-cec', 'network', 'fleet', 'storage', 'fonts', 'clock'] as const;
const MARKS = { pass: '✓', warn: '!', fail: '✗', skipped: '–' } as const;

function checkMark(screen: CommissioningScreen, check: string): string {
  const status = screen.report?.checks.find((item) => item.check === check)?.status;
  return status === undefined ? '' : MARKS[status];
}

/** A gate's printable commissioning sheet: one row per screen, a mark per self-test check. */
export function CommissioningPage({ gateId }: { gateId: string }) {
  const { t, dateTime } = useI18n();
  const page = usePageData((api) =>
    api.get<GateCommissioning>(`/api/v1/gates/${encodeURIComponent(gateId)}/commissioning`),
  );
  const sheet = page.data;
  return (
    <div className="commissioning-page">
      <div className="page-heading">
        <h1>{t('commissioning.title', { gate: sheet?.gate.name ?? gateId })}</h1>
        <button type="button" className="no-print" onClick={() => window.print()}>
          {t('commissioning.print')}
        </button>
      </div>
      <p className="muted no-print">{t('commissioning.intro')}</p>
      {page.notice && <Notice kind={page.notice.kind}>{page.notice.text}</Notice>}
      {sheet === null ? (
        !page.notice && <p className="muted">{t('app.loading')}</p>
      ) : (
        <>
          <p>
            {t('commissioning.generated', { time: dateTime(sheet.generatedAt) })} ·{' '}
            <span data-totals>{t('commissioning.totals', { ...sheet.totals })}</span>
          </p>
          {sheet.screens.length === 0 ? (
            <p className="muted">{t('commissioning.none')}</p>
          ) : (
            <SheetTable screens={sheet.screens} />
          )}
          <p className="muted">{t('commissioning.legend')}</p>
          <p className="commissioning-signature">{t('commissioning.signature')}: ______________________</p>
        </>
      )}
    </div>
  );
}

function SheetTable({ screens }: { screens: CommissioningScreen[] }) {
  const { t, dateTime } = useI18n();
  return (
    <table className="commissioning-sheet">
      <thead>
        <tr>
          <th>{t('commissioning.col.zone')}</th>
          <th>{t('commissioning.col.screen')}</th>
          <th>{t('commissioning.col.result')}</th>
          {SELF_TEST_CHECKS.map((check) => (
            <th key={check} className="mark">
              {check}
            </th>
          ))}
          <th>{t('commissioning.col.tested')}</th>
          <th>{t('commissioning.col.problems')}</th>
        </tr>
      </thead>
      <tbody>
        {screens.map((screen) => (
          <tr key={screen.deviceId} data-device-id={screen.deviceId} data-state={screen.state}>
            <td>{screen.zoneName}</td>
            <td>
              {screen.name}
              <br />
              <span className="muted">{screen.deviceId}</span>
            </td>
            <td className={`state-${screen.state}`}>{t(`commissioning.state.${screen.state}`)}</td>
            {SELF_TEST_CHECKS.map((check) => (
              <td key={check} className="mark">
                {checkMark(screen, check)}
              </td>
            ))}
            <td>{screen.at === null ? '—' : dateTime(screen.at)}</td>
            <td>
              {(screen.report?.checks ?? [])
                .filter((check) => check.status === 'fail' || check.status === 'warn')
                .map((check) => (
                  <div key={check.check}>
                    {check.check}: {check.summary}
                  </div>
                ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
