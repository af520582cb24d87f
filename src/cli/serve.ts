import type { CommandModule } from 'yargs';
import { ConfigError } from '../config/loader.js';
import { start } from '../main.js';
import { type ConfigArgs, configFromArgs, withConfigOptions } from './options.js';

/** `voicereel serve`: resolve config, start, and own the process signals (handled here only). */
export const serveCommand: CommandModule<object, ConfigArgs> = {
  command: 'serve',
  describe: 'Run the VoiceReel server',
  builder: (y) => withConfigOptions(y),
  handler: async (args) => {
    const config = configFromArgs(args);
    const server = await start(config).catch((err: unknown) => {
      // A configuration only the database can judge (a revoked bootstrap key) fails like a bad value.
      if (!(err instanceof ConfigError)) throw err;
      console.error(`voicereel: ${err.message}`);
      process.exit(78);
    });
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) process.exit(130); // A second Ctrl-C means now.
      void server.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`voicereel: error while stopping after ${signal}: ${String(err)}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  },
};
