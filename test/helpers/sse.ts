/** One Server-Sent Event as the wire carried it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

export interface SseStream {
  status: number;
  headers: Headers;
  events: SseEvent[];
  /** Comment lines (": text"), e.g. heartbeats. */
  comments: string[];
  /** True when the server ended the stream (not the test). */
  ended: boolean;
}

/**
 * Reads an event stream with fetch and a small parser written from the HTML spec (independent of
 * the server's code), until the server ends it, `until` says stop, or the time runs out.
 */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  opts: { until?: (e: SseEvent) => boolean; timeoutMs?: number } = {},
): Promise<SseStream> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 60_000);
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: ctl.signal });
  const out: SseStream = { status: res.status, headers: res.headers, events: [], comments: [], ended: false };
  if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    out.events.push({ event: 'body', data: await res.text() });
    clearTimeout(timer);
    return out;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        out.ended = true;
        break;
      }
      buf += value;
      let i: number;
      let stop = false;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e = parseBlock(block, out.comments);
        if (e) out.events.push(e);
        if (e && opts.until?.(e)) stop = true;
      }
      if (stop) break;
    }
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  return out;
}

function parseBlock(block: string, comments: string[]): SseEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    const m = /^([a-z]+): ?(.*)$/i.exec(line);
    if (!m) continue;
    const [, field, value = ''] = m;
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  return { id, event, data: JSON.parse(data.join('\n')) as unknown };
}
