import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Job, type SynthesisResult, VoiceReelClient } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { cli } from '../helpers/cli.js';
import { listDir } from '../helpers/expect.js';
import { ffprobe, librivoxReference } from '../helpers/fixtures.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { removeDir, startServer, type TestServer, waitForLog, waitReady } from '../helpers/server.js';

/**
 * Nodes on PostgreSQL and an S3 bucket (a real S3-protocol server, through the AWS SDK), each with
 * its own empty data dir: a speaker registered on one node synthesizes on the other, the files live
 * in the bucket only and download through either node (streamed with ranges, or redirected to the
 * bucket's own presigned URL), keys and links made by one node work on the other (the master secret
 * is the cluster's, in the database), canceling deletes a job's objects, the start-up sweep leaves a
 * young object alone, and the retention sweep deletes expired objects. `voicereel doctor` probes the
 * bucket.
 */
let pgServer: TestPostgres;
let s3: TestS3;
let bucket: string;
let dbUrl: string;
const root = mkdtempSync(join(tmpdir(), 'vr-s3-cluster-'));
const adminKey = `vr_test_s3_${randomBytes(16).toString('hex')}`;
const PREFIX = 'cluster';
const nodes: Record<'a' | 'b', TestServer | undefined> = { a: undefined, b: undefined };
let speakerId = '';
let synthesized: Job | undefined;

function nodeConfig(opts: { downloads?: string; storage?: string } = {}): string {
  const secretFile = join(root, 's3-secret');
  return (
    `[database]\nurl = "${dbUrl}"\npool_size = 4\n[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n` +
    s3.toml({ bucket, secretFile, prefix: PREFIX, ...opts })
  );
}

async function startNode(name: string, config: string): Promise<{ server: TestServer; api: Api }> {
  mkdirSync(join(root, name), { recursive: true });
  const server = await startServer({
    config,
    dataDir: join(root, name),
    adminKey,
    waitReady: false,
  });
  await waitReady(server.url).catch((err: Error) => {
    throw new Error(`${err.message}:\n${server.logs.join('\n')}`);
  });
  return { server, api: new Api(server.url, adminKey) };
}

const api = (n: 'a' | 'b') => new Api((nodes[n] as TestServer).url, adminKey);
const keysOf = (jobId: string) => s3.keys(bucket, `${PREFIX}/jobs/${jobId}/`);

beforeAll(async () => {
  [pgServer, s3] = await Promise.all([startPostgres(), startS3()]);
  dbUrl = await pgServer.database();
  bucket = await s3.bucket();
  s3.secretFile(root);
  // One after the other: the first node makes the schema and the cluster's secret, the second finds them.
  nodes.a = (await startNode('a', nodeConfig())).server;
  nodes.b = (await startNode('b', nodeConfig({ downloads: 'presigned' }))).server;
}, 180_000);

afterAll(async () => {
  await Promise.all([nodes.a?.kill(), nodes.b?.kill()]);
  await Promise.all([pgServer?.stop(), s3?.stop()]);
  removeDir(root);
});

describe('two nodes on PostgreSQL and one bucket', () => {
  it('registers on one node, synthesizes on the other, keeps the files in the bucket only', async () => {
    const { file, script } = librivoxReference();
    ({ speakerId } = await api('a').readySpeaker({ name: 'Narrator', lang: 'en', script, file }, 90_000));
    const b = api('b');
    const { job_id } = await b.client.synthesize({
      script: [{ speaker_id: speakerId, text: 'Registered on one node, spoken through the other.' }],
      output_format: 'wav',
    });
    synthesized = await b.client.waitForJob(job_id, { timeoutMs: 90_000 });
    expect(synthesized.status, JSON.stringify(synthesized.error)).toBe('succeeded');

    const keys = await s3.keys(bucket, `${PREFIX}/`);
    expect(keys).toContain(`${PREFIX}/jobs/${job_id}/audio.wav`);
    expect(keys.filter((k) => k.startsWith(`${PREFIX}/jobs/${job_id}/captions.`))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith(`${PREFIX}/references/${speakerId}.`))).toHaveLength(1);
    for (const n of ['a', 'b']) {
      expect(listDir(join(root, n, 'jobs')), n).toEqual([]);
      expect(listDir(join(root, n, 'references')), n).toEqual([]);
    }
  }, 200_000);

  it('streams the audio through a node, whole and by range, with links either node signed', async () => {
    const job = await api('a').client.getJob((synthesized as Job).id);
    const result = VoiceReelClient.synthesisResult(job) as SynthesisResult;
    const whole = await api('a').download(result.audio_url ?? '');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const wav = join(root, 'whole.wav');
    writeFileSync(wav, whole.bytes);
    expect(Math.abs(ffprobe(wav).duration - result.duration)).toBeLessThan(0.05);

    const part = await api('a').download(result.audio_url ?? '', { Range: 'bytes=0-43' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-43/${whole.bytes.length}`);
    expect([...part.bytes]).toEqual([...whole.bytes.subarray(0, 44)]);
    const tail = await api('a').download(result.audio_url ?? '', { Range: 'bytes=-100' });
    expect([...tail.bytes]).toEqual([...whole.bytes.subarray(-100)]);
    const head = await fetch(`${(nodes.a as TestServer).url}${result.audio_url ?? ''}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(whole.bytes.length));
    // Past the end: 416 naming the size, as for local files.
    const beyond = await api('a').download(result.audio_url ?? '', { Range: `bytes=${whole.bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.bytes.length}`);

    // A link node B signed, served by node A: the nodes share the presigning key.
    const fromB = VoiceReelClient.synthesisResult(await api('b').client.getJob(job.id)) as SynthesisResult;
    expect((await api('a').download(fromB.caption_url ?? '')).status).toBe(200);
  });

  it('redirects to the bucket’s own presigned GET on a node set to "presigned", ranges included', async () => {
    const job = await api('a').client.getJob((synthesized as Job).id);
    const result = VoiceReelClient.synthesisResult(job) as SynthesisResult;
    const whole = await api('a').download(result.audio_url ?? '');
    const link = `${(nodes.b as TestServer).url}${result.audio_url ?? ''}`;
    const redirect = await fetch(link, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${s3.endpoint}/${bucket}/${PREFIX}/jobs/${job.id}/audio.wav?`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('900');

    const fromBucket = await fetch(location);
    expect(fromBucket.status).toBe(200);
    expect(fromBucket.headers.get('content-type')).toBe('audio/wav');
    expect(new Uint8Array(await fromBucket.arrayBuffer())).toEqual(whole.bytes);
    // Following the redirect, the Range goes to the bucket, which answers it.
    const part = await fetch(link, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.bytes.subarray(100, 200));
    // A bad link is refused by VoiceReel before any bucket URL is made.
    const forged = await fetch(link.replace(/sig=[0-9a-f]{4}/, 'sig=0000'), { redirect: 'manual' });
    expect(forged.status).toBe(404);
  });

  it('authenticates on one node the keys made on the other, signed requests included', async () => {
    const created = await api('a').client.createKey({ name: 'made on a', project: 'tenant' });
    const signed = new VoiceReelClient({
      url: (nodes.b as TestServer).url,
      apiKey: created.key,
      keyId: created.id,
      maxRetries: 0,
    });
    expect((await signed.listJobs()).items).toEqual([]);
  });

  it('deletes a job’s objects when it is canceled, through either node', async () => {
    const { job_id } = await api('a').client.synthesize({
      script: [{ voice: 'builtin-en', text: 'A job whose files go when it is canceled.' }],
    });
    const job = await api('a').client.waitForJob(job_id, { timeoutMs: 60_000 });
    expect(job.status).toBe('succeeded');
    const url = (VoiceReelClient.synthesisResult(job) as SynthesisResult).audio_url ?? '';
    expect(await keysOf(job_id)).toHaveLength(2);
    await api('b').client.cancelJob(job_id);
    expect(await keysOf(job_id)).toEqual([]);
    expect((await api('a').download(url)).status).toBe(404);
    expect((await fetch(`${(nodes.b as TestServer).url}${url}`, { redirect: 'manual' })).status).toBe(404);
  }, 90_000);

  it('sweeps at start-up only objects no row names that are older than the grace period', async () => {
    const put = (key: string) =>
      s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}/${key}`, Body: 'RIFF' }));
    await put('jobs/job_crashedLongAgo000/audio.wav');
    await put('references/spk_crashedLongAgo000.wav');
    await put('jobs/job_writingOnAnotherNode/audio.wav');
    s3.backdate(bucket, `${PREFIX}/jobs/job_crashedLongAgo000/audio.wav`, 2 * 3600_000);
    s3.backdate(bucket, `${PREFIX}/references/spk_crashedLongAgo000.wav`, 2 * 3600_000);
    const before = await s3.keys(bucket, `${PREFIX}/`);

    await nodes.b?.stop();
    nodes.b = (await startNode('b', nodeConfig({ downloads: 'presigned' }))).server;
    const after = await s3.keys(bucket, `${PREFIX}/`);
    expect(before.filter((k) => !after.includes(k)).sort()).toEqual([
      `${PREFIX}/jobs/job_crashedLongAgo000/audio.wav`,
      `${PREFIX}/references/spk_crashedLongAgo000.wav`,
    ]);
    expect(after).toContain(`${PREFIX}/jobs/job_writingOnAnotherNode/audio.wav`);
    expect(after).toContain(`${PREFIX}/jobs/${(synthesized as Job).id}/audio.wav`);
  }, 90_000);

  it('checks the bucket with voicereel doctor: reachable and writable, or why not', async () => {
    const good = join(root, 'doctor-good.toml');
    writeFileSync(good, nodeConfig());
    const res = await cli(['doctor', '--json', '--config', good, '--data-dir', join(root, 'a')]);
    const checks = (
      JSON.parse(res.stdout) as { checks: Array<{ id: string; status: string; message: string }> }
    ).checks;
    const storage = checks.find((c) => c.id === 'object_storage');
    expect(storage?.status, storage?.message).toBe('ok');
    expect(storage?.message).toContain(`bucket "${bucket}" (prefix ${PREFIX}/)`);
    // The probe is gone again.
    expect((await s3.keys(bucket, `${PREFIX}/doctor/`)).length).toBe(0);

    const missing = join(root, 'doctor-missing.toml');
    writeFileSync(missing, nodeConfig().replace(`bucket = "${bucket}"`, 'bucket = "no-such-bucket"'));
    const failed = await cli(['doctor', '--json', '--config', missing, '--data-dir', join(root, 'a')]);
    expect(failed.code).toBe(1);
    const check = (
      JSON.parse(failed.stdout) as { checks: Array<{ id: string; status: string; message: string }> }
    ).checks.find((c) => c.id === 'object_storage');
    expect(check?.status).toBe('fail');
    expect(check?.message).toMatch(/bucket "no-such-bucket".*cannot write.*NoSuchBucket/);
  }, 60_000);

  it('deletes expired job objects and old reference recordings in the retention sweep', async () => {
    // A node whose retention is 3.6 s, sweeping every second, joins; the others stop first.
    await Promise.all([nodes.a?.stop(), nodes.b?.stop()]);
    const short = await startNode(
      'c',
      nodeConfig({ storage: 'retention_hours = 0.001\ncleanup_schedule = "* * * * * *"' }),
    );
    nodes.a = short.server;
    const { job_id } = await short.api.client.synthesize({
      script: [{ speaker_id: speakerId, text: 'These objects are meant to expire within seconds.' }],
    });
    const job = await short.api.client.waitForJob(job_id, { timeoutMs: 60_000 });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const url = (VoiceReelClient.synthesisResult(job) as SynthesisResult).audio_url ?? '';
    const until = Date.now() + 20_000;
    while ((await keysOf(job_id)).length > 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 250));
    expect(await keysOf(job_id)).toEqual([]);
    expect((await short.api.download(url)).status).toBe(404);
    expect(await s3.keys(bucket, `${PREFIX}/references/${speakerId}.`)).toEqual([]);
    expect((await short.api.client.getSpeaker(speakerId)).reference.retained).toBe(false);
    expect(await waitForLog(short.server, (l) => l.includes('retention cleanup deleted expired files'))).toBe(
      true,
    );
    // The first job's files have the default retention and stay.
    expect(await keysOf((synthesized as Job).id)).toHaveLength(2);
  }, 120_000);
});
