// `npm run bench`: holds the race-guard rules to the cost of one typical typed rule,
// typescript-eslint's no-floating-promises, on generated NestJS + TypeORM projects.
//   node scripts/bench/bench.mjs [--sizes 250,1000,4000] [--seed 1] [--profile corpus|dense] [--concurrency-size 1000]
//                                [--runs 3] [--editor-file <file.ts>] [--editor-runs 50] [--no-isolated] [--keep]
// A single run's ratio at 250 files swings by ±10% from run to run on the same build (which rule
// pays first for shared type-checker work, GC, the machine): each size is linted `--runs` times and
// the run with the median ratio is the one shown, with the spread of all runs beside it.
// `--profile dense` generates the older projects where every service method does TypeORM work;
// they overstate the rules' share of a real lint run, so `corpus` is the default (see generate.mjs).
// Each measurement runs in a child process of its own, so peak RSS belongs to one run and no
// cache survives from one size to the next. Prints Markdown tables (pasted into docs/performance.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { generateProject } from './generate.mjs';

const root = path.join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '250,1000,4000' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'string', default: 'corpus' },
    'concurrency-size': { type: 'string', default: '1000' },
    'editor-file': { type: 'string', default: path.join(root, 'examples/chat-backend/src/ai-responder/ai-responder.service.ts') },
    'editor-runs': { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    'no-isolated': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const seed = Number(values.seed);
const concurrencySize = Number(values['concurrency-size']);
const runsPerSize = Number(values.runs);
if (!Number.isInteger(runsPerSize) || runsPerSize < 1) {
  console.error(`--runs ${values.runs}: a positive whole number`);
  process.exit(2);
}
const profile = values.profile;
if (profile !== 'corpus' && profile !== 'dense') {
  console.error(`--profile ${profile}: corpus or dense`);
  process.exit(2);
}

if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-bench-'));
const node = process.execPath;

/** Runs one measurement script in a fresh process and parses the JSON line it prints. */
function measure(script, args) {
  const output = execFileSync(node, [path.join(import.meta.dirname, script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
}

const RACE_GUARD = ['no-stale-save', 'no-stale-derived-write', 'no-outer-client-in-transaction', 'require-state-guard', 'require-lock-release-in-finally', 'no-network-await-in-transaction'].map((name) => `race-guard/${name}`);
const YARDSTICK = '@typescript-eslint/no-floating-promises';
const ms = (value) => (value == null ? '–' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
const sum = (record, ids) => ids.reduce((total, id) => total + (record[id] ?? 0), 0);
const ratioOf = (run) => sum(run.ruleMs, RACE_GUARD) / (run.ruleMs[YARDSTICK] ?? 0);

console.log(`race-guard bench — ${profile} profile — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${String(os.availableParallelism())}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`sizes ${sizes.join(', ')}, seed ${String(seed)}, projects in ${workDir}\n`);

const runs = [];
const projects = new Map();
for (const size of sizes) {
  const dir = path.join(workDir, `n${String(size)}`);
  const project = generateProject({ dir, files: size, seed, nodeModules: path.join(root, 'node_modules'), profile });
  projects.set(size, project);
  process.stderr.write(`N=${String(size)}: linting ${String(runsPerSize)}×…\n`);
  const all = Array.from({ length: runsPerSize }, () => measure('lint-run.mjs', [path.join(dir, 'tsconfig.json')]));
  const ratios = all.map(ratioOf);
  const median = [...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)];
  const run = all.find((candidate) => ratioOf(candidate) === median) ?? all[0];
  const isolated = values['no-isolated']
    ? undefined
    : {
        raceGuard: measure('lint-run.mjs', [path.join(dir, 'tsconfig.json'), '--rules', 'race-guard']),
        yardstick: measure('lint-run.mjs', [path.join(dir, 'tsconfig.json'), '--rules', 'yardstick']),
      };
  runs.push({ size, project, run, ratios, isolated });
}

console.log(`### Both rule sets in one run (no-floating-promises listed first): the run with the median ratio of ${String(runsPerSize)}\n`);
console.log(`| files | wall | parse + program (program) | no-floating-promises | ${RACE_GUARD.map((id) => id.replace('race-guard/', '')).join(' | ')} | race-guard total | ratio race-guard / nfp | ratio in each run | race-guard per file | peak RSS |`);
console.log(`|---|---|---|---|${RACE_GUARD.map(() => '---').join('|')}|---|---|---|---|---|`);
for (const { size, run, ratios } of runs) {
  const ours = sum(run.ruleMs, RACE_GUARD);
  const theirs = run.ruleMs[YARDSTICK] ?? 0;
  console.log(`| ${String(size)} | ${ms(run.wallMs)} | ${ms(run.parseMs)} (${ms(run.programMs)}) | ${ms(theirs)} | ${RACE_GUARD.map((id) => ms(run.ruleMs[id])).join(' | ')} | ${ms(ours)} | ${(ours / theirs).toFixed(2)} | ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')} | ${(ours / size).toFixed(2)} ms | ${run.peakRssMb.toFixed(0)} MB |`);
}

if (!values['no-isolated']) {
  console.log('\n### Isolated runs (each rule set alone, fresh program: no shared type-checker work)\n');
  console.log('| files | no-floating-promises alone | race-guard alone | ratio |');
  console.log('|---|---|---|---|');
  for (const { size, isolated } of runs) {
    if (isolated == null) continue;
    const ours = sum(isolated.raceGuard.ruleMs, RACE_GUARD);
    const theirs = isolated.yardstick.ruleMs[YARDSTICK] ?? 0;
    console.log(`| ${String(size)} | ${ms(theirs)} | ${ms(ours)} | ${(ours / theirs).toFixed(2)} |`);
  }
}

console.log('\n### Reports per rule (planted unsafe shapes in brackets)\n');
console.log(`| files | ${[YARDSTICK, ...RACE_GUARD].map((id) => id.replace(/^.*\//, '')).join(' | ')} | crashes |`);
console.log(`|---|${[YARDSTICK, ...RACE_GUARD].map(() => '---').join('|')}|---|`);
for (const { size, project, run } of runs) {
  const cells = [YARDSTICK, ...RACE_GUARD].map((id) => `${String(run.reports[id] ?? 0)} (${String(project.planted[id.replace('race-guard/', '')] ?? 0)})`);
  console.log(`| ${String(size)} | ${cells.join(' | ')} | ${String(run.crashes.length)} |`);
}

const smallest = runs[0];
const largest = runs.at(-1);
if (smallest != null && largest != null && smallest !== largest) {
  const perFile = (entry) => sum(entry.run.ruleMs, RACE_GUARD) / entry.size;
  console.log(`\nPer-file race-guard cost at ${String(largest.size)} vs ${String(smallest.size)} files: ${(perFile(largest) / perFile(smallest)).toFixed(2)}× (target ≤ 1.2×)`);
}

const concurrencyProject = projects.get(concurrencySize);
if (concurrencyProject != null) {
  process.stderr.write(`concurrency at N=${String(concurrencySize)}…\n`);
  const tsconfig = path.join(concurrencyProject.dir, 'tsconfig.json');
  const single = runs.find((entry) => entry.size === concurrencySize)?.run;
  const auto = measure('lint-run.mjs', [tsconfig, '--concurrency', 'auto']);
  const two = measure('lint-run.mjs', [tsconfig, '--concurrency', '2']);
  console.log(`\n### Concurrency (N=${String(concurrencySize)}, wall time; ESLint's \`auto\` uses half the cores, so one thread on a 2-core machine)\n`);
  console.log('| concurrency | wall | speed-up | same reports as off |');
  console.log('|---|---|---|---|');
  for (const [label, result] of [['off', single], ['auto', auto], ['2', two]]) {
    if (result == null) continue;
    const same = JSON.stringify(result.reports) === JSON.stringify(single?.reports);
    console.log(`| ${label} | ${ms(result.wallMs)} | ${((single?.wallMs ?? 0) / result.wallMs).toFixed(2)}× | ${same ? 'yes' : 'NO'} |`);
  }
}

process.stderr.write('editor loop…\n');
const editor = measure('editor-loop.mjs', [values['editor-file'], '--runs', values['editor-runs']]);
console.log(`\n### Editor loop: ${path.relative(root, editor.file)} (${String(editor.lines)} lines), ${String(editor.runs)} warm re-lints\n`);
console.log('| race-guard median | race-guard max | no-floating-promises median | whole re-lint median |');
console.log('|---|---|---|---|');
console.log(`| ${ms(editor.raceGuardMedianMs)} | ${ms(editor.raceGuardMaxMs)} | ${ms(editor.yardstickMedianMs)} | ${ms(editor.relintMedianMs)} |`);

if (!values.keep) fs.rmSync(workDir, { recursive: true, force: true });
