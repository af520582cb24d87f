import { Component } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type JobView, type Me } from '../api.js';
import { t } from '../i18n.js';
import { ErrorText, JobProgress, saveFile } from '../ui.js';
import { Player } from './player.js';
import type { Speaker } from './voices.js';

interface Row {
  id: number;
  /** A speaker id (spk_…) or a voice name from /v1/voices. */
  voice: string;
  text: string;
  speed: number;
}
interface Voice {
  id: string;
  name: string;
  lang: string;
}
type Options = Array<{ value: string; label: string; group: string }>;

let nextId = 1;
const row = (voice = '', text = '', speed = 1): Row => ({ id: nextId++, voice, text, speed });

/** Each line renders only when its own row changes, so hundreds of lines stay quick to edit. */
class Line extends Component<{
  row: Row;
  index: number;
  count: number;
  options: Options;
  onChange: (r: Row) => void;
  onMove: (id: number, by: number) => void;
  onRemove: (id: number) => void;
}> {
  override shouldComponentUpdate(next: Line['props']) {
    const p = this.props;
    return (
      next.row !== p.row || next.index !== p.index || next.count !== p.count || next.options !== p.options
    );
  }
  override render() {
    const { row: r, index, count, options, onChange } = this.props;
    const n = index + 1;
    return (
      <li class="line">
        <select
          aria-label={`${t('speaker')} ${n}`}
          value={r.voice}
          onChange={(e) => onChange({ ...r, voice: e.currentTarget.value })}
        >
          <option value="">—</option>
          {(['speakers', 'voices'] as const).map((g) => (
            <optgroup key={g} label={t(g === 'speakers' ? 'voices' : 'presets')}>
              {options
                .filter((o) => o.group === g)
                .map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <textarea
          class="grow"
          rows={1}
          aria-label={`${t('text')} ${n}`}
          value={r.text}
          onInput={(e) => onChange({ ...r, text: e.currentTarget.value })}
        />
        <input
          type="number"
          aria-label={`${t('speed')} ${n}`}
          min={0.5}
          max={2}
          step={0.05}
          value={r.speed}
          onChange={(e) => onChange({ ...r, speed: Number(e.currentTarget.value) || 1 })}
        />
        <button
          type="button"
          disabled={index === 0}
          onClick={() => this.props.onMove(r.id, -1)}
          aria-label={`${t('moveUp')} ${n}`}
        >
          ↑
        </button>
        <button
          type="button"
          disabled={index === count - 1}
          onClick={() => this.props.onMove(r.id, 1)}
          aria-label={`${t('moveDown')} ${n}`}
        >
          ↓
        </button>
        <button type="button" onClick={() => this.props.onRemove(r.id)} aria-label={`${t('remove')} ${n}`}>
          ✕
        </button>
      </li>
    );
  }
}

/** `Name: line` per line; lines without a name continue the previous speaker. */
export function parseDialogue(text: string): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (!l) continue;
    const m = /^([^:：]{1,40})[:：]\s*(.+)$/.exec(l);
    if (m) out.push({ name: m[1]!.trim(), text: m[2]!.trim() });
    else if (out.length) out[out.length - 1]!.text += ' ' + l;
  }
  return out;
}

function Dialogue(props: { options: Options; onApply: (rows: Row[]) => void }) {
  const [text, setText] = useState('');
  const [map, setMap] = useState<Record<string, string>>({});
  const lines = parseDialogue(text);
  const names = [...new Set(lines.map((l) => l.name))];
  return (
    <details class="card">
      <summary>{t('pasteDialogue')}</summary>
      <label>
        {t('pasteDialogue')}
        <textarea rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {names.length > 0 && (
        <fieldset>
          <legend>{t('mapNames')}</legend>
          {names.map((n) => (
            <label key={n}>
              {n}
              <select
                aria-label={n}
                value={map[n] ?? ''}
                onChange={(e) => setMap({ ...map, [n]: e.currentTarget.value })}
              >
                <option value="">—</option>
                {props.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button
            type="button"
            onClick={() => props.onApply(lines.map((l) => row(map[l.name] ?? '', l.text)))}
          >
            {t('apply')}
          </button>
        </fieldset>
      )}
    </details>
  );
}

const lineJson = (r: Row) => ({
  ...(r.voice.startsWith('spk_') ? { speaker_id: r.voice } : { voice: r.voice }),
  text: r.text,
  ...(r.speed !== 1 ? { speed: r.speed } : {}),
});

export function Studio(_props: { me: Me }) {
  const [rows, setRows] = useState<Row[]>([row()]);
  const [options, setOptions] = useState<Options>([]);
  const [out, setOut] = useState({ output_format: 'mp3', sample_rate: 24000, caption_format: 'json' });
  const [jobId, setJobId] = useState<string | null>(null);
  const [job, setJob] = useState<JobView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void (async () => {
      const [voices, speakers] = await Promise.all([
        api<{ items: Voice[] }>('GET', '/v1/voices'),
        api<{ items: Speaker[] }>('GET', '/v1/speakers?page_size=100'),
      ]);
      setOptions([
        ...speakers.items
          .filter((s) => s.status === 'ready')
          .map((s) => ({ value: s.id, label: `${s.name} (${s.lang})`, group: 'speakers' })),
        ...voices.items.map((v) => ({ value: v.id, label: `${v.name} (${v.lang})`, group: 'voices' })),
      ]);
    })().catch(setError);
  }, []);
  const change = (r: Row) => setRows((rs) => rs.map((x) => (x.id === r.id ? r : x)));
  const move = (id: number, by: number) =>
    setRows((rs) => {
      const i = rs.findIndex((x) => x.id === id);
      const copy = [...rs];
      const [it] = copy.splice(i, 1);
      copy.splice(i + by, 0, it!);
      return copy;
    });
  const removeRow = (id: number) => setRows((rs) => rs.filter((x) => x.id !== id));
  const script = () => ({ script: rows.map(lineJson), ...out });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setJob(null);
    try {
      const made = await api<{ job_id: string }>('POST', '/v1/synthesize', script());
      setJobId(made.job_id);
    } catch (err) {
      setError(err);
    }
  };
  const importJson = async (file: File) => {
    try {
      const data = JSON.parse(await file.text()) as { script?: Array<Record<string, unknown>> } & Partial<
        typeof out
      >;
      setRows(
        (data.script ?? []).map((l) =>
          row(String(l.speaker_id ?? l.voice ?? ''), String(l.text ?? ''), Number(l.speed ?? 1)),
        ),
      );
      setOut({ ...out, ...Object.fromEntries(Object.entries(data).filter(([k]) => k in out)) });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit}>
      <Dialogue options={options} onApply={(rs) => setRows(rs)} />
      <ol class="lines">
        {rows.map((r, i) => (
          <Line
            key={r.id}
            row={r}
            index={i}
            count={rows.length}
            options={options}
            onChange={change}
            onMove={move}
            onRemove={removeRow}
          />
        ))}
      </ol>
      <div class="row-form">
        <button type="button" onClick={() => setRows((rs) => [...rs, row(rs[rs.length - 1]?.voice ?? '')])}>
          {t('addRow')}
        </button>
        <label>
          {t('importJson')}
          <input
            type="file"
            accept="application/json,.json"
            onChange={(e) => e.currentTarget.files?.[0] && void importJson(e.currentTarget.files[0])}
          />
        </label>
        <button
          type="button"
          onClick={() =>
            saveFile('voicereel-script.json', 'application/json', JSON.stringify(script(), null, 2))
          }
        >
          {t('exportJson')}
        </button>
      </div>
      <div class="row-form">
        <label>
          {t('outputFormat')}
          <select
            value={out.output_format}
            onChange={(e) => setOut({ ...out, output_format: e.currentTarget.value })}
          >
            <option>mp3</option>
            <option>wav</option>
          </select>
        </label>
        <label>
          {t('sampleRate')}
          <select
            value={out.sample_rate}
            onChange={(e) => setOut({ ...out, sample_rate: Number(e.currentTarget.value) })}
          >
            {[8000, 16000, 22050, 24000, 44100, 48000].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('captionFormat')}
          <select
            value={out.caption_format}
            onChange={(e) => setOut({ ...out, caption_format: e.currentTarget.value })}
          >
            <option>json</option>
            <option>vtt</option>
            <option>srt</option>
          </select>
        </label>
        <button type="submit" class="primary">
          {t('submit')}
        </button>
      </div>
      <ErrorText error={error} />
      {jobId && <JobProgress jobId={jobId} onDone={setJob} />}
      {job?.error && <ErrorText error={new Error(`${job.error.code}: ${job.error.message}`)} />}
      {job?.result && <Player result={job.result} />}
    </form>
  );
}
