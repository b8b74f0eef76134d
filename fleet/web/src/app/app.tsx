import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { AccountPage } from '../pages/account-page.js';
import { AnnouncementDetailPage } from '../pages/announcements-detail-page.js';
import { AnnouncementsPage } from '../pages/announcements-page.js';
import { AuditPage } from '../pages/audit-page.js';
import { ApprovalsPage } from '../pages/content-approvals-page.js';
import { ContentPage } from '../pages/content-page.js';
import { PreviewPage } from '../pages/content-preview-page.js';
import { DevicePage } from '../pages/device-page.js';
import { ForcedPasswordPage } from '../pages/forced-password-page.js';
import { LoginPage } from '../pages/login-page.js';
import { NotFoundPage } from '../pages/not-found-page.js';
import { OverviewPage } from '../pages/overview-page.js';
import { UsersPage } from '../pages/users-page.js';
import { CountersPage } from '../pages/counters-page.js';
import { AlertsPage } from '../pages/alerts-page.js';
import { AlertDetailPage } from '../pages/alerts-detail-page.js';
import { FleetDataProvider } from './fleet-data.js';
import { Layout } from './layout.js';
import { useRouter } from './router.js';
import { useSession } from './session.js';

// Pages few people open, with the heavier libraries (uploads, tree editor): loaded when first opened.
const ReportsPage = lazyPage(() => import('../pages/reports-page.js'), 'ReportsPage');
const LibraryPage = lazyPage(() => import('../pages/library-page.js'), 'LibraryPage');
const InfoPage = lazyPage(() => import('../pages/info-page.js'), 'InfoPage');
const AlertSettingsPage = lazyPage(() => import('../pages/alert-settings-page.js'), 'AlertSettingsPage');
const EnrolmentPage = lazyPage(() => import('../pages/enrolment-page.js'), 'EnrolmentPage');
const RolloutsPage = lazyPage(() => import('../pages/rollouts-page.js'), 'RolloutsPage');
const CommissioningPage = lazy(async () => ({
  default: (await import('../pages/commissioning-page.js')).CommissioningPage,
}));
const RolloutDetailPage = lazy(async () => ({
  default: (await import('../pages/rollouts-detail-page.js')).RolloutDetailPage,
}));

function lazyPage<K extends string>(load: () => Promise<Record<K, () => React.JSX.Element>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

/** Sign-in first, then the forced password change, then the pages. */
export function App() {
  const { t } = useI18n();
  const { state, api } = useSession();
  if (state.status === 'loading') return <p className="splash">{t('app.loading')}</p>;
  if (state.status === 'signed-out') return <LoginPage />;
  if (state.me.mustChangePassword) return <ForcedPasswordPage />;
  return (
    <FleetDataProvider api={api}>
      <Layout>
        <Suspense fallback={<p className="splash">{t('app.loading')}</p>}>
          <CurrentPage />
        </Suspense>
      </Layout>
    </FleetDataProvider>
  );
}

function CurrentPage() {
  const { route } = useRouter();
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'device':
      return <DevicePage key={route.deviceId} deviceId={route.deviceId} />;
    case 'users':
      return <UsersPage />;
    case 'audit':
      return <AuditPage />;
    case 'account':
      return <AccountPage />;
    case 'library':
      return <LibraryPage />;
    case 'content':
      return <ContentPage />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'preview':
      return <PreviewPage key={route.deviceId} deviceId={route.deviceId} />;
    case 'announcements':
      return <AnnouncementsPage />;
    case 'announcement':
      return <AnnouncementDetailPage key={route.announcementId} announcementId={route.announcementId} />;
    case 'reports':
      return <ReportsPage />;
    case 'info':
      return <InfoPage />;
    case 'counters':
      return <CountersPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'alert':
      return <AlertDetailPage key={route.alertId} alertId={route.alertId} />;
    case 'alert-settings':
      return <AlertSettingsPage />;
    case 'rollouts':
      return <RolloutsPage />;
    case 'rollout':
      return <RolloutDetailPage key={route.rolloutId} rolloutId={route.rolloutId} />;
    case 'enrolment':
      return <EnrolmentPage />;
    case 'commissioning':
      return <CommissioningPage key={route.gateId} gateId={route.gateId} />;
    case 'not-found':
      return <NotFoundPage />;
  }
}
