// One benchmark run in a process of its own (so its peak RSS is its own): lints every project
// `.ts` file of a tsconfig with the bench config and prints one JSON line of figures.
//   node scripts/bench/lint-run.mjs <tsconfig.json> [--concurrency off|auto|<n>] [--rules race-guard|yardstick|<rule ids, comma-separated>]
//                                   [--tsconfig-program] [--list-reports]
// Generated projects are linted through the project service (as editors and most configs do);
// `--tsconfig-program` builds the program from the named tsconfig instead (`parserOptions.project`),
// which is what the corpus runs need: their tsconfigs have other names than `tsconfig.json`.
import path from 'node:path';
import { parseArgs } from 'node:util';

import { ESLint } from 'eslint';
import ts from 'typescript';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: 'off' },
    rules: { type: 'string' },
    'list-reports': { type: 'boolean', default: false },
    'tsconfig-program': { type: 'boolean', default: false },
  },
});
const tsconfig = path.resolve(positionals[0] ?? 'tsconfig.json');
const root = path.dirname(tsconfig);

/** The tsconfig's own source files: what `tsc` compiles, without declarations and dependencies. */
export function projectFiles(configPath) {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  const folder = path.dirname(configPath) + path.sep;
  return parsed.fileNames.filter((file) => !file.includes('/node_modules/') && !file.endsWith('.d.ts') && file.startsWith(folder));
}

// The config module reads these; worker threads inherit them.
process.env.BENCH_ROOT = root;
if (values['tsconfig-program']) process.env.BENCH_TSCONFIG = tsconfig;
else delete process.env.BENCH_TSCONFIG;
if (values.rules != null) process.env.BENCH_RULES = values.rules;

const concurrency = values.concurrency === 'off' || values.concurrency === 'auto' ? values.concurrency : Number(values.concurrency);
const files = projectFiles(tsconfig);
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: path.join(import.meta.dirname, 'eslint.bench.config.mjs'),
  stats: true,
  concurrency,
});

const started = process.hrtime.bigint();
const results = await eslint.lintFiles(files);
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;

/** @type {Record<string, number>} */
const ruleMs = {};
/** @type {Record<string, number>} */
const reports = {};
const crashes = [];
const findings = [];
let parseMs = 0;
let firstParseMs = 0;
for (const result of results) {
  const passes = result.stats?.times.passes ?? [];
  for (const pass of passes) {
    parseMs += pass.parse.total;
    for (const [ruleId, time] of Object.entries(pass.rules ?? {})) ruleMs[ruleId] = (ruleMs[ruleId] ?? 0) + time.total;
  }
  firstParseMs = Math.max(firstParseMs, passes[0]?.parse.total ?? 0);
  for (const message of result.messages) {
    if (message.ruleId == null) {
      // Fatal parse errors and rule crashes come without a rule id.
      if (message.fatal === true || message.severity === 2) crashes.push(`${path.relative(root, result.filePath)}:${String(message.line)} ${message.message.slice(0, 300)}`);
      continue;
    }
    reports[message.ruleId] = (reports[message.ruleId] ?? 0) + 1;
    findings.push(`${path.relative(root, result.filePath)}:${String(message.line)}:${String(message.column)} ${message.ruleId}`);
  }
}
const output = {
  files: files.length,
  concurrency: values.concurrency,
  wallMs,
  parseMs,
  // typescript-eslint builds the program while it parses the first file: the slowest parse is
  // (nearly all) program creation.
  programMs: firstParseMs,
  ruleMs,
  reports,
  crashes,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  ...(values['list-reports'] ? { findings: findings.sort() } : {}),
};
console.log(JSON.stringify(output));
