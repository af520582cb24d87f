import type { DevicePlan } from './backend.js';
import { checkCuda, countGpus } from './onnx/devices.js';

export interface DeviceConfig {
  devices: 'auto' | string[];
  workers: number;
  intra_op_threads: number;
  cpu_fallback: boolean;
}

/** A configured device that cannot run, with each missing piece (for start-up and doctor). */
export class DeviceError extends Error {
  constructor(
    readonly device: string,
    readonly missing: string[],
    message: string,
  ) {
    super(message);
  }
}

export interface DeviceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Turns `[engine]` into synthesis pools: which devices, how many workers on each, how many
 * onnxruntime threads per worker. A GPU that cannot run sessions stops start-up with every missing
 * piece named, unless cpu_fallback allows the CPU instead; nothing falls back silently.
 */
export function planDevices(
  engine: DeviceConfig,
  onnxRuntimeDir: string,
  cores: number,
  log: DeviceLog,
): DevicePlan[] {
  let devices: string[];
  if (engine.devices === 'auto') {
    const gpus = countGpus();
    const cuda = gpus > 0 ? checkCuda(onnxRuntimeDir, 0) : undefined;
    devices = cuda?.ok ? Array.from({ length: gpus }, (_, i) => `cuda:${i}`) : ['cpu'];
    log.info(
      { devices, ...(cuda && !cuda.ok ? { cuda_missing: cuda.missing } : {}) },
      gpus === 0 ? 'devices "auto": no NVIDIA GPU, using the CPU' : `devices "auto": ${devices.join(', ')}`,
    );
  } else {
    devices = [];
    for (const d of engine.devices) {
      const index = /^cuda:(\d+)$/.exec(d)?.[1];
      if (index === undefined) {
        devices.push(d);
        continue;
      }
      const check = checkCuda(onnxRuntimeDir, Number(index));
      if (check.ok) {
        devices.push(d);
        continue;
      }
      const detail = check.missing.map((m) => `  - ${m}`).join('\n');
      if (!engine.cpu_fallback)
        throw new DeviceError(
          d,
          check.missing,
          `engine.devices lists ${d}, but CUDA cannot run here:\n${detail}\n` +
            'Install what is missing, or set engine.devices = ["cpu"] (or engine.cpu_fallback = true).',
        );
      log.warn({ device: d, missing: check.missing }, `${d} is unusable; running on the CPU (cpu_fallback)`);
      devices.push('cpu');
    }
    devices = [...new Set(devices)];
  }
  const cpuWorkers = engine.workers || Math.max(1, cores);
  return devices.map((device) =>
    device === 'cpu'
      ? {
          device,
          workers: cpuWorkers,
          intraOpThreads: engine.intra_op_threads || Math.max(1, Math.floor(cores / cpuWorkers)),
        }
      : { device, workers: engine.workers || 1, intraOpThreads: engine.intra_op_threads || 1 },
  );
}
