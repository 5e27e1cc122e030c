// The editor's first lint: what opening a file costs in a fresh ESLint process, as the VS Code
// ESLint extension's server does on the first file of a project (loading ESLint and the config,
// opening the TypeScript project through the project service, running the rules), then the memory
// the process holds and a few warm re-lints. Run it once per rule set, each in a fresh process:
// BENCH_RULES=race-guard (the four rules), BENCH_RULES=yardstick (no-floating-promises alone).
// Prints one JSON line.
//   BENCH_RULES=race-guard node scripts/bench/first-lint.mjs <file.ts> [--runs 20]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const started = process.hrtime.bigint();
const { ESLint } = await import('eslint');

const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '20' } } });
const file = path.resolve(positionals[0] ?? '');
let root = path.dirname(file);
while (!fs.existsSync(path.join(root, 'tsconfig.json'))) root = path.dirname(root);
process.env.BENCH_ROOT = root;
delete process.env.BENCH_TSCONFIG;

const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(import.meta.dirname, 'eslint.bench.config.mjs') });
const original = fs.readFileSync(file, 'utf8');
const [first] = await eslint.lintText(original, { filePath: file });
const firstLintMs = Number(process.hrtime.bigint() - started) / 1e6;
const fatal = first?.messages.filter((message) => message.fatal === true) ?? [];
if (fatal.length > 0) throw new Error(`the first lint failed: ${fatal.map((message) => message.message).join('; ')}`);
const afterFirst = process.memoryUsage();

const warm = [];
for (let run = 0; run < Number(values.runs); run++) {
  const begin = process.hrtime.bigint();
  await eslint.lintText(`${original}\n// edit ${String(run)}\n`, { filePath: file });
  warm.push(Number(process.hrtime.bigint() - begin) / 1e6);
}
warm.sort((a, b) => a - b);
const mb = (bytes) => Math.round(bytes / 1024 / 1024);
console.log(JSON.stringify({
  file: path.relative(process.cwd(), file),
  rules: process.env.BENCH_RULES ?? 'both',
  reports: first?.messages.length ?? 0,
  firstLintMs: Math.round(firstLintMs),
  rssAfterFirstMb: mb(afterFirst.rss),
  heapUsedAfterFirstMb: mb(afterFirst.heapUsed),
  warmMedianMs: Math.round(warm[warm.length >> 1] ?? 0),
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
