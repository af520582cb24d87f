import { useState } from 'preact/hooks';
import { api, ApiError, type JobView, type Me, optional } from '../api.js';
import { date, num, t } from '../i18n.js';
import { ErrorText, Head, JobProgress, Pager, useRefresh } from '../ui.js';

interface JobList {
  items: JobView[];
  next_cursor: string | null;
}

export function Jobs(_props: { me: Me }) {
  const [filters, setFilters] = useState({ status: '', type: '' });
  const [cursor, setCursor] = useState<string[]>([]);
  const [list, setList] = useState<JobList | null | undefined>(undefined);
  const [watching, setWatching] = useState<string | null>(null);
  const [jobId, setJobId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const query = () => {
    const q = new URLSearchParams();
    if (filters.status) q.set('status', filters.status);
    if (filters.type) q.set('type', filters.type);
    const c = cursor[cursor.length - 1];
    if (c) q.set('cursor', c);
    return q.toString();
  };
  const load = async () => setList((await optional<JobList>(`/v1/jobs?${query()}`)) ?? null);
  useRefresh(load, 4000, [filters.status, filters.type, cursor.length]);
  const remove = async (j: JobView) => {
    if (!confirm(t('confirmDelete'))) return;
    await api('DELETE', `/v1/jobs/${j.id}`);
    await load();
  };
  const openById = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api<JobView>('GET', `/v1/jobs/${jobId.trim()}`);
      setWatching(jobId.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err : new Error(String(err)));
    }
  };
  return (
    <div>
      {list === null ? (
        <p class="muted">{t('listUnavailable')}</p>
      ) : (
        <div class="row-form">
          <label>
            {t('status')}
            <select
              value={filters.status}
              onChange={(e) => (setCursor([]), setFilters({ ...filters, status: e.currentTarget.value }))}
            >
              <option value="">{t('all')}</option>
              {['queued', 'running', 'succeeded', 'failed', 'canceled'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            {t('type')}
            <select
              value={filters.type}
              onChange={(e) => (setCursor([]), setFilters({ ...filters, type: e.currentTarget.value }))}
            >
              <option value="">{t('all')}</option>
              <option>synthesize</option>
              <option>register_speaker</option>
            </select>
          </label>
        </div>
      )}
      <form class="row-form" onSubmit={openById}>
        <label>
          {t('openJob')}
          <input value={jobId} onInput={(e) => setJobId(e.currentTarget.value)} placeholder="job_…" />
        </label>
        <button type="submit">{t('open')}</button>
        <ErrorText error={error} />
      </form>
      {list && (
        <>
          <table>
            <Head cols={['ID', t('type'), t('status'), t('progress'), t('created')]} hidden={t('log')} />
            <tbody>
              {list.items.map((j) => (
                <tr key={j.id}>
                  <td>
                    <code>{j.id}</code>
                  </td>
                  <td>{j.type}</td>
                  <td>{j.status}</td>
                  <td class="num">{num(j.progress * 100)} %</td>
                  <td>{date(j.created_at)}</td>
                  <td>
                    <button type="button" onClick={() => setWatching(j.id)}>
                      {t('log')}
                    </button>{' '}
                    <button type="button" onClick={() => void remove(j)}>
                      {j.status === 'queued' || j.status === 'running' ? t('cancel') : t('remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            prev={cursor.length > 0 ? () => setCursor(cursor.slice(0, -1)) : undefined}
            next={list.next_cursor ? () => setCursor([...cursor, list.next_cursor!]) : undefined}
          />
        </>
      )}
      {watching && (
        <section class="card">
          <h2>
            <code>{watching}</code>
          </h2>
          <JobProgress jobId={watching} />
        </section>
      )}
    </div>
  );
}
