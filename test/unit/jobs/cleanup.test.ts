import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCleanup } from '../../../src/jobs/cleanup.js';
import type { Clock } from '../../../src/lib/clock.js';
import type { LocalObjectStore } from '../../../src/store/objects/local.js';
import { closeDatabase, type Db } from '../../../src/store/db.js';
import type { Store } from '../../../src/store/index.js';
import { insertQueuedJob } from '../../helpers/store-rows.js';
import { storeInTempDir } from '../../helpers/store-dir.js';

/**
 * The retention sweep (issue 4: "The 48-hour cleanup job logs what it deleted and survives files
 * already gone"): files removed by hand before the sweep are no error and their rows still go; the
 * log line names what was deleted; a file that cannot be deleted is logged and left for the next run.
 */

const HOUR = 3600_000;
const NOW = Date.UTC(2026, 10, 22, 12);
const clock: Clock = { now: () => NOW };
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
});

function setup() {
  const fixture = storeInTempDir('vr-cleanup-');
  open.push(fixture.db);
  return fixture;
}

/** A finished job with audio and captions that expired an hour ago. */
async function expiredJob(store: Store, files: LocalObjectStore, id: string): Promise<string[]> {
  await insertQueuedJob(store, id, NOW - 50 * HOUR);
  const rels: string[] = [];
  for (const [i, kind] of (['audio', 'captions'] as const).entries()) {
    const rel = `jobs/${id}/${kind === 'audio' ? 'audio.wav' : 'captions.vtt'}`;
    await files.put(rel, 'x');
    await store.files.insert({
      id: `file_${id}_${i}`,
      job_id: id,
      project: 'p',
      kind,
      rel_path: rel,
      content_type: 'application/octet-stream',
      bytes: 1,
      created_at: NOW - 50 * HOUR,
      expires_at: NOW - HOUR,
    });
    rels.push(rel);
  }
  return rels;
}

async function speakerWithReference(store: Store, files: LocalObjectStore, id: string): Promise<string> {
  const rel = `references/${id}.wav`;
  await files.put(rel, 'x');
  await store.speakers.insert({
    id,
    project: 'p',
    name: id,
    lang: 'en',
    consent: null,
    reference_script: 'text',
    reference_file: rel,
    reference_format: 'wav',
    reference_bytes: 1,
    sample_rate: 16000,
    duration_seconds: 40,
    speech_seconds: 35,
    created_at: NOW - 50 * HOUR,
  });
  await store.sql.run("UPDATE speakers SET status = 'ready' WHERE id = ?", [id]);
  return rel;
}

describe('retention cleanup', async () => {
  it('survives files already deleted by hand: no crash, the rows go, the log names them', async () => {
    const { dir, store, files, lines, log } = setup();
    const [audio, captions] = await expiredJob(store, files, 'job_one');
    const whole = await expiredJob(store, files, 'job_two');
    const reference = await speakerWithReference(store, files, 'spk_one');
    rmSync(join(dir, audio as string)); // one file of a job
    rmSync(join(dir, 'jobs', 'job_two'), { recursive: true }); // a whole job folder
    rmSync(join(dir, reference)); // a reference recording

    const report = await runCleanup(store, files, clock, 48, log);
    expect(report).toEqual({ files: 4, references: 1, signatures: 0, events: 0, idempotency: 0 });
    expect(await store.files.expired(NOW)).toEqual([]);
    expect(await store.files.forJob('job_one')).toEqual([]);
    expect((await store.speakers.get('spk_one'))?.reference_file).toBeNull();
    expect(existsSync(join(dir, captions as string))).toBe(false);
    expect(existsSync(join(dir, 'jobs', 'job_one'))).toBe(false);
    // Jobs themselves stay on record.
    expect((await store.jobs.get('job_one'))?.status).toBe('queued');

    const logged = lines.filter((l) => l.msg === 'retention cleanup deleted expired files');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ files: 4, references: 1, level: 30 });
    expect([...(logged[0]?.deleted as string[])].sort()).toEqual(
      [audio, captions, ...whole, reference].sort(),
    );
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);

    // A second sweep finds nothing and says nothing.
    expect(await runCleanup(store, files, clock, 48, log)).toEqual({
      files: 0,
      references: 0,
      signatures: 0,
      events: 0,
      idempotency: 0,
    });
    expect(lines.filter((l) => l.msg === 'retention cleanup deleted expired files')).toHaveLength(1);
  });

  it('logs a file it cannot delete, keeps its row for the next sweep and goes on with the others', async () => {
    const { store, files, lines, log } = setup();
    const [stuck, other] = await expiredJob(store, files, 'job_three');
    const flaky = Object.create(files) as LocalObjectStore;
    flaky.remove = async (rel: string) => {
      if (rel === stuck) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      await files.remove(rel);
    };
    expect(await runCleanup(store, flaky, clock, 48, log)).toMatchObject({ files: 1 });
    expect((await store.files.expired(NOW)).map((f) => f.rel_path)).toEqual([stuck]);
    const warned = lines.find((l) => l.msg === 'retention cleanup could not delete');
    expect(warned).toMatchObject({ path: stuck, job_id: 'job_three', level: 40 });
    expect(lines.find((l) => l.msg === 'retention cleanup deleted expired files')).toMatchObject({
      deleted: [other],
    });
    // Once the problem is fixed, the next sweep finishes the job.
    expect(await runCleanup(store, files, clock, 48, log)).toMatchObject({ files: 1 });
    expect(await store.files.expired(NOW)).toEqual([]);
  });

  it('deletes nothing with retention_hours = 0', async () => {
    const { dir, store, files, log } = setup();
    const rels = await expiredJob(store, files, 'job_four');
    expect(await runCleanup(store, files, clock, 0, log)).toEqual({
      files: 0,
      references: 0,
      signatures: 0,
      events: 0,
      idempotency: 0,
    });
    for (const rel of rels) expect(existsSync(join(dir, rel))).toBe(true);
  });

  it('deletes the event history of jobs finished before the retention period, keeps recent ones', async () => {
    const { store, files, log } = setup();
    for (const [id, finished] of [
      ['job_old', NOW - 50 * HOUR],
      ['job_new', NOW - HOUR],
    ] as const) {
      await insertQueuedJob(store, id, finished - HOUR);
      await store.jobs.claimNext(finished - HOUR);
      await store.jobs.succeed(id, {}, finished);
    }
    expect((await store.jobEvents.after('job_old', 0)).map((e) => e.type)).toEqual([
      'queued',
      'started',
      'succeeded',
    ]);
    expect(await runCleanup(store, files, clock, 48, log)).toMatchObject({ events: 3 });
    expect(await store.jobEvents.after('job_old', 0)).toEqual([]);
    expect(await store.jobEvents.after('job_new', 0)).toHaveLength(3);
  });

  it("deletes a canceled registration's recording left on disk whatever the retention, and nothing else of it", async () => {
    for (const retention of [0, 48]) {
      const { dir, store, files, log } = setup();
      const canceled = await speakerWithReference(store, files, 'spk_canceled');
      await store.speakers.markFailed('spk_canceled', 'CANCELED', 'canceled', NOW);
      await store.sql.run('UPDATE speakers SET created_at = ? WHERE id = ?', [NOW - HOUR, 'spk_canceled']);
      const failed = await speakerWithReference(store, files, 'spk_failed');
      await store.speakers.markFailed('spk_failed', 'SCRIPT_MISMATCH', 'no match', NOW);
      await store.sql.run('UPDATE speakers SET created_at = ? WHERE id = ?', [NOW - HOUR, 'spk_failed']);
      expect(
        (await runCleanup(store, files, clock, retention, log)).references,
        `retention ${retention}`,
      ).toBe(1);
      expect(existsSync(join(dir, canceled))).toBe(false);
      expect((await store.speakers.get('spk_canceled'))?.reference_file).toBeNull();
      // A failed registration keeps its recording for the retention period like any other.
      expect(existsSync(join(dir, failed))).toBe(true);
    }
  });
});
