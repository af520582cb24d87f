import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Api } from '../helpers/api.js';
import { fixturePath, librivoxReference } from '../helpers/fixtures.js';
import type { FuzzTargets } from './fuzz-request.js';

/** A few seconds of the first LibriVox clip: real speech that decodes but is too short to register. */
export function shortSpeech(seconds = 3): Buffer {
  const { file } = librivoxReference();
  const out = fixturePath(`librivox-first-${seconds}s.wav`);
  if (!existsSync(out)) execFileSync('sox', [file, out, 'trim', '0', String(seconds)]);
  return readFileSync(out);
}

async function ok<T>(what: string, p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates the objects the fuzzer aims at: a ready speaker, a finished job, keys of several kinds. */
export async function makeTargets(url: string, adminKey: string): Promise<FuzzTargets> {
  const api = new Api(url, adminKey);
  const reference = librivoxReference();
  const reg = await api.registerSpeaker({ name: 'Fuzz target', lang: 'en', ...reference });
  if (reg.status !== 202) throw new Error(`registration refused: ${JSON.stringify(reg.body)}`);
  const regJob = await api.waitJob(String(reg.body.job_id), 120_000);
  if (regJob.status !== 'succeeded') throw new Error(`registration failed: ${JSON.stringify(regJob)}`);
  const speakerId = String(reg.body.speaker_id);

  const key = (name: string, project: string) =>
    ok<{ id: string; key: string }>(`key ${name}`, api.json('POST', '/v1/keys', { name, project }), 201);
  const user = await key('fuzz-user', 'fuzz-other');
  const revoked = await key('fuzz-revoked', 'fuzz-other');
  await ok('revoke', api.json('DELETE', `/v1/keys/${revoked.id}`), 204);
  const spares = await Promise.all([1, 2, 3].map((i) => key(`fuzz-spare-${i}`, 'fuzz-other')));
  const list = await ok<{ items: Array<{ id: string; name: string; admin: boolean }> }>(
    'keys',
    api.json('GET', '/v1/keys'),
  );
  const adminKeyId = list.items.find((k) => k.admin && k.name === 'bootstrap')?.id;
  if (!adminKeyId) throw new Error('no bootstrap key in GET /v1/keys');

  const voices = await ok<{ items: Array<{ id: string }> }>('voices', api.json('GET', '/v1/voices'));
  const synth = await ok<{ job_id: string }>(
    'synthesize',
    api.json('POST', '/v1/synthesize', {
      script: [{ speaker_id: speakerId, text: 'A target for the fuzzer.' }],
    }),
    202,
  );
  const job = await api.waitJob(synth.job_id, 120_000);
  const fileUrl = (job.result as { audio_url?: string } | undefined)?.audio_url;
  if (job.status !== 'succeeded' || !fileUrl) throw new Error(`synthesis failed: ${JSON.stringify(job)}`);

  return {
    adminKey,
    adminKeyId,
    userKey: user.key,
    userKeyId: user.id,
    revokedKey: revoked.key,
    revokedKeyId: revoked.id,
    spareKeyIds: spares.map((s) => s.id),
    speakerId,
    jobId: synth.job_id,
    fileUrl,
    voice: voices.items[0]?.id ?? 'builtin-en',
    shortSpeech: shortSpeech(),
    reference: { audio: readFileSync(reference.file), script: reference.script },
  };
}
