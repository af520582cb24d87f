import type { Argv, CommandModule } from 'yargs';
import { packDirName } from '../engine/packs/manifest.js';
import { installPack, listPacks, PackError, type PackStatus } from '../services/models/packs.js';
import { probePack } from '../engine/neural/engines.js';
import { loadOnnxRuntime } from '../engine/onnx/runtime.js';
import { resolveAppPaths } from '../runtime/paths.js';
import { type ConfigArgs, configFromArgs, withConfigOptions } from './options.js';

/**
 * `voicereel models install|list|verify`: model packs carried into the air gap (docs/models.md).
 * Nothing is downloaded; a pack whose files do not match its manifest is refused, naming the file.
 * The server reads installed packs at start: restart it after installing one.
 */

type InstallArgs = ConfigArgs & { source: string; replace: boolean };
type ListArgs = ConfigArgs & { json: boolean };

function statusLine(s: PackStatus): string {
  const m = s.manifest;
  const head = m
    ? `${packDirName(m)}  ${m.family}  ${m.languages.join(',')}  ${m.sample_rate} Hz  ${m.voices.length} voice(s)  ${m.license}`
    : s.dir;
  return s.ok ? `${head}  ok` : `${head}  FAILED\n${s.problems.map((p) => `    - ${p}`).join('\n')}`;
}

function asJson(s: PackStatus) {
  const m = s.manifest;
  return {
    dir: s.dir,
    ok: s.ok,
    problems: s.problems,
    ...(m
      ? {
          name: m.name,
          version: m.version,
          family: m.family,
          languages: m.languages,
          sample_rate: m.sample_rate,
          license: m.license,
          voices: m.voices.map((v) => v.id),
        }
      : {}),
  };
}

const install: CommandModule<object, InstallArgs> = {
  command: 'install <source>',
  describe: 'Verify a model pack (directory or .tar.gz) and install it into models_dir',
  builder: (y) =>
    withConfigOptions(y)
      .positional('source', { type: 'string', demandOption: true, describe: 'pack directory or .tar.gz' })
      .option('replace', {
        type: 'boolean',
        default: false,
        describe: 'overwrite an installed pack of the same name and version',
      }) as Argv<InstallArgs>,
  handler: async (args) => {
    const config = configFromArgs(args);
    try {
      const ort = loadOnnxRuntime(resolveAppPaths().onnxRuntime);
      const r = await installPack(args.source, config.engine.models_dir, {
        replace: args.replace,
        limits: {
          maxBytes: config.engine.pack_max_unpacked_mb * 2 ** 20,
          maxEntries: config.engine.pack_max_files,
        },
        check: (dir, manifest) => probePack(ort, { dir, manifest }),
      });
      process.stdout.write(
        r.unchanged
          ? `${packDirName(r.manifest)} is already installed in ${r.dir} (identical)\n`
          : `installed ${packDirName(r.manifest)} (${r.manifest.family}, ${r.manifest.voices.length} voice(s)) into ${r.dir}; restart the server to use it\n`,
      );
    } catch (err) {
      if (!(err instanceof PackError)) throw err;
      console.error(`voicereel: ${err.message}`);
      process.exitCode = 1;
    }
  },
};

function listCommand(name: 'list' | 'verify'): CommandModule<object, ListArgs> {
  const verify = name === 'verify';
  return {
    command: name,
    describe: verify
      ? 'Check every installed pack file against its sha256; exit 1 if any fails'
      : 'List installed model packs',
    builder: (y) =>
      withConfigOptions(y).option('json', { type: 'boolean', default: false }) as Argv<ListArgs>,
    handler: async (args) => {
      const config = configFromArgs(args);
      const packs = await listPacks(config.engine.models_dir, verify);
      if (args.json) {
        process.stdout.write(
          `${JSON.stringify({ models_dir: config.engine.models_dir, items: packs.map(asJson) }, null, 2)}\n`,
        );
      } else if (packs.length === 0) {
        process.stdout.write(
          `no model packs in ${config.engine.models_dir} (the built-in engine serves every voice)\n`,
        );
      } else {
        process.stdout.write(`${packs.map(statusLine).join('\n')}\n`);
      }
      if (packs.some((p) => !p.ok)) process.exitCode = 1;
    },
  };
}

export const modelsCommand: CommandModule = {
  command: 'models <command>',
  describe: 'Install, list and verify ONNX model packs',
  builder: (y) =>
    y.command(install).command(listCommand('list')).command(listCommand('verify')).demandCommand(1),
  handler: () => undefined,
};
