import { useTranslation } from 'react-i18next';
import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { ErrorBanner } from '../components/ErrorBanner';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NoticeBar } from '../components/NoticeBar';
import { SyncAlert } from '../components/SyncAlert';
import { useNav, type ScreenName } from '../stores/nav';
import { useSession } from '../stores/session';
import { CustomersScreen } from './CustomersScreen';
import { InboxScreen } from './InboxScreen';
import { MarketingScreen } from './MarketingScreen';
import { ReportsScreen } from './ReportsScreen';
import { SettingsScreen } from './SettingsScreen';

const NAV: readonly { screen: ScreenName; icon: string }[] = [
  { screen: 'inbox', icon: '▤' },
  { screen: 'customers', icon: '☺' },
  { screen: 'marketing', icon: '✉' },
  { screen: 'reports', icon: '▥' },
  { screen: 'settings', icon: '⚙' },
];

function Header() {
  const { t } = useTranslation();
  const operator = useSession((s) => s.status?.operator);
  const lock = useSession((s) => s.lock);
  return (
    <header className="app-header">
      <span className="brand">
        {t('app.name')} <small>{t('app.company')}</small>
      </span>
      <ConnectionIndicator />
      <SyncAlert />
      <span className="spacer" />
      <span className="operator" title={t('header.operator')}>
        <span className="muted">{t('header.operator')}:</span> <strong data-testid="header-operator">{operator}</strong>
      </span>
      <LanguageSwitch />
      <button type="button" data-testid="lock-button" onClick={() => void lock()}>
        {t('header.lock')}
      </button>
    </header>
  );
}

function Nav() {
  const { t } = useTranslation();
  const current = useNav((s) => s.route.screen);
  const go = useNav((s) => s.go);
  return (
    <nav className="app-nav" aria-label={t('nav.label')}>
      {NAV.map(({ screen, icon }) => (
        <button
          key={screen}
          type="button"
          data-testid={`nav-${screen}`}
          className={current === screen ? 'active' : ''}
          aria-current={current === screen ? 'page' : undefined}
          onClick={() => go({ screen })}
        >
          <span aria-hidden="true" className="nav-icon">
            {icon}
          </span>
          {t(`nav.${screen}`)}
        </button>
      ))}
    </nav>
  );
}

function Screen() {
  const route = useNav((s) => s.route);
  switch (route.screen) {
    case 'inbox':
      return <InboxScreen route={route} />;
    case 'customers':
      return <CustomersScreen route={route} />;
    case 'marketing':
      return <MarketingScreen />;
    case 'reports':
      return <ReportsScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

export function Shell() {
  return (
    <div className="app">
      <Header />
      <Nav />
      <main className="app-main">
        <ErrorBanner />
        <NoticeBar />
        <Screen />
      </main>
    </div>
  );
}
