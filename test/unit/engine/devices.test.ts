import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planDevices } from '../../../src/engine/devices.js';
import { checkCuda, executionProviders, onnxBinDir } from '../../../src/engine/onnx/devices.js';

/** `[engine] devices`: pools per device, threads per worker, and CUDA checks that name what is missing. */
const dir = mkdtempSync(join(tmpdir(), 'vr-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { info: () => {}, warn: () => {} };
const engine = (o: Partial<Parameters<typeof planDevices>[0]> = {}) => ({
  devices: ['cpu'] as 'auto' | string[],
  workers: 0,
  intra_op_threads: 0,
  cpu_fallback: false,
  ...o,
});

describe('planDevices', () => {
  it('CPU: one worker per core by default, cores shared out as intra-op threads otherwise', () => {
    expect(planDevices(engine(), dir, 8, quiet)).toEqual([{ device: 'cpu', workers: 8, intraOpThreads: 1 }]);
    expect(planDevices(engine({ workers: 2 }), dir, 8, quiet)).toEqual([
      { device: 'cpu', workers: 2, intraOpThreads: 4 },
    ]);
    expect(planDevices(engine({ workers: 3, intra_op_threads: 2 }), dir, 2, quiet)).toEqual([
      { device: 'cpu', workers: 3, intraOpThreads: 2 },
    ]);
  });

  it('a CUDA device that cannot run stops start-up naming every missing piece and where it goes', () => {
    let message = '';
    try {
      planDevices(engine({ devices: ['cuda:0'] }), dir, 2, quiet);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('engine.devices lists cuda:0, but CUDA cannot run here');
    expect(message).toContain('no NVIDIA GPU is visible');
    expect(message).toContain(`libonnxruntime_providers_cuda.so (onnxruntime's CUDA provider): copy it`);
    expect(message).toContain(onnxBinDir(dir));
    expect(message).toContain('libcudnn.so.9');
    expect(message).toContain('engine.cpu_fallback = true');
  });

  it('cpu_fallback runs on the CPU instead, with a warning; "auto" without a GPU is the CPU', () => {
    const warned: string[] = [];
    const log = { info: () => {}, warn: (_o: object, m: string) => warned.push(m) };
    expect(planDevices(engine({ devices: ['cuda:0', 'cuda:1'], cpu_fallback: true }), dir, 2, log)).toEqual([
      { device: 'cpu', workers: 2, intraOpThreads: 1 },
    ]);
    expect(warned).toEqual([
      'cuda:0 is unusable; running on the CPU (cpu_fallback)',
      'cuda:1 is unusable; running on the CPU (cpu_fallback)',
    ]);
    expect(planDevices(engine({ devices: 'auto' }), dir, 2, quiet)).toEqual([
      { device: 'cpu', workers: 2, intraOpThreads: 1 },
    ]);
  });
});

describe('checkCuda', () => {
  it('finds the provider beside onnxruntime and CUDA libraries on LD_LIBRARY_PATH', () => {
    const bin = onnxBinDir(join(dir, 'ort'));
    mkdirSync(bin, { recursive: true });
    for (const lib of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'])
      writeFileSync(join(bin, lib), '');
    const cuda = join(dir, 'cuda');
    mkdirSync(cuda);
    for (const lib of [
      'libcudart.so.12',
      'libcublas.so.12',
      'libcublasLt.so.12',
      'libcufft.so.11',
      'libcudnn.so.9',
    ])
      writeFileSync(join(cuda, lib), '');
    const check = checkCuda(join(dir, 'ort'), 0, { LD_LIBRARY_PATH: cuda });
    // Only the GPU itself is missing on this machine.
    expect(check.missing.filter((m) => !m.startsWith('no NVIDIA GPU'))).toEqual([]);
  });

  it('maps devices to onnxruntime execution providers', () => {
    expect(executionProviders('cpu')).toEqual(['cpu']);
    expect(executionProviders('cuda:1')).toEqual([{ name: 'cuda', deviceId: 1 }]);
  });
});
