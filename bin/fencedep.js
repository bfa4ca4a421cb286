#!/usr/bin/env node
// Thin entry point: everything lives in src/cli (built to dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
