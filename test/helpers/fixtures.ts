import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Reference recordings made at test time from Debian packages (nothing binary lives in git):
 * real LibriVox speech from pocketsphinx-testdata, and eSpeak NG speech for Korean and Japanese.
 */
export const FIXTURE_DIR = join(tmpdir(), 'voicereel-fixtures');
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

export function fixturePath(name: string): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  return join(FIXTURE_DIR, name);
}

/**
 * The five LibriVox clips `repeat` times over (24.7 s, about 20 s of it speech, per round; twice over
 * by default) and the matching transcript, at their own 16 kHz or resampled to `rate`.
 */
export function librivoxReference(repeat = 2, rate?: number): { file: string; script: string } {
  const lines = readFileSync(join(LIBRIVOX, 'transcription'), 'utf8')
    .split('\n')
    .map((l) => /^<s> (.*) <\/s> \((.*)\)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  const clips = lines.map((m) => join(LIBRIVOX, `${m[2]}.wav`));
  const file = fixturePath(`librivox-x${repeat}${rate ? `-${rate}` : ''}.wav`);
  const all = Array.from({ length: repeat }, () => clips).flat();
  if (!existsSync(file)) execFileSync('sox', [...all, ...(rate ? ['-r', String(rate)] : []), file]);
  const once = lines.map((m) => m[1]).join('. ');
  return { file, script: Array.from({ length: repeat }, () => `${once}.`).join(' ') };
}

export const KOREAN_TEXT =
  '안녕하세요. 오늘은 날씨가 정말 좋습니다. 저는 매일 아침 공원에서 산책을 합니다. ' +
  '친구들과 함께 커피를 마시면서 이야기를 나누는 것을 좋아합니다. ' +
  '주말에는 가족과 함께 시장에 가서 신선한 과일과 채소를 삽니다. ' +
  '저녁에는 책을 읽거나 음악을 들으면서 하루를 마무리합니다. ';

export const JAPANESE_TEXT =
  'こんにちは。きょうは とても いい てんき ですね。わたしは まいあさ こうえんを さんぽします。' +
  'ともだちと いっしょに コーヒーを のみながら はなしを するのが すきです。' +
  'しゅうまつには かぞくと いっしょに いちばへ いって くだものと やさいを かいます。';

/** eSpeak NG speaking `text` `repeat` times in a given voice, as 16-bit WAV (the reference upload). */
export function espeakReference(
  name: string,
  voice: string,
  text: string,
  repeat: number,
  pitch = 50,
  wpm = 160,
) {
  const file = fixturePath(`${name}.wav`);
  const script = Array.from({ length: repeat }, () => text).join(' ');
  if (!existsSync(file))
    execFileSync('espeak-ng', ['-v', voice, '-p', String(pitch), '-s', String(wpm), '-w', file, script]);
  return { file, script };
}

/** Converts a fixture with sox (e.g. to 24-bit, float, stereo or MP3 through ffmpeg). */
export function convert(src: string, name: string, soxArgs: string[]): string {
  const out = fixturePath(name);
  if (!existsSync(out)) execFileSync('sox', [src, ...soxArgs, out]);
  return out;
}

export function toMp3(src: string, name: string): string {
  const out = fixturePath(name);
  if (!existsSync(out))
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-codec:a', 'libmp3lame', '-b:a', '96k', out]);
  return out;
}

/** ffprobe's view of a file: the independent check of what we encoded. */
export function ffprobe(file: string): {
  codec: string;
  sampleRate: number;
  channels: number;
  duration: number;
} {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
    encoding: 'utf8',
  });
  const j = JSON.parse(out) as {
    streams: Array<{ codec_name: string; sample_rate: string; channels: number }>;
    format: { duration: string };
  };
  const s = j.streams[0];
  if (!s) throw new Error(`ffprobe found no stream in ${file}`);
  return {
    codec: s.codec_name,
    sampleRate: Number(s.sample_rate),
    channels: s.channels,
    duration: Number(j.format.duration),
  };
}
