import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parsePublicKey } from './checkpoint.js';
import { FigureSum, formatSum, parseSumSpec } from './figure-sum.js';
import { formatReport, verifyBundleLines } from './verify-bundle.js';

/**
 * aid-ledger-verify: checks an exported audit bundle offline (see verify-bundle.ts for what it checks).
 *
 *   aid-ledger-verify [--public-key <file>] [--json] [--check-sum <eventType>:<path>[=<expected>]]... <bundle.ndjson | ->
 *
 * --check-sum re-adds a figure from the verified events (figure-sum.ts); with an expected value, a different
 * sum makes the run fail.
 * Exit status: 0 valid (and every expected sum matches), 1 invalid or a sum differs, 2 the command itself was
 * wrong (bad option, unreadable file or key).
 */

const USAGE =
  'usage: aid-ledger-verify [--public-key <file>] [--json] [--check-sum <eventType>:<path>[=<amount>[ <currency>]]]... <bundle.ndjson | ->\n';

export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function runVerifyCli(args: string[], output: CliOutput = processOutput): Promise<number> {
  let publicKeyFile: string | undefined;
  let json = false;
  let bundle: string | undefined;
  const sums: FigureSum[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--public-key') {
      publicKeyFile = args[++i];
      if (!publicKeyFile) return usage(output, '--public-key needs a file');
    } else if (arg.startsWith('--public-key=')) {
      publicKeyFile = arg.slice('--public-key='.length);
    } else if (arg === '--check-sum' || arg.startsWith('--check-sum=')) {
      const spec = arg === '--check-sum' ? args[++i] : arg.slice('--check-sum='.length);
      if (!spec) return usage(output, '--check-sum needs <eventType>:<path>');
      try {
        sums.push(new FigureSum(parseSumSpec(spec)));
      } catch (error) {
        return usage(output, `--check-sum: ${(error as Error).message}`);
      }
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--help' || arg === '-h') {
      output.stdout(USAGE);
      return 0;
    } else if (arg.startsWith('--')) {
      return usage(output, `unknown option ${arg}`);
    } else if (bundle === undefined) {
      bundle = arg;
    } else {
      return usage(output, 'only one bundle at a time');
    }
  }
  if (bundle === undefined) return usage(output, 'no bundle given');

  let publicKey;
  try {
    publicKey = publicKeyFile ? parsePublicKey(readFileSync(publicKeyFile, 'utf8')) : undefined;
  } catch (error) {
    output.stderr(`cannot read the public key in ${publicKeyFile}: ${(error as Error).message}\n`);
    return 2;
  }

  const input = bundle === '-' ? process.stdin : createReadStream(bundle, 'utf8');
  try {
    const lines = createInterface({ input, crlfDelay: Infinity });
    const report = await verifyBundleLines(lines, { publicKey, onEvent: (event) => sums.forEach((sum) => sum.add(event)) });
    const sumResults = sums.map((sum) => sum.result());
    if (json) {
      output.stdout(JSON.stringify(sums.length ? { ...report, sums: sumResults } : report, null, 2) + '\n');
    } else {
      output.stdout(formatReport(report));
      // A sum from a bundle that failed verification is printed, but marked: it proves nothing.
      for (const result of sumResults) output.stdout(formatSum(result) + (report.valid ? '' : ' [from an INVALID bundle]') + '\n');
    }
    return report.valid && sumResults.every((r) => r.matches !== false) ? 0 : 1;
  } catch (error) {
    output.stderr(`cannot read the bundle ${bundle}: ${(error as Error).message}\n`);
    return 2;
  }
}

function usage(output: CliOutput, problem: string): number {
  output.stderr(`${problem}\n${USAGE}`);
  return 2;
}

// Run when started directly (`npm run verify`); bin/aid-ledger-verify.js imports runVerifyCli itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runVerifyCli(process.argv.slice(2));
}
