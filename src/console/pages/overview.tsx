import { useState } from 'preact/hooks';
import { api, type Me, optional } from '../api.js';
import { num, t } from '../i18n.js';
import { BarChart, useRefresh } from '../ui.js';

interface Readyz {
  ready: boolean;
  database: boolean;
  engines: boolean;
}
interface UsageReport {
  month: string;
  projects: Array<{ project: string; synthesized_seconds: number }>;
}
interface SystemInfo {
  devices?: Array<{ kind: string; threads?: number }>;
}

/** Prometheus text: `name{labels} value` lines, summed per name or per one label's value. */
export function metric(text: string, name: string, byLabel?: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$`, 'gm');
  for (const m of text.matchAll(re)) {
    const label = byLabel ? (new RegExp(`${byLabel}="([^"]*)"`).exec(m[1] ?? '')?.[1] ?? '') : '';
    out.set(label, (out.get(label) ?? 0) + Number(m[2]));
  }
  return out;
}

export function Overview(props: { me: Me }) {
  const [ready, setReady] = useState<Readyz | null>(null);
  const [metrics, setMetrics] = useState('');
  const [usage, setUsage] = useState<UsageReport | null>(null);
  const [system, setSystem] = useState<SystemInfo | undefined>(undefined);
  useRefresh(async () => {
    const r = await fetch('/readyz').catch(() => undefined);
    setReady(r ? ((await r.json()) as Readyz) : null);
    const m = await fetch('/metrics').catch(() => undefined);
    setMetrics(m && m.ok ? await m.text() : '');
    setUsage(await api<UsageReport>('GET', '/v1/usage'));
    if (props.me.admin) setSystem(await optional<SystemInfo>('/v1/admin/system'));
  }, 5000);
  const total = (name: string) => [...metric(metrics, name).values()].reduce((a, b) => a + b, 0);
  const byStatus = metric(metrics, 'voicereel_jobs', 'status');
  const rtfSum = total('voicereel_synthesis_real_time_factor_sum');
  const rtfCount = total('voicereel_synthesis_real_time_factor_count');
  return (
    <div class="grid">
      <section class="card" aria-labelledby="ov-ready">
        <h2 id="ov-ready">{ready?.ready ? t('ready') : t('notReady')}</h2>
        <dl>
          <dt>{t('database')}</dt>
          <dd>{ready?.database ? '✓' : '✗'}</dd>
          <dt>{t('engines')}</dt>
          <dd>
            {ready?.engines ? '✓' : '✗'}{' '}
            {system?.devices?.map((d) => `${d.kind}${d.threads ? ` ×${d.threads}` : ''}`).join(', ')}
          </dd>
          <dt>{t('queueDepth')}</dt>
          <dd data-testid="queue-depth">{metrics ? num(total('voicereel_queue_depth')) : '—'}</dd>
          <dt>{t('workersBusy')}</dt>
          <dd>{metrics ? num(total('voicereel_workers_busy')) : '—'}</dd>
          <dt>{t('rtf')}</dt>
          <dd>{rtfCount > 0 ? num(rtfSum / rtfCount, 3) : '—'}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="ov-jobs">
        <h2 id="ov-jobs">{t('jobsByStatus')}</h2>
        <dl>
          {['queued', 'running', 'succeeded', 'failed', 'canceled'].map((s) => (
            <>
              <dt>{s}</dt>
              <dd>{metrics ? num(byStatus.get(s) ?? 0) : '—'}</dd>
            </>
          ))}
        </dl>
      </section>
      <section class="card wide">
        <BarChart
          title={`${t('minutesThisMonth')} (${usage?.month ?? ''})`}
          unit="min"
          data={(usage?.projects ?? []).map((p) => ({ label: p.project, value: p.synthesized_seconds / 60 }))}
        />
      </section>
    </div>
  );
}
