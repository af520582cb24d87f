import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Me, setSession } from './api.js';
import { currentLang, type Key, type Lang, setLang, t } from './i18n.js';
import { Jobs } from './pages/jobs.js';
import { Keys } from './pages/keys.js';
import { Overview } from './pages/overview.js';
import { Studio } from './pages/studio.js';
import { System } from './pages/system.js';
import { Usage } from './pages/usage.js';
import { Voices } from './pages/voices.js';
import { ErrorText } from './ui.js';

type Page = { id: string; label: Key; admin?: boolean; view: (p: { me: Me }) => preact.JSX.Element };
const PAGES: Page[] = [
  { id: 'overview', label: 'overview', view: Overview },
  { id: 'studio', label: 'studio', view: Studio },
  { id: 'voices', label: 'voices', view: Voices },
  { id: 'jobs', label: 'jobs', view: Jobs },
  { id: 'keys', label: 'keys', admin: true, view: Keys },
  { id: 'usage', label: 'usage', view: Usage },
  { id: 'system', label: 'system', admin: true, view: System },
];

const pageFromHash = () => location.hash.replace(/^#\/?/, '') || 'overview';

function SignIn(props: { onIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const me = await api<Me>('POST', '/v1/sessions', { key });
      setKey('');
      props.onIn(me);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main class="signin">
      <h1>{t('title')}</h1>
      <form onSubmit={submit}>
        <label>
          {t('apiKey')}
          <input
            type="password"
            name="key"
            autoComplete="off"
            required
            value={key}
            aria-describedby="key-hint"
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        <p id="key-hint" class="muted">
          {t('keyHint')}
        </p>
        <ErrorText error={error} />
        <button type="submit">{t('signIn')}</button>
      </form>
    </main>
  );
}

function LangSwitch(props: { onChange: () => void }) {
  return (
    <label class="lang">
      {t('language')}
      <select
        value={currentLang()}
        onChange={(e) => {
          setLang(e.currentTarget.value as Lang);
          props.onChange();
        }}
      >
        <option value="en">English</option>
        <option value="ko">한국어</option>
      </select>
    </label>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [page, setPage] = useState(pageFromHash());
  const [, setTick] = useState(0);
  const signedOut = () => {
    setSession(null);
    setMe(null);
  };
  const signedIn = (m: Me) => {
    setSession(m, signedOut);
    setMe(m);
  };
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    api<Me>('GET', '/v1/sessions/current').then(signedIn, (e) => {
      if (!(e instanceof ApiError) || e.status === 401) setMe(null);
      else setMe(null);
    });
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const relabel = () => setTick((n) => n + 1);
  if (me === undefined) return <p class="boot">…</p>;
  if (me === null)
    return (
      <div>
        <header class="top">
          <LangSwitch onChange={relabel} />
        </header>
        <SignIn onIn={signedIn} />
      </div>
    );
  const visible = PAGES.filter((p) => !p.admin || me.admin);
  const current = PAGES.find((p) => p.id === page) ?? PAGES[0]!;
  const allowed = !current.admin || me.admin;
  const View = current.view;
  const signOut = async () => {
    await api('DELETE', '/v1/sessions/current').catch(() => undefined);
    signedOut();
  };
  return (
    <div class="shell">
      <header class="top">
        <strong class="brand">VoiceReel</strong>
        <nav aria-label={t('mainNav')}>
          <ul>
            {visible.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === current.id ? 'page' : undefined}>
                  {t(p.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {t('project')}: {me.project}
          {me.admin ? ` · ${t('admin')}` : ''}
        </span>
        <LangSwitch onChange={relabel} />
        <button type="button" onClick={signOut}>
          {t('signOut')}
        </button>
      </header>
      <main id="main">
        <h1>{t(current.label)}</h1>
        {allowed ? <View me={me} /> : <p role="alert">{t('adminOnly')}</p>}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
