import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Rand } from './rand.js';

/** Every job a client saw accepted (202), across all the server lives of one check. */
export class Ledger {
  readonly accepted = new Map<string, { type: 'synthesize' | 'register_speaker'; speaker?: string }>();
  /** Jobs the client deleted (DELETE /v1/jobs/{id} answered 204): their files are gone on purpose. */
  readonly deleted = new Set<string>();
  readonly speakers = new Set<string>();
  readonly deletedSpeakers = new Set<string>();
  /** Requests by outcome: status code, or the network error that ended them. */
  readonly outcomes: Record<string, number> = {};

  count(what: string): void {
    this.outcomes[what] = (this.outcomes[what] ?? 0) + 1;
  }
}

export interface LoadSettings {
  url: string;
  key: string;
  reference: { file: string; script: string };
  /** A speaker that is ready and is never deleted. */
  baseSpeaker: string;
  rand: Rand;
  ledger: Ledger;
  /** Longest a single request may take before the client gives up on it. */
  requestTimeoutMs?: number;
}

const SENTENCES = [
  'The quarterly numbers are better than we expected.',
  'Please send the files before the end of the day.',
  'We will meet again next week to review the plan.',
  'Thank you all for coming on such short notice.',
  'The new system goes live on Monday morning.',
  'Nobody expected the weather to turn so quickly.',
];

/**
 * Mixed client traffic until `signal` aborts: registrations of real speech, syntheses, cancels and
 * deletes. Failures of the connection itself are expected (the server is being killed under it) and
 * only counted; every 202 goes into the ledger.
 */
export async function mixedLoad(s: LoadSettings, signal: AbortSignal): Promise<void> {
  // Every request and pause listens on the one stop signal.
  setMaxListeners(1000, signal);
  const actors = [uploader, synthesizer, canceller, deleter];
  await Promise.all(actors.map((a, i) => a(s, new Rand(s.rand.int(0, 2 ** 31) + i), signal)));
}

async function call(
  s: LoadSettings,
  signal: AbortSignal,
  method: string,
  path: string,
  body?: FormData | object,
): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  try {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        'X-VR-APIKEY': s.key,
        ...(body && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.any([signal, AbortSignal.timeout(s.requestTimeoutMs ?? 30_000)]),
    });
    const text = await res.text();
    s.ledger.count(`${method} ${route(path)} ${res.status}`);
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    s.ledger.count(`${method} ${route(path)} ${cause}`);
    return undefined;
  }
}

function route(path: string): string {
  return path.replace(/(spk|job|key)_[A-Za-z0-9_-]+/, ':id');
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

async function uploader(s: LoadSettings, r: Rand, signal: AbortSignal): Promise<void> {
  const audio = readFileSync(s.reference.file);
  while (!signal.aborted) {
    const form = new FormData();
    form.set('name', `Chaos ${r.string(5)}`);
    form.set('lang', 'en');
    form.set('reference_script', s.reference.script);
    form.set('reference_audio', new Blob([audio]), basename(s.reference.file));
    const res = await call(s, signal, 'POST', '/v1/speakers', form);
    if (res?.status === 202) {
      s.ledger.accepted.set(String(res.body.job_id), {
        type: 'register_speaker',
        speaker: String(res.body.speaker_id),
      });
      s.ledger.speakers.add(String(res.body.speaker_id));
    }
    await pause(r.int(500, 2000), signal);
  }
}

async function synthesizer(s: LoadSettings, r: Rand, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const speakers = [
      s.baseSpeaker,
      ...[...s.ledger.speakers].filter((x) => !s.ledger.deletedSpeakers.has(x)),
    ];
    const script = Array.from({ length: r.int(1, 4) }, () => ({
      speaker_id: r.chance(0.7) ? s.baseSpeaker : r.pick(speakers),
      text: r.pick(SENTENCES),
    }));
    const res = await call(s, signal, 'POST', '/v1/synthesize', {
      script,
      output_format: r.pick(['wav', 'mp3']),
      caption_format: r.pick(['json', 'vtt', 'srt']),
    });
    if (res?.status === 202) s.ledger.accepted.set(String(res.body.job_id), { type: 'synthesize' });
    await pause(r.int(300, 1500), signal);
  }
}

async function canceller(s: LoadSettings, r: Rand, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await pause(r.int(300, 1500), signal);
    const jobs = [...s.ledger.accepted.keys()];
    if (signal.aborted || jobs.length === 0) continue;
    const id = r.pick(jobs.slice(-10));
    const res = await call(s, signal, 'DELETE', `/v1/jobs/${id}`);
    if (res?.status === 204) s.ledger.deleted.add(id);
  }
}

async function deleter(s: LoadSettings, r: Rand, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await pause(r.int(1000, 4000), signal);
    const candidates = [...s.ledger.speakers].filter((x) => !s.ledger.deletedSpeakers.has(x));
    if (signal.aborted || candidates.length === 0) continue;
    const id = r.pick(candidates);
    const res = await call(s, signal, 'DELETE', `/v1/speakers/${id}`);
    if (res?.status === 204) s.ledger.deletedSpeakers.add(id);
  }
}

/** Polls every accepted job until it is terminal (or the time runs out): what was accepted must end. */
export async function settleAccepted(
  url: string,
  key: string,
  ledger: Ledger,
  timeoutMs: number,
): Promise<{
  terminal: Record<string, number>;
  failures: Record<string, number>;
  lost: string[];
  unfinished: string[];
}> {
  const until = Date.now() + timeoutMs;
  const terminal: Record<string, number> = {};
  const failures: Record<string, number> = {};
  const pending = new Set(ledger.accepted.keys());
  const lost: string[] = [];
  while (pending.size > 0 && Date.now() < until) {
    for (const id of [...pending]) {
      const res = await fetch(`${url}/v1/jobs/${id}`, { headers: { 'X-VR-APIKEY': key } });
      const body = (await res.json()) as { status?: string; error?: { code: string; message: string } };
      if (res.status === 404) {
        lost.push(id);
        pending.delete(id);
      } else if (body.status && !['queued', 'running'].includes(body.status)) {
        terminal[body.status] = (terminal[body.status] ?? 0) + 1;
        if (body.status === 'failed' && body.error) {
          const why = `${body.error.code}: ${body.error.message}`;
          failures[why] = (failures[why] ?? 0) + 1;
        }
        pending.delete(id);
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  return { terminal, failures, lost, unfinished: [...pending] };
}
