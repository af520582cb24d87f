import { runCli } from './index.js';

// The executable's entry point (bundled as build/voicereel.cjs).
void runCli(process.argv.slice(2));
