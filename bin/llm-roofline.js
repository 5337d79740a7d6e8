#!/usr/bin/env node
// The CLI ships as one bundled module (see scripts/bundle.mjs) so that it starts fast.
import { main } from '../dist/bundle/cli.js';

await main(process.argv);
