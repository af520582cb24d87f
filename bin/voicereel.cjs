#!/usr/bin/env node
// `npx voicereel …` from a checkout: runs the bundle that `npm run build` writes.
require('../build/voicereel.cjs');
