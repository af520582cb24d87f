/** A browser recording (WebM/Ogg Opus) decoded and written as 16-bit mono WAV, which the server reads. */
export async function toWav(blob: Blob): Promise<Blob> {
  const ctx = new AudioContext();
  try {
    const audio = await ctx.decodeAudioData(await blob.arrayBuffer());
    const pcm = audio.getChannelData(0);
    const rate = audio.sampleRate;
    const buf = new DataView(new ArrayBuffer(44 + pcm.length * 2));
    const str = (o: number, s: string) => [...s].forEach((c, i) => buf.setUint8(o + i, c.charCodeAt(0)));
    str(0, 'RIFF');
    buf.setUint32(4, 36 + pcm.length * 2, true);
    str(8, 'WAVEfmt ');
    buf.setUint32(16, 16, true);
    buf.setUint16(20, 1, true);
    buf.setUint16(22, 1, true);
    buf.setUint32(24, rate, true);
    buf.setUint32(28, rate * 2, true);
    buf.setUint16(32, 2, true);
    buf.setUint16(34, 16, true);
    str(36, 'data');
    buf.setUint32(40, pcm.length * 2, true);
    for (let i = 0; i < pcm.length; i++)
      buf.setInt16(44 + i * 2, Math.max(-1, Math.min(1, pcm[i] ?? 0)) * 0x7fff, true);
    return new Blob([buf.buffer], { type: 'audio/wav' });
  } finally {
    void ctx.close();
  }
}
