import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type JobEvent, type JobView, watchJob } from './api.js';
import { num, plain, t } from './i18n.js';

/** A horizontal bar chart in plain SVG: one bar per label. */
export function BarChart(props: {
  title: string;
  data: Array<{ label: string; value: number }>;
  unit?: string;
}) {
  const max = Math.max(0, ...props.data.map((d) => d.value)) || 1;
  const row = 26;
  const height = Math.max(row, props.data.length * row);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      {props.data.length === 0 ? (
        <p class="muted">{t('noItems')}</p>
      ) : (
        <svg role="img" aria-label={props.title} viewBox={`0 0 600 ${height}`} width="100%" height={height}>
          {props.data.map((d, i) => (
            <g key={d.label}>
              <text x="0" y={i * row + 17} class="chart-label">
                {d.label}
              </text>
              <rect
                x="160"
                y={i * row + 4}
                height="18"
                width={Math.max(1, (d.value / max) * 360)}
                class="bar"
              />
              <text x={170 + (d.value / max) * 360} y={i * row + 17} class="chart-value">
                {num(d.value, 1)} {props.unit ?? ''}
              </text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}

export function ErrorText(props: { error: unknown; id?: string }) {
  if (!props.error) return null;
  const e = props.error;
  const text = e instanceof ApiError ? plain(e.code, e.message) : String((e as Error).message ?? e);
  return (
    <p class="error" role="alert" id={props.id}>
      {text}
    </p>
  );
}

/** Follows one job: a progress bar and its live log; calls onDone with the terminal job. */
export function JobProgress(props: { jobId: string; onDone?: (job: JobView) => void }) {
  const [progress, setProgress] = useState(0);
  const [lines, setLines] = useState<JobEvent[]>([]);
  const [status, setStatus] = useState('queued');
  const logRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    setLines([]);
    setProgress(0);
    const w = watchJob(props.jobId, (e) => {
      setLines((l) => [...l.slice(-199), e]);
      if (e.job && typeof e.job.progress === 'number') setProgress(e.job.progress);
      if (e.job?.status) setStatus(e.job.status);
    });
    void w.done.then((job) => {
      setStatus(job.status);
      if (job.status === 'succeeded') setProgress(1);
      props.onDone?.(job);
    });
    return w.stop;
  }, [props.jobId]);
  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [lines.length]);
  const pct = Math.round(progress * 100);
  return (
    <section class="job-progress" aria-label={t('progress')}>
      <label>
        {t('progress')} <span data-testid="progress-text">{pct} %</span> ·{' '}
        <span class="status">{status}</span>
        <progress max={100} value={pct} aria-valuetext={`${pct} %`} />
      </label>
      <h3>{t('log')}</h3>
      <ol class="log" ref={logRef} aria-live="polite">
        {lines.map((l, i) => (
          <li key={i}>
            <span class="tag">{l.type}</span> {l.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A table's header row; `hidden` names a last column of buttons for screen readers only. */
export function Head(props: { cols: string[]; hidden?: string }) {
  return (
    <thead>
      <tr>
        {props.cols.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
        {props.hidden !== undefined && (
          <th scope="col">
            <span class="sr">{props.hidden}</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** Previous / next buttons; `prev` or `next` undefined disables that button. */
export function Pager(props: { prev?: () => void; next?: () => void; label?: string }) {
  return (
    <div class="pager">
      <button type="button" disabled={!props.prev} onClick={props.prev}>
        {t('previous')}
      </button>
      {props.label && <span>{props.label}</span>}
      <button type="button" disabled={!props.next} onClick={props.next}>
        {t('next')}
      </button>
    </div>
  );
}

/** A file the page makes (exports, CSV) offered as a download without leaving the page. */
export function saveFile(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Reloads `load` now and every `ms`, while the page is shown. */
export function useRefresh(load: () => Promise<void> | void, ms: number, deps: unknown[] = []): void {
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), ms);
    return () => clearInterval(timer);
  }, deps);
}
