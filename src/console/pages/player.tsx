import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobResult } from '../api.js';
import { t } from '../i18n.js';

/**
 * The finished job's audio with its captions; the word being spoken is highlighted, following the
 * player's clock (timeupdate is too coarse for words, so a frame loop runs while it plays).
 */
export function Player(props: { result: JobResult }) {
  const { result } = props;
  const audio = useRef<HTMLAudioElement>(null);
  const [time, setTime] = useState(-1);
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    let frame = 0;
    const tick = () => {
      setTime(el.currentTime);
      if (!el.paused) frame = requestAnimationFrame(tick);
    };
    const onPlay = () => (frame = requestAnimationFrame(tick));
    el.addEventListener('play', onPlay);
    el.addEventListener('seeked', tick);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('play', onPlay);
      el.removeEventListener('seeked', tick);
    };
  }, [result.audio_url]);
  const seek = (s: number) => {
    if (audio.current) audio.current.currentTime = s;
  };
  return (
    <section class="player" aria-label={t('player')}>
      {result.audio_url && (
        <audio
          ref={audio}
          controls
          preload="metadata"
          src={result.audio_url}
          data-duration={result.duration}
        />
      )}
      <div class="downloads">
        {result.audio_url && (
          <a
            href={result.audio_url}
            download={`voicereel.${result.format ?? 'mp3'}`}
            data-testid="download-audio"
          >
            {t('downloadAudio')}
          </a>
        )}
        {result.caption_url && (
          <a href={result.caption_url} download={`voicereel.${result.caption_format ?? 'vtt'}`}>
            {t('downloadCaptions')}
          </a>
        )}
      </div>
      <ol class="captions">
        {(result.captions ?? []).map((c, i) => {
          const on = time >= c.start && time < c.end;
          return (
            <li key={i} class={on ? 'on' : ''}>
              <span class="who">{c.speaker_name ?? c.speaker}</span>{' '}
              {c.words && c.words.length > 0
                ? c.words.map((w, j) => (
                    <span
                      key={j}
                      class={time >= w.start && time < w.end ? 'word on' : 'word'}
                      onClick={() => seek(w.start)}
                    >
                      {w.text}{' '}
                    </span>
                  ))
                : c.text}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
