#!/usr/bin/env node
// Offline verifier of audit bundles; the code lives in src/audit/cli-verify.ts (run `npm run build` first).
import { runVerifyCli } from '../dist/src/audit/cli-verify.js';

process.exitCode = await runVerifyCli(process.argv.slice(2));
