import { useState } from 'preact/hooks';
import { type Me, optional } from '../api.js';
import { t } from '../i18n.js';
import { Head, useRefresh } from '../ui.js';

interface SystemInfo {
  version: string;
  devices: Array<{ kind: string; threads?: number }>;
  packs: Array<{
    name: string;
    version: string;
    family: string;
    license: string;
    verified: boolean;
    voices: string[];
  }>;
  voices: Array<{ id: string; name: string; lang: string; engine: string }>;
  checks: Array<{ name: string; status: string; detail: string }>;
}

export function System(_props: { me: Me }) {
  const [info, setInfo] = useState<SystemInfo | null | undefined>(undefined);
  useRefresh(async () => setInfo((await optional<SystemInfo>('/v1/admin/system')) ?? null), 30000);
  if (info === undefined) return <p>…</p>;
  if (info === null) return <p class="muted">{t('noItems')}</p>;
  return (
    <div class="grid">
      <section class="card">
        <h2>{t('version')}</h2>
        <p data-testid="version">{info.version}</p>
        <h2>{t('engines')}</h2>
        <ul>
          {info.devices.map((d, i) => (
            <li key={i}>
              {d.kind}
              {d.threads ? ` ×${d.threads}` : ''}
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t('doctor')}</h2>
        <ul class="checks">
          {info.checks.map((c) => (
            <li key={c.name} class={c.status}>
              <strong>{c.status}</strong> {c.name}: {c.detail}
            </li>
          ))}
        </ul>
      </section>
      <section class="card wide">
        <h2>{t('packs')}</h2>
        <table>
          <Head cols={[t('name'), t('version'), t('family'), t('license'), t('status'), t('voices')]} />
          <tbody>
            {info.packs.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>{p.version}</td>
                <td>{p.family}</td>
                <td>{p.license}</td>
                <td>{p.verified ? '✓' : '✗'}</td>
                <td>{p.voices.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('voices')}</h2>
        <ul class="voices">
          {info.voices.map((v) => (
            <li key={v.id}>
              <code>{v.id}</code> {v.name} ({v.lang}, {v.engine})
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
