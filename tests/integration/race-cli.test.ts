/**
 * `npm run race` when it cannot start: a bad option, a PostgreSQL that refuses the connection, a
 * database that does not exist. Each is one line on stderr and exit code 2, never a stack trace.
 * The harness is compiled to a directory of this test's own, so it never races
 * `tests/integration/race.test.ts` writing `build/race/`.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describePostgresConnectFailure, describeFailure, HarnessSetupError } from '../../scripts/race/setup-errors.js';
import { repoRoot } from '../support/paths.js';
import { describeRun, run, type RunResult } from '../support/run.js';

const outDir = path.join(repoRoot, 'build', `race-cli-test-${String(process.pid)}`);
const postgresUrl = process.env.RACE_GUARD_PG_URL?.trim() ?? '';

function harness(args: readonly string[], pgUrl?: string): Promise<RunResult> {
  const env = { ...process.env };
  delete env.RACE_GUARD_PG_URL;
  if (pgUrl != null) env.RACE_GUARD_PG_URL = pgUrl;
  return run(process.execPath, [path.join(outDir, 'cli.js'), ...args], { cwd: repoRoot, env });
}

/** A port on 127.0.0.1 that nothing listens on (taken and released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address != null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function expectOneLine(result: RunResult, pattern: RegExp): void {
  expect(result.code, describeRun(result)).toBe(2);
  expect(result.stderr.split('\n').filter((line) => line !== ''), describeRun(result)).toEqual([expect.stringMatching(pattern)]);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('npm run race: setup errors', () => {
  beforeAll(async () => {
    const tsc = await run(
      process.execPath,
      [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.race.json', '--outDir', outDir, '--sourceMap', 'false'],
      { cwd: repoRoot },
    );
    expect(tsc.code, describeRun(tsc)).toBe(0);
  }, 120_000);

  afterAll(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it.each([
    [['--runs', '0'], /^race: --runs must be a whole number of 1 or more, not "0" \(npm run race -- \[--runs <n>\]/],
    [['--runs', 'ten'], /^race: --runs must be a whole number of 1 or more, not "ten"/],
    [['--runs', '2.5'], /^race: --runs must be a whole number of 1 or more, not "2\.5"/],
    [['--seed=-1'], /^race: --seed must be a whole number of 0 or more, not "-1"/],
    [['--runs'], /^race: Option '--runs <value>' argument missing \(npm run race -- /],
    [['--rusn', '5'], /^race: Unknown option '--rusn'.* \(npm run race -- /],
  ])('%j is one line', async (args, pattern) => {
    expectOneLine(await harness(args), pattern);
  });

  it('says in one line that PostgreSQL refused the connection', async () => {
    const port = await closedPort();
    expectOneLine(
      await harness(['--runs', '1'], `postgresql://postgres@127.0.0.1:${String(port)}/race_guard`),
      new RegExp(`^race: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${String(port)} \\(connection refused\\): start one .*\\.ci/run.* or unset RACE_GUARD_PG_URL to run on SQLite only$`),
    );
  });

  it('says in one line that RACE_GUARD_PG_URL is not a PostgreSQL URL', async () => {
    expectOneLine(await harness(['--runs', '1'], 'localhost:5432'), /^race: RACE_GUARD_PG_URL must be a PostgreSQL URL such as postgresql:\/\//);
  });

  // Needs a server: CI has one (.ci/run); elsewhere the message is checked on pg's error below.
  it.runIf(postgresUrl !== '')('says in one line that the database does not exist', async () => {
    const url = new URL(postgresUrl);
    url.pathname = `/race_guard_missing_${String(process.pid)}`;
    expectOneLine(await harness(['--runs', '1'], url.toString()), new RegExp(`^race: PostgreSQL at .* has no database "race_guard_missing_${String(process.pid)}": create it \\(createdb `));
  });
});

describe('describing a failed PostgreSQL connection', () => {
  const url = 'postgresql://postgres@db.internal:6543/race_guard';

  it('names a missing database and how to create it (SQLSTATE 3D000, as pg reports it)', () => {
    const error = Object.assign(new Error('database "race_guard" does not exist'), { code: '3D000', severity: 'FATAL' });
    expect(describePostgresConnectFailure(error, url)).toBe(
      'PostgreSQL at db.internal:6543 has no database "race_guard": create it (createdb -h db.internal -p 6543 -U postgres race_guard) or point RACE_GUARD_PG_URL at one that exists',
    );
  });

  it('finds a refused connection inside the AggregateError of a host with several addresses', () => {
    const refused = (address: string): Error => Object.assign(new Error(`connect ECONNREFUSED ${address}:6543`), { code: 'ECONNREFUSED' });
    const error = new AggregateError([refused('::1'), refused('127.0.0.1')]);
    expect(describePostgresConnectFailure(error, url)).toMatch(/^cannot connect to PostgreSQL at db\.internal:6543 \(connection refused\)/);
  });

  it('leaves other failures to the stack trace', () => {
    expect(describePostgresConnectFailure(new Error('something else'), url)).toBeUndefined();
    expect(describeFailure(new Error('a harness bug'))).toMatch(/^Error: a harness bug\n\s+at /);
    expect(describeFailure(new HarnessSetupError('one line'))).toBe('race: one line');
  });
});
