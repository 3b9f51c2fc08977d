// The application's frame: who is signed in (asked once at start, then
// kept from the sign-in answer), the chosen language, the header with the
// menu, and the page for the current path. Signed out, every path shows
// the sign-in form and, after signing in, the page that was asked for.
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, setCsrfToken, whenSessionEnds, type Identity } from './api';
import { clearAllDrafts } from './drafts';
import { I18nContext, initialLang, localName, rememberLang, translator, useI18n, type I18n, type Lang } from './i18n';
import { Home } from './pages/home';
import { NotFound } from './pages/not_found';
import { ChangePassword } from './pages/password';
import { Registry } from './pages/registry';
import { ReportNew } from './pages/report_new';
import { Situation } from './pages/situation';
import { ReportView } from './pages/report_view';
import { Admin } from './pages/admin';
import { Refusal } from './components/refusal';
import { Hotline } from './pages/hotline';
import { PendingAlerts } from './components/pending_alerts';
import { SignIn } from './pages/sign_in';

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  // undefined while the first answer is awaited; null when signed out.
  const [identity, setIdentity] = useState<Identity | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const signedInNow = !!identity;
  const i18n = useMemo<I18n>(
    () => ({
      lang,
      t: translator(lang),
      setLang: (next) => {
        rememberLang(next);
        setLang(next);
        // Signed in, the choice follows the person to any browser.
        if (signedInNow) api('PUT', '/api/v1/session/language', { language: next }).catch(() => {});
      },
    }),
    [lang, signedInNow],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  function signedIn(next: Identity) {
    setCsrfToken(next.csrf_token);
    setIdentity(next);
    setEnded(false);
    const chosen = next.principal.language;
    if (chosen === 'ja' || chosen === 'en') {
      rememberLang(chosen);
      setLang(chosen);
    }
  }
  function signedOut(sessionEnded: boolean) {
    setCsrfToken(null);
    setIdentity(null);
    setEnded(sessionEnded);
  }

  useEffect(() => {
    whenSessionEnds(() => signedOut(true));
    api<Identity>('GET', '/api/v1/session')
      .then(signedIn)
      .catch(() => signedOut(false));
  }, []);

  async function signOut() {
    clearAllDrafts();
    try {
      await api<void>('DELETE', '/api/v1/session');
    } finally {
      signedOut(false);
    }
  }

  return (
    <I18nContext.Provider value={i18n}>
      <LocationProvider>
        <a class="skip" href="#main">
          {i18n.t('app.skip')}
        </a>
        <Header identity={identity ?? null} onSignOut={signOut} />
        {identity === undefined ? (
          <main id="main" aria-busy="true">
            <p>{i18n.t('app.loading')}</p>
          </main>
        ) : identity === null ? (
          <>
            {ended && (
              <div class="alert alert-error banner" role="alert">
                {i18n.t('error.session_ended')}
              </div>
            )}
            <SignIn onSignedIn={signedIn} />
          </>
        ) : (
          <main id="main">
            <PendingAlerts organization={identity.principal.organization} />
            <Router>
              <Route path="/" component={Home} identity={identity} />
              <Route path="/situation" component={Situation} />
              <Route path="/hotline" component={Hotline} identity={identity} />
              <Route path="/reports/new" component={identity.principal.roles.includes('reporter') ? ReportNew : Refusal}
                identity={identity} />
              <Route path="/admin" component={Admin} identity={identity} />
              <Route path="/reports/:id" component={ReportView} identity={identity} />
              <Route path="/registry" component={Registry} />
              <Route path="/password" component={ChangePassword} onChanged={signedIn} />
              <Route default component={NotFound} />
            </Router>
          </main>
        )}
      </LocationProvider>
    </I18nContext.Provider>
  );
}

function Header({ identity, onSignOut }: { identity: Identity | null; onSignOut: () => void }) {
  const { t, lang } = useI18n();
  const { path } = useLocation();
  const link = (href: string, label: string) => (
    <li>
      <a href={href} aria-current={path === href ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <header class="top">
      <div class="brand">
        <img class="logo" src="/favicon.svg" alt="" width="32" height="32" />
        <span>
          <strong>{t('app.name')}</strong>
          <span class="tagline">{t('app.tagline')}</span>
        </span>
      </div>
      {identity && (
        <nav aria-label={t('nav.main')}>
          <ul>
            {link('/', t('nav.home'))}
            {link('/situation', t('nav.situation'))}
            {link('/hotline', t('nav.hotline'))}
            {identity.principal.roles.includes('reporter') && link('/reports/new', t('nav.report'))}
            {link('/registry', t('nav.registry'))}
            {identity.principal.roles.includes('admin') && link('/admin', t('nav.admin'))}
            {link('/password', t('nav.password'))}
          </ul>
        </nav>
      )}
      <div class="tools">
        {identity && (
          <span class="who">
            {identity.principal.name}
            {identity.organization && <span class="muted"> · {localName(identity.organization, lang)}</span>}
          </span>
        )}
        <LanguageSwitch />
        {identity && (
          <button type="button" class="secondary" onClick={onSignOut}>
            {t('nav.signOut')}
          </button>
        )}
      </div>
    </header>
  );
}

function LanguageSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <div class="lang" role="group" aria-label={t('lang.label')}>
      {(['ja', 'en'] as const).map((l) => (
        <button type="button" key={l} lang={l} aria-pressed={lang === l} onClick={() => setLang(l)}>
          {t(`lang.${l}`)}
        </button>
      ))}
    </div>
  );
}
