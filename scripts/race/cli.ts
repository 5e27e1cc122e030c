/**
 * `npm run race`: reproduces the audit's races on a real database, then runs the same interleavings
 * against the code the plugin's fixes produce. See README, "See it happen".
 *
 *   npm run race -- [--runs 200] [--seed 12345] [--json report.json] [--keep]
 *
 * PostgreSQL joins when RACE_GUARD_PG_URL is set. Exit 0: every scenario lost data before and
 * none after; 1: a scenario did not reproduce or still loses after its fix; 2: the harness failed
 * or could not start (a bad option, a PostgreSQL it cannot reach: one line, see setup-errors.ts).
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { race } from './harness.js';
import { formatChanges, formatReport, summaryLine, verdict } from './report.js';
import { ORM_SCENARIOS } from './orm-scenarios.js';
import { SCENARIOS } from './scenarios.js';
import { assertPostgresUrl, describeFailure, wholeNumberOption } from './setup-errors.js';

/** The repository root: the nearest directory up whose package.json is this plugin's. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'eslint-plugin-race-guard') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no eslint-plugin-race-guard package.json above ${start}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const runs = wholeNumberOption('runs', values.runs, 200);
  const seed = wholeNumberOption('seed', values.seed, randomInt(2 ** 31));
  const postgresUrl = process.env.RACE_GUARD_PG_URL?.trim() ?? '';
  if (postgresUrl !== '') assertPostgresUrl(postgresUrl);
  const repoRoot = findRepoRoot(import.meta.dirname);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-race-'));
  const started = performance.now();
  const progress = (line: string): void => {
    process.stderr.write(`race: [${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
  };

  console.log(`race: seed=${String(seed)} runs=${String(runs)} (repeat with: npm run race -- --seed ${String(seed)} --runs ${String(runs)})`);
  if (postgresUrl === '') console.log('race: RACE_GUARD_PG_URL is not set: SQLite only; the PostgreSQL-only scenario is skipped');
  try {
    const report = await race({ repoRoot, workDir, seed, runs, ...(postgresUrl === '' ? {} : { postgresUrl }), progress });
    const result = verdict(report);
    const numberOf = (id: string): number => [...SCENARIOS, ...ORM_SCENARIOS].find((scenario) => scenario.id === id)?.number ?? 0;
    console.log(formatChanges(report.changes, numberOf));
    console.log(formatReport(report));
    if (values.json != null) fs.writeFileSync(values.json, `${JSON.stringify({ ...report, verdict: result }, null, 2)}\n`);
    console.log('');
    for (const problem of result.problems) console.log(`race: FAIL ${problem}`);
    console.log(summaryLine(result));
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    if (values.keep) {
      progress(`kept ${workDir}`);
    } else {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bad option or an unusable PostgreSQL is one line; the harness's own failures keep their stack.
    console.error(describeFailure(error));
    process.exitCode = 2;
  },
);
