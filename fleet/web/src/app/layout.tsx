import type { ReactNode } from 'react';
import { LanguageSwitch } from '../components/language-switch.js';
import { useI18n } from '../i18n/i18n.js';
import { allows, allowsSomewhere } from '../model/permissions.js';
import { Link, useRouter } from './router.js';
import { useMe, useSession } from './session.js';

/** Header with the pages this user may open, the language switch and sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const { route } = useRouter();
  // Urgent work first: a duty officer looks for announcements, an editor for content.
  const pages = [
    { path: '/', label: t('nav.overview'), current: route.page === 'overview' || route.page === 'device' },
    ...(allowsSomewhere(me, 'announcements.read')
      ? [
          {
            path: '/announcements',
            label: t('nav.announcements'),
            current: route.page === 'announcements' || route.page === 'announcement',
          },
        ]
      : []),
    ...(allowsSomewhere(me, 'content.read')
      ? [
          {
            path: '/content',
            label: t('nav.content'),
            current: route.page === 'content' || route.page === 'preview',
          },
          { path: '/approvals', label: t('nav.approvals'), current: route.page === 'approvals' },
          { path: '/media', label: t('nav.library'), current: route.page === 'library' },
        ]
      : []),
    ...(allowsSomewhere(me, 'content.read')
      ? [{ path: '/info', label: t('nav.info'), current: route.page === 'info' }]
      : []),
    ...(allowsSomewhere(me, 'devices.read')
      ? [{ path: '/counters', label: t('nav.counters'), current: route.page === 'counters' }]
      : []),
    ...(allowsSomewhere(me, 'alerts.read')
      ? [
          {
            path: '/alerts',
            label: t('nav.alerts'),
            current: route.page === 'alerts' || route.page === 'alert' || route.page === 'alert-settings',
          },
        ]
      : []),
    ...(allowsSomewhere(me, 'devices.enrol')
      ? [{ path: '/enrolment', label: t('nav.enrolment'), current: route.page === 'enrolment' }]
      : []),
    ...(allowsSomewhere(me, 'rollouts.read')
      ? [
          {
            path: '/rollouts',
            label: t('nav.rollouts'),
            current: route.page === 'rollouts' || route.page === 'rollout',
          },
        ]
      : []),
    ...(allowsSomewhere(me, 'reports.read')
      ? [{ path: '/reports', label: t('nav.reports'), current: route.page === 'reports' }]
      : []),
    ...(allows(me, 'users.manage', null)
      ? [{ path: '/users', label: t('nav.users'), current: route.page === 'users' }]
      : []),
    ...(allowsSomewhere(me, 'audit.read')
      ? [{ path: '/audit', label: t('nav.audit'), current: route.page === 'audit' }]
      : []),
  ];
  return (
    <>
      <a className="skip-link" href="#content">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        <nav className="nav" aria-label={t('nav.main')}>
          {pages.map((page) => (
            <Link key={page.path} to={page.path} className="nav-link" current={page.current}>
              {page.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <LanguageSwitch />
          <Link
            to="/account"
            className="nav-link account-link"
            current={route.page === 'account'}
            title={t('nav.signedInAs', { name: me.displayName })}
          >
            {me.displayName}
          </Link>
          <button
            type="button"
            className="button button-quiet"
            data-action="sign-out"
            onClick={() => void signOut().catch(() => undefined)}
          >
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main className="page" id="content">
        {children}
      </main>
    </>
  );
}
