import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_ORPHAN_GRACE_MS, sweepOrphans } from '../../../src/jobs/orphans.js';
import { closeDatabase, type Db } from '../../../src/store/db.js';
import { storeInTempDir } from '../../helpers/store-dir.js';

/**
 * What kill -9 leaves between a file write and the commit of the row that names it (found by the
 * chaos suite's crash check): upload temp folders, the local store's half-written `*.tmp` files, reference
 * audio of a speaker never stored, output of a job that never succeeded. The start-up sweep removes
 * exactly those and keeps every file a row names.
 */
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
});

function setup() {
  const fixture = storeInTempDir('vr-orphans-');
  open.push(fixture.db);
  const { dir } = fixture;
  const put = (rel: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), 'x');
    return rel;
  };
  return { ...fixture, put };
}

describe('start-up orphan sweep', () => {
  it('removes what an interrupted request or job left and keeps every file a row names', async () => {
    const { dir, store, files, log, lines, put } = setup();
    await store.jobs.insert({
      id: 'job_kept',
      project: 'p',
      key_id: 'k',
      type: 'synthesize',
      payload_json: '{}',
      created_at: 1,
    });
    const keptAudio = put('jobs/job_kept/audio.wav');
    await store.files.insert({
      id: 'file_1',
      job_id: 'job_kept',
      project: 'p',
      kind: 'audio',
      rel_path: keptAudio,
      content_type: 'audio/wav',
      bytes: 1,
      created_at: 1,
      expires_at: null,
    });
    const keptRef = put('references/spk_kept.wav');
    await store.speakers.insert({
      id: 'spk_kept',
      project: 'p',
      name: 'n',
      lang: 'en',
      consent: null,
      reference_script: 't',
      reference_file: keptRef,
      reference_format: 'wav',
      reference_bytes: 1,
      sample_rate: 16000,
      duration_seconds: 40,
      speech_seconds: 35,
      created_at: 1,
    });
    const orphans = [
      put('tmp/req_abc/upload-part'),
      put('references/spk_never_stored.wav'),
      put('references/spk_kept.wav.1a2b3c.tmp'),
      put('jobs/job_kept/captions.vtt.0f0f0f.tmp'),
      put('jobs/job_unfinished/audio.wav'),
    ];

    const removed = await sweepOrphans(store, { objects: files, local: files }, log);

    expect(removed.sort()).toEqual(orphans.sort());
    for (const rel of orphans) expect(existsSync(join(dir, rel)), rel).toBe(false);
    expect(existsSync(join(dir, 'jobs/job_unfinished'))).toBe(false);
    expect(existsSync(join(dir, keptAudio))).toBe(true);
    expect(existsSync(join(dir, keptRef))).toBe(true);
    expect(
      lines.find((l) => l.msg === 'removed files an interrupted request or job left behind'),
    ).toMatchObject({
      removed: orphans.length,
    });
  });

  it('is silent and harmless on a fresh data dir', async () => {
    const { store, files, log, lines } = setup();
    expect(await sweepOrphans(store, { objects: files, local: files }, log)).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('on a shared bucket, leaves alone what another node may be about to name in a row', async () => {
    const { dir, store, files, log, put } = setup();
    const now = Date.now();
    const old = put('jobs/job_crashed_long_ago/audio.wav');
    const oldRef = put('references/spk_crashed_long_ago.wav');
    for (const rel of [old, oldRef])
      utimesSync(join(dir, rel), new Date(now - 7200_000), new Date(now - 7200_000));
    const inFlight = put('jobs/job_on_another_node/audio.wav');
    const upload = put('tmp/req_abc/upload-part');

    const removed = await sweepOrphans(
      store,
      { objects: files, local: files, modifiedBefore: now - SHARED_ORPHAN_GRACE_MS },
      log,
    );

    expect(removed.sort()).toEqual([old, oldRef, upload].sort());
    expect(existsSync(join(dir, inFlight))).toBe(true);
    expect(existsSync(join(dir, old))).toBe(false);
  });
});
