import { useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { date, t } from '../i18n.js';
import { ErrorText, Head, useRefresh } from '../ui.js';

interface KeyView {
  id: string;
  name: string;
  project: string;
  admin: boolean;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
}

export function Keys(_props: { me: Me }) {
  const [items, setItems] = useState<KeyView[]>([]);
  const [form, setForm] = useState({ name: '', project: 'default', admin: false });
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = async () => setItems((await api<{ items: KeyView[] }>('GET', '/v1/keys')).items);
  useRefresh(load, 30000);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const made = await api<KeyView & { key: string }>('POST', '/v1/keys', form);
      setSecret(made.key);
      setCopied(false);
      setForm({ ...form, name: '' });
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (k: KeyView) => {
    if (!confirm(`${t('confirmRevoke')}\n${k.name} (${k.id})`)) return;
    await api('DELETE', `/v1/keys/${k.id}`);
    await load();
  };
  return (
    <div>
      <form class="row-form" onSubmit={create}>
        <label>
          {t('name')}
          <input
            required
            value={form.name}
            onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('project')}
          <input
            required
            pattern="[a-z0-9][a-z0-9_-]{0,63}"
            value={form.project}
            onInput={(e) => setForm({ ...form, project: e.currentTarget.value })}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={form.admin}
            onChange={(e) => setForm({ ...form, admin: e.currentTarget.checked })}
          />
          {t('admin')}
        </label>
        <button type="submit">{t('create')}</button>
        <ErrorText error={error} />
      </form>
      {secret && (
        <div class="secret" role="status">
          <p>{t('secretOnce')}</p>
          <code data-testid="new-key">{secret}</code>{' '}
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
            }}
          >
            {copied ? t('copied') : t('copy')}
          </button>
        </div>
      )}
      <table>
        <Head
          cols={[t('name'), 'ID', t('project'), t('admin'), t('created'), t('lastUsed')]}
          hidden={t('revoke')}
        />
        <tbody>
          {items.map((k) => (
            <tr key={k.id} class={k.revoked ? 'revoked' : ''}>
              <td>{k.name}</td>
              <td>
                <code>{k.id}</code>
              </td>
              <td>{k.project}</td>
              <td>{k.admin ? '✓' : ''}</td>
              <td>{date(k.created_at)}</td>
              <td>{date(k.last_used_at)}</td>
              <td>
                {k.revoked ? (
                  t('revoked')
                ) : (
                  <button
                    type="button"
                    onClick={() => void revoke(k)}
                    aria-label={`${t('revoke')} ${k.name}`}
                  >
                    {t('revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
