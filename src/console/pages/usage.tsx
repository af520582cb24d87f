import { useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { num, t } from '../i18n.js';
import { BarChart, saveFile, useRefresh } from '../ui.js';

interface Totals {
  requests: number;
  synthesized_seconds: number;
  characters: number;
  registrations: number;
}
interface Report {
  month: string;
  keys: Array<Totals & { key_id: string; project: string }>;
  projects: Array<Totals & { project: string }>;
  total: Totals;
}

const thisMonth = () => new Date().toISOString().slice(0, 7);
const COLS: Array<keyof Totals> = ['requests', 'synthesized_seconds', 'characters', 'registrations'];

/** The server's CSV layout (voicereel usage report): keys, then projects (key `*`), then the total. */
function csv(r: Report): string {
  const line = (p: string, k: string, x: Totals) => [r.month, p, k, ...COLS.map((c) => x[c])].join(',');
  return (
    [
      'month,project,key_id,requests,synthesized_seconds,characters,registrations',
      ...r.keys.map((k) => line(k.project, k.key_id, k)),
      ...r.projects.map((p) => line(p.project, '*', p)),
      line('*', '*', r.total),
    ].join('\n') + '\n'
  );
}

function Table(props: { caption: string; first: string; rows: Array<{ name: string; t: Totals }> }) {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.first}</th>
          <th scope="col">{t('requests')}</th>
          <th scope="col">{t('seconds')}</th>
          <th scope="col">{t('characters')}</th>
          <th scope="col">{t('registrations')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{r.name}</th>
            {COLS.map((c) => (
              <td key={c} class="num">
                {num(r.t[c], c === 'synthesized_seconds' ? 1 : 0)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Usage(_props: { me: Me }) {
  const [month, setMonth] = useState(thisMonth());
  const [report, setReport] = useState<Report | null>(null);
  useRefresh(async () => setReport(await api<Report>('GET', `/v1/usage?month=${month}`)), 15000, [month]);
  return (
    <div>
      <div class="row-form">
        <label>
          {t('month')}
          <input
            type="month"
            value={month}
            onChange={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)}
          />
        </label>
        <button
          type="button"
          disabled={!report}
          onClick={() => report && saveFile(`voicereel-usage-${month}.csv`, 'text/csv', csv(report))}
        >
          {t('downloadCsv')}
        </button>
      </div>
      {report && (
        <>
          <BarChart
            title={t('seconds')}
            unit="s"
            data={report.projects.map((p) => ({ label: p.project, value: p.synthesized_seconds }))}
          />
          <Table
            caption={t('project')}
            first={t('project')}
            rows={[
              ...report.projects.map((p) => ({ name: p.project, t: p })),
              { name: t('total'), t: report.total },
            ]}
          />
          <Table
            caption={t('key')}
            first={t('key')}
            rows={report.keys.map((k) => ({ name: `${k.key_id} (${k.project})`, t: k }))}
          />
        </>
      )}
    </div>
  );
}
