import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** onnxruntime execution providers for a worker's device ("cpu" or "cuda:N"). */
export function executionProviders(device: string): unknown[] {
  const cuda = /^cuda:(\d+)$/.exec(device);
  if (cuda) return [{ name: 'cuda', deviceId: Number(cuda[1]) }];
  return ['cpu'];
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
export function onnxBinDir(onnxRuntimeDir: string): string {
  return join(onnxRuntimeDir, 'bin', 'napi-v6', process.platform, process.arch);
}

/** onnxruntime's CUDA provider, shipped beside libonnxruntime by onnxruntime-node's GPU install. */
const PROVIDER_LIBS = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
/** What the CUDA 12 provider of onnxruntime 1.2x links against (CUDA 12 runtime, cuBLAS, cuDNN 9). */
const CUDA_LIBS = [
  'libcudart.so.12',
  'libcublas.so.12',
  'libcublasLt.so.12',
  'libcufft.so.11',
  'libcudnn.so.9',
];

export interface CudaCheck {
  ok: boolean;
  /** One line per missing piece, each saying where it belongs. */
  missing: string[];
  /** GPUs the NVIDIA driver reports (/proc/driver/nvidia/gpus). */
  gpus: number;
}

/**
 * Can CUDA device `index` run onnxruntime sessions here? Checks the driver's view of the GPUs, the
 * provider libraries inside the install, and the CUDA/cuDNN libraries on the loader's path
 * (LD_LIBRARY_PATH, the ld.so cache, the provider's own directory). Nothing is downloaded: what is
 * missing is named with where to put it.
 */
export function checkCuda(onnxRuntimeDir: string, index: number, env = process.env): CudaCheck {
  const missing: string[] = [];
  const gpus = countGpus();
  if (gpus === 0)
    missing.push(
      'no NVIDIA GPU is visible (/proc/driver/nvidia/gpus is empty or absent: driver not loaded?)',
    );
  else if (index >= gpus) missing.push(`cuda:${index} does not exist (the driver reports ${gpus} GPU(s))`);
  const bin = onnxBinDir(onnxRuntimeDir);
  const version = ortVersion(onnxRuntimeDir);
  for (const lib of PROVIDER_LIBS)
    if (!existsSync(join(bin, lib)))
      missing.push(
        `${lib} (onnxruntime's CUDA provider): copy it from the onnxruntime ${version} linux-x64 GPU release into ${bin}`,
      );
  const searched = librarySearchDirs(env, bin);
  const cache = ldCache();
  for (const lib of CUDA_LIBS)
    if (!cache.has(lib) && !searched.some((d) => existsSync(join(d, lib))))
      missing.push(
        `${lib} (CUDA 12 / cuDNN 9): install it, or put it in a directory listed in LD_LIBRARY_PATH or ${bin}`,
      );
  return { ok: missing.length === 0, missing, gpus };
}

function ortVersion(dir: string): string {
  try {
    return String(
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version,
    );
  } catch {
    return '(version unknown)';
  }
}

export function countGpus(): number {
  try {
    return readdirSync('/proc/driver/nvidia/gpus').length;
  } catch {
    return 0;
  }
}

function librarySearchDirs(env: NodeJS.ProcessEnv, bin: string): string[] {
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...fromEnv, bin, '/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64'];
}

/** Library names in /etc/ld.so.cache (the binary cache holds them as plain strings). */
function ldCache(): Set<string> {
  try {
    const text = readFileSync('/etc/ld.so.cache').toString('latin1');
    return new Set(text.match(/lib[\w.+-]+\.so[\w.]*/g) ?? []);
  } catch {
    return new Set();
  }
}
