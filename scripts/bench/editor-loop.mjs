// The editor's view of cost: re-lint one file many times through a warm project service, as
// the VS Code extension does on every keystroke pause. Each pass changes the text (a trailing
// comment), so TypeScript builds a new program version and every per-program cache starts over,
// exactly as after a real edit. Prints one JSON line.
//   node scripts/bench/editor-loop.mjs <file.ts> [--runs 50]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { ESLint } from 'eslint';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '50' } } });
const file = path.resolve(positionals[0] ?? '');
const runs = Number(values.runs);
let root = path.dirname(file);
while (!fs.existsSync(path.join(root, 'tsconfig.json'))) root = path.dirname(root);

process.env.BENCH_ROOT = root;
delete process.env.BENCH_TSCONFIG;
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(import.meta.dirname, 'eslint.bench.config.mjs'), stats: true });
const original = fs.readFileSync(file, 'utf8');

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const raceGuard = [];
const yardstick = [];
const total = [];
let reports = 0;
// One cold pass first (it opens the project), then the measured warm passes.
for (let run = 0; run <= runs; run++) {
  const started = process.hrtime.bigint();
  const [result] = await eslint.lintText(`${original}\n// edit ${String(run)}\n`, { filePath: file });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (run === 0 || result == null) continue;
  let ours = 0;
  let theirs = 0;
  for (const pass of result.stats?.times.passes ?? []) {
    for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
      if (ruleId.startsWith('race-guard/')) ours += time.total;
      else theirs += time.total;
    }
  }
  raceGuard.push(ours);
  yardstick.push(theirs);
  total.push(elapsed);
  reports = result.messages.filter((message) => message.ruleId?.startsWith('race-guard/') === true).length;
}
console.log(JSON.stringify({
  file,
  lines: original.split('\n').length,
  runs,
  raceGuardMedianMs: median(raceGuard),
  raceGuardMaxMs: Math.max(...raceGuard),
  yardstickMedianMs: median(yardstick),
  relintMedianMs: median(total),
  raceGuardReports: reports,
}));
