import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type JobView, type Me, watchJob } from '../api.js';
import { date, plain, t } from '../i18n.js';
import { ErrorText, Head, Pager, useRefresh } from '../ui.js';
import { toWav } from '../wav.js';
import { Player } from './player.js';

export interface Speaker {
  id: string;
  name: string;
  lang: string;
  status: string;
  created_at: string;
}
interface Page {
  items: Speaker[];
  page: number;
  page_size: number;
  total: number;
}

/** Which field an API refusal belongs next to. */
const FIELD_OF: Record<string, string> = {
  UNSUPPORTED_MEDIA: 'file',
  INSUFFICIENT_REF: 'file',
  PAYLOAD_TOO_LARGE: 'file',
  SCRIPT_MISMATCH: 'script',
};

function Register(props: { onDone: () => void }) {
  const [name, setName] = useState('');
  const [lang, setLang] = useState('en');
  const [script, setScript] = useState('');
  const [consent, setConsent] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [recorder, setRecorder] = useState<MediaRecorder | null>(null);
  const [over, setOver] = useState(false);
  const fail = (code: string, message: string, field?: string) =>
    setErrors({ [field ?? FIELD_OF[code] ?? 'form']: plain(code, message) });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return fail('', t('dropHere'), 'file');
    setErrors({});
    setBusy(true);
    const form = new FormData();
    form.set('name', name);
    form.set('lang', lang);
    form.set('reference_script', script);
    if (consent) form.set('consent', consent);
    form.set('reference_audio', file, file.name);
    try {
      const made = await api<{ job_id: string }>('POST', '/v1/speakers', form);
      const job = await watchJob(made.job_id, () => undefined).done;
      if (job.status !== 'succeeded' && job.error) fail(job.error.code, job.error.message);
      else {
        setName('');
        setScript('');
        setFile(null);
      }
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError) fail(err.code, err.message, err.details.field as string | undefined);
      else fail('', String(err));
    } finally {
      setBusy(false);
    }
  };
  const record = async () => {
    if (recorder) return recorder.stop();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const rec = new MediaRecorder(stream);
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.onstop = async () => {
      stream.getTracks().forEach((tr) => tr.stop());
      setRecorder(null);
      setFile(new File([await toWav(new Blob(chunks))], 'recording.wav', { type: 'audio/wav' }));
    };
    rec.start();
    setRecorder(rec);
  };
  const err = (f: string) =>
    errors[f] ? (
      <p class="error" role="alert" id={`err-${f}`}>
        {errors[f]}
      </p>
    ) : null;
  return (
    <form class="card register" onSubmit={submit} aria-busy={busy}>
      <h2>{t('register')}</h2>
      <label>
        {t('name')}
        <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t('language')}
        <select name="lang" value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
          <option value="en">English</option>
          <option value="ko">한국어</option>
          <option value="ja">日本語</option>
        </select>
      </label>
      <div
        class={`drop${over ? ' over' : ''}`}
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const f = e.dataTransfer?.files[0];
          if (f) setFile(f);
        }}
      >
        <label>
          {t('recording')}
          <input
            type="file"
            name="reference_audio"
            accept="audio/wav,audio/x-wav,audio/mpeg,.wav,.mp3"
            aria-describedby={errors.file ? 'err-file' : undefined}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <p class="muted">{file ? `${file.name} (${Math.round(file.size / 1024)} KiB)` : t('dropHere')}</p>
        {typeof MediaRecorder !== 'undefined' && (
          <button type="button" onClick={() => void record()} aria-pressed={recorder !== null}>
            {recorder ? t('stopRecording') : t('record')}
          </button>
        )}
        {err('file')}
      </div>
      <label>
        {t('transcript')}
        <textarea
          name="reference_script"
          required
          rows={4}
          value={script}
          aria-describedby={errors.script ? 'err-script' : undefined}
          onInput={(e) => setScript(e.currentTarget.value)}
        />
      </label>
      {err('script')}
      <label>
        {t('consent')}
        <input name="consent" value={consent} onInput={(e) => setConsent(e.currentTarget.value)} />
      </label>
      {err('name')}
      {err('lang')}
      {err('form')}
      <button type="submit" disabled={busy}>
        {t('register')}
      </button>
    </form>
  );
}

function Preview(props: { speaker: Speaker }) {
  const [text, setText] = useState(t('previewSample'));
  const [job, setJob] = useState<JobView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setJob(null);
    try {
      const made = await api<{ job_id: string }>('POST', '/v1/synthesize', {
        script: [{ speaker_id: props.speaker.id, text }],
        output_format: 'mp3',
        caption_format: 'json',
      });
      setJob(await watchJob(made.job_id, () => undefined).done);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="preview" onSubmit={run}>
      <label>
        {t('previewText')} ({props.speaker.name})
        <input value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit">{t('preview')}</button>
      <ErrorText error={error ?? (job?.error ? new ApiError(0, job.error.code, job.error.message) : null)} />
      {job?.result && <Player result={job.result} />}
    </form>
  );
}

export function Voices(_props: { me: Me }) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page | null>(null);
  const [search, setSearch] = useState('');
  const [previewing, setPreviewing] = useState<Speaker | null>(null);
  const pageSize = 20;
  const load = async () => setData(await api<Page>('GET', `/v1/speakers?page=${page}&page_size=${pageSize}`));
  useRefresh(load, 10000, [page]);
  const remove = async (s: Speaker) => {
    if (!confirm(`${t('confirmDelete')}\n${s.name}`)) return;
    await api('DELETE', `/v1/speakers/${s.id}`);
    await load();
  };
  const shown = (data?.items ?? []).filter(
    (s) => !search || s.name.toLowerCase().includes(search.toLowerCase()),
  );
  const pages = data ? Math.max(1, Math.ceil(data.total / pageSize)) : 1;
  const top = useRef<HTMLDivElement>(null);
  return (
    <div ref={top}>
      <Register onDone={() => void load()} />
      <label class="search">
        {t('search')}
        <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </label>
      <table>
        <Head cols={[t('name'), 'ID', t('language'), t('status'), t('created')]} hidden={t('preview')} />
        <tbody>
          {shown.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>
                <code>{s.id}</code>
              </td>
              <td>{s.lang}</td>
              <td class={`st-${s.status}`}>{s.status}</td>
              <td>{date(s.created_at)}</td>
              <td>
                <button type="button" disabled={s.status !== 'ready'} onClick={() => setPreviewing(s)}>
                  {t('preview')}
                </button>{' '}
                <button type="button" onClick={() => void remove(s)} aria-label={`${t('remove')} ${s.name}`}>
                  {t('remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        prev={page > 1 ? () => setPage(page - 1) : undefined}
        next={page < pages ? () => setPage(page + 1) : undefined}
        label={`${page} / ${pages}`}
      />
      {previewing && <Preview speaker={previewing} />}
    </div>
  );
}
