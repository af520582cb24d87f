import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { accessibilityViolations, launchChromium, newConsolePage } from '../helpers/browser.js';
import { fixturePath, librivoxReference } from '../helpers/fixtures.js';

/**
 * The console in a real browser (Debian's chromium) against the real server: sign in, register a
 * voice from a real recording, write and synthesize a three-language script, play it with captions,
 * download, manage keys, read usage; project keys see only their own; the session cookie stays out of
 * the page's reach and a cross-site POST is refused. Every page is screenshotted at 1280×800 and
 * checked with axe-core.
 */

const SHOTS = 'docs/screenshots';

/** What the test reads of the page's <audio> (the test's own types have no DOM). */
interface MediaElement {
  duration: number;
  readyState: number;
  dataset: Record<string, string | undefined>;
  addEventListener(type: string, fn: () => void, opts?: { once: boolean }): void;
  play(): Promise<void>;
}
let server: AppServer;
let admin: Api;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
let problems: string[];
/** The Studio's job, looked at again on the Jobs page. */
let jobId = '';

async function signInThroughPage(p: Page, key: string) {
  await p.goto(`${server.url}/`);
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

async function visit(name: string) {
  await page.goto(`${server.url}/#/${name}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
}

async function checkPage(name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  expect(await accessibilityViolations(page), name).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startApp();
  admin = new Api(server.url, server.adminKey);
  ({ browser, close: closeBrowser } = await launchChromium());
  ({ page, problems } = await newConsolePage(browser));
  page.on('dialog', (d) => void d.accept());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
});

describe('console in a browser', () => {
  it('signs in with a key; the session cookie is HttpOnly and out of the page scripts reach', async () => {
    await page.goto(`${server.url}/`);
    await checkPage('sign-in');
    await signInThroughPage(page, server.adminKey);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'vr_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate('document.cookie')).toBe('');
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(server.adminKey);
    await page.getByText('Queue depth').waitFor();
    await checkPage('overview');
  });

  it('registers a voice from a real speech recording', async () => {
    const ref = librivoxReference();
    await visit('voices');
    await page.getByLabel('Name', { exact: true }).fill('Narrator');
    await page.getByLabel('Language').last().selectOption('en');
    await page.getByLabel(/Reference recording/).setInputFiles(ref.file);
    await page.getByLabel(/Transcript/).fill(ref.script);
    await page.getByLabel('Consent statement').fill('Narrator consented.');
    await page.getByRole('button', { name: 'Register voice' }).click();
    await page.getByRole('cell', { name: 'ready' }).waitFor({ timeout: 120_000 });
    await checkPage('voices');
  }, 180_000);

  it('records a reference in the browser as WAV, and previews a sentence in a voice', async () => {
    await visit('voices');
    const form = page.locator('form.register');
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    await form.getByRole('button', { name: 'Stop recording' }).waitFor();
    await page.waitForTimeout(1500);
    await form.getByRole('button', { name: 'Stop recording' }).click();
    await form.getByText(/^recording\.wav \(\d+ KiB\)$/).waitFor();
    // The server decodes the page's WAV (a beep is refused for its lack of speech, not its format).
    await form.getByLabel('Name', { exact: true }).fill('Beep');
    await form.getByLabel(/Transcript/).fill('beep');
    await form.getByRole('button', { name: 'Register voice' }).click();
    await form.locator('#err-file').filter({ hasText: 'too little speech' }).waitFor();

    await page
      .getByRole('row', { name: /Narrator/ })
      .getByRole('button', { name: 'Preview' })
      .click();
    const preview = page.locator('form.preview');
    await preview.getByRole('button', { name: 'Preview' }).click();
    await preview.locator('audio').waitFor({ timeout: 60_000 });
  }, 90_000);

  it("shows the API's refusals in plain words next to the field they concern", async () => {
    const ref = librivoxReference();
    const junk = fixturePath('console-junk.wav');
    writeFileSync(junk, Buffer.from('RIFF....WAVEfmt this is not audio at all'.repeat(50)));
    const short = fixturePath('console-short.wav');
    execFileSync('sox', [ref.file, short, 'trim', '0', '10', 'pad', '0', '40']);
    await visit('voices');
    const form = page.locator('form.register');
    const attempt = async (file: string, transcript: string) => {
      await form.getByLabel('Name', { exact: true }).fill('Refused');
      await form.getByLabel(/Reference recording/).setInputFiles(file);
      await form.getByLabel(/Transcript/).fill(transcript);
      await form.getByRole('button', { name: 'Register voice' }).click();
    };
    await attempt(junk, 'hello');
    await form.locator('.drop #err-file').filter({ hasText: 'not audio the server can read' }).waitFor();
    await attempt(short, 'hello there');
    await form.locator('.drop #err-file').filter({ hasText: 'too little speech' }).waitFor();
    await checkPage('voices-refused');
    // A transcript that does not fit is found by the registration job, and shown by the transcript.
    await attempt(ref.file, 'Hello there.');
    await form.locator('#err-script').filter({ hasText: 'does not match' }).waitFor({ timeout: 120_000 });
    expect(await form.locator('#err-file').count()).toBe(0);
  }, 180_000);

  it('writes a three-line ko/en/ja script, submits it, follows it to 100 % and plays it with captions', async () => {
    await visit('studio');
    type Listed = { items: Array<{ id: string; name: string; status: string }> };
    const speakers = (await admin.json<Listed>('GET', '/v1/speakers')).body.items;
    const speaker = speakers.find((s) => s.name === 'Narrator' && s.status === 'ready')!.id;
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByRole('button', { name: 'Add line' }).click();
    const lines: Array<[string, string]> = [
      ['builtin-ko', '안녕하세요. 오늘 일정을 알려 드릴게요.'],
      [speaker, 'Thank you. Shall we start with the morning meeting?'],
      ['builtin-ja', 'はい、九時から会議があります。'],
    ];
    for (const [i, [voice, text]] of lines.entries()) {
      await page.getByLabel(`Voice ${i + 1}`, { exact: true }).selectOption(voice);
      await page.getByLabel(`Text ${i + 1}`, { exact: true }).fill(text);
    }
    await checkPage('studio');
    const submitted = page.waitForResponse((r) => r.url().endsWith('/v1/synthesize'));
    await page.getByRole('button', { name: 'Synthesize' }).click();
    jobId = ((await (await submitted).json()) as { job_id: string }).job_id;
    await expect
      .poll(() => page.getByTestId('progress-text').textContent(), { timeout: 120_000 })
      .toBe('100 %');
    const audio = page.locator('audio');
    await audio.waitFor();
    const { duration, expected } = await audio.evaluate(
      (el: MediaElement) =>
        new Promise<{ duration: number; expected: number }>((resolve) => {
          const done = () => resolve({ duration: el.duration, expected: Number(el.dataset.duration) });
          if (el.readyState >= 1) done();
          else el.addEventListener('loadedmetadata', done, { once: true });
        }),
    );
    expect(expected).toBeGreaterThan(2);
    expect(Math.abs(duration - expected)).toBeLessThan(0.1);
    // A word lights up while the audio plays.
    await audio.evaluate((el: MediaElement) => el.play());
    await page.locator('.captions .word.on').first().waitFor({ timeout: 10_000 });
    await checkPage('studio-result');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-audio').click(),
    ]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.subarray(0, 3).toString('latin1') === 'ID3' || bytes[0] === 0xff).toBe(true);
  }, 240_000);

  it('pastes a dialogue and maps its names to voices; 300 lines import, edit and export quickly', async () => {
    await visit('studio');
    await page.getByText('Paste dialogue (Name: line per line)').first().click();
    await page
      .getByRole('textbox', { name: 'Paste dialogue (Name: line per line)' })
      .fill('Minji: 안녕하세요.\nTom: Hello there.\nand welcome.\nMinji: 반가워요.');
    await page.getByLabel('Minji', { exact: true }).selectOption('builtin-ko');
    await page.getByLabel('Tom', { exact: true }).selectOption('builtin-en');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await page.getByLabel('Voice 1', { exact: true }).inputValue()).toBe('builtin-ko');
    expect(await page.getByLabel('Voice 2', { exact: true }).inputValue()).toBe('builtin-en');
    expect(await page.getByLabel('Text 2', { exact: true }).inputValue()).toBe('Hello there. and welcome.');
    expect(await page.getByLabel('Text 3', { exact: true }).inputValue()).toBe('반가워요.');

    const file = join(mkdtempSync(join(tmpdir(), 'vr-script-')), 'script.json');
    const script = Array.from({ length: 300 }, (_, i) => ({ voice: 'builtin-en', text: `Line ${i + 1}.` }));
    writeFileSync(file, JSON.stringify({ script, output_format: 'wav', caption_format: 'vtt' }));
    await page.getByLabel('Import script JSON').setInputFiles(file);
    const last = page.getByLabel('Text 300', { exact: true });
    await last.waitFor();
    // Each keystroke re-renders one line, not three hundred.
    const started = Date.now();
    await page.getByLabel('Text 150', { exact: true }).pressSequentially(' Edited', { delay: 0 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await page.getByLabel('Output format').inputValue()).toBe('wav');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export script JSON' }).click(),
    ]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      script: Array<{ text: string }>;
      caption_format: string;
    };
    expect(exported.script).toHaveLength(300);
    expect(exported.script[149]!.text).toBe('Line 150. Edited');
    expect(exported.caption_format).toBe('vtt');
  });

  it('shows the job in usage and in jobs', async () => {
    await visit('usage');
    const projectRow = page.getByRole('row', { name: /^default/ }).first();
    await projectRow.waitFor();
    expect(
      Number((await projectRow.locator('td').nth(1).textContent())?.replace(/[^0-9.]/g, '')),
    ).toBeGreaterThan(0);
    await checkPage('usage');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const rows = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(rows[0]).toBe('month,project,key_id,requests,synthesized_seconds,characters,registrations');
    expect(rows.some((r) => /^\d{4}-\d{2},default,\*,\d+,[1-9]/.test(r))).toBe(true);
    await visit('jobs');
    await page.getByLabel('Open a job by id').fill(jobId);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('progress-text').filter({ hasText: '100 %' }).waitFor();
    await page.locator('.log').getByText('succeeded').first().waitFor();
    await checkPage('jobs');
    // The Overview again, now with a job behind it (the README's screenshot).
    await visit('overview');
    await page.getByTestId('queue-depth').filter({ hasText: /\d/ }).waitFor();
    await page.locator('.chart .bar').first().waitFor();
    await checkPage('overview');
    await visit('system');
    await page.getByTestId('version').waitFor();
    await checkPage('system');
  });

  it('creates a key shown once, revokes it, and the revoked key no longer signs in', async () => {
    await visit('keys');
    await page.getByLabel('Name', { exact: true }).fill('producer');
    await page.getByLabel('Project').fill('p1');
    await page.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^vr_/);
    await checkPage('keys');
    await visit('overview');
    await visit('keys');
    expect(await page.getByTestId('new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    // A second key for the project-scope checks below.
    await page.getByLabel('Name', { exact: true }).fill('producer-2');
    await page.getByLabel('Project').fill('p1');
    await page.getByRole('button', { name: 'Create' }).click();
    const keep = (await page.getByTestId('new-key').textContent())!;

    await page.getByRole('button', { name: 'Revoke producer', exact: true }).click();
    await page.getByRole('row', { name: /producer .*Revoked/ }).waitFor();

    const other = await newConsolePage(browser);
    await signInThroughPage(other.page, key);
    await other.page.getByRole('alert').filter({ hasText: 'unknown or revoked' }).waitFor();

    // A project key: no Keys page, none of another project's voices.
    await signInThroughPage(other.page, keep);
    await other.page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await other.page.getByRole('link', { name: 'Keys' }).count()).toBe(0);
    await other.page.goto(`${server.url}/#/keys`);
    await other.page.getByText('This page needs an admin key.').waitFor();
    await other.page.goto(`${server.url}/#/voices`);
    await other.page.getByRole('button', { name: 'Register voice' }).waitFor();
    await other.page.waitForLoadState('networkidle');
    expect(await other.page.getByRole('cell', { name: 'Narrator' }).count()).toBe(0);
    await other.context.close();
  });

  it('refuses a cross-site POST carrying the session', async () => {
    const before = (await admin.json<{ items: unknown[] }>('GET', '/v1/keys')).body.items.length;
    const evil = 'http://evil.test';
    await page.context().route(`${evil}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<form id="f" method="POST" action="${server.url}/v1/keys" enctype="text/plain">
          <input name='{"name":"evil","project":"x","pad":"' value='"}'></form>
          <script>document.getElementById('f').submit()</script>`,
      }),
    );
    const answer = page.waitForResponse(
      (r) => r.url() === `${server.url}/v1/keys` && r.request().method() === 'POST',
    );
    await page.goto(`${evil}/`);
    expect([401, 403]).toContain((await answer).status());
    const after = (await admin.json<{ items: Array<{ name: string }> }>('GET', '/v1/keys')).body.items;
    expect(after.length).toBe(before);
    expect(after.some((k) => k.name === 'evil')).toBe(false);
  });

  it('switches to Korean and remembers it', async () => {
    await visit('overview');
    await page.getByLabel('Language').first().selectOption('ko');
    await page.getByRole('heading', { name: '개요' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '개요' }).waitFor();
    await checkPage('overview-ko');
    expect(problems).toEqual([]);
  });
});
