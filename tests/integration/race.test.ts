/**
 * A reduced `npm run race`: the example's vulnerable code must lose data in every scenario and the
 * code the plugin's own fixes produce must not, on SQLite and — when RACE_GUARD_PG_URL is set, as in
 * CI — on PostgreSQL. A fix that regresses (or a rule that stops firing, or a fix that no longer
 * compiles) fails here.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { summaryLine, verdict, type RaceReport, type Verdict } from '../../scripts/race/report.js';
import { repoRoot } from '../support/paths.js';
import { describeRun, run } from '../support/run.js';

const RUNS = 30;
const postgresUrl = process.env.RACE_GUARD_PG_URL?.trim() ?? '';
const cli = path.join(repoRoot, 'build', 'race', 'cli.js');

describe('npm run race (reduced)', () => {
  beforeAll(async () => {
    // The harness runs compiled, as `npm run race` runs it.
    const tsc = await run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.race.json'], {
      cwd: repoRoot,
    });
    expect(tsc.code, describeRun(tsc)).toBe(0);
  });

  it(`loses data before the plugin's fixes and none after, every scenario, ${String(RUNS)} runs each`, { timeout: 300_000 }, async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-test-'));
    const jsonPath = path.join(outDir, 'report.json');
    const env = { ...process.env };
    if (postgresUrl === '') delete env.RACE_GUARD_PG_URL;
    const result = await run(process.execPath, [cli, '--runs', String(RUNS), '--seed', String(randomInt(2 ** 31)), '--json', jsonPath], {
      cwd: repoRoot,
      env,
    });
    const details = describeRun(result);
    expect(result.code, details).toBe(0);
    const report = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as RaceReport & { verdict: Verdict };
    fs.rmSync(outDir, { recursive: true, force: true });

    expect(report.databases.map((database) => database.kind), details).toEqual(postgresUrl === '' ? ['sqlite'] : ['sqlite', 'postgres']);
    for (const database of report.databases) {
      expect(database.scenarios.map((scenario) => scenario.id), details).toEqual([
        'stale-save',
        'unguarded-transition',
        'lock-leak',
        ...(database.kind === 'postgres' ? ['network-in-transaction'] : []),
        'derived-counter',
        'spread-save',
        'stale-transition',
        'many-to-many-add',
        'prisma-derived-write',
        'drizzle-derived-write',
        'prisma-unchecked-claim',
        'drizzle-unguarded-claim',
      ]);
      for (const scenario of database.scenarios) {
        const name = `${database.kind} ${scenario.id}`;
        expect(scenario.runs, name).toBe(RUNS);
        expect(scenario.before.anomalies, `${name}: reproduced before the fix\n${details}`).toBeGreaterThan(0);
        expect(scenario.after.anomalies, `${name}: no anomaly after the fix\n${details}`).toBe(0);
      }
    }

    // The fixed code is the plugin's: autofixes and suggestions, applied to the examples' copies.
    expect(report.changes.map((change) => [change.ruleId, change.how.split(' ')[0]])).toEqual([
      ['race-guard/no-stale-save', 'autofix'],
      ['race-guard/require-state-guard', 'suggestion'],
      ['race-guard/require-lock-release-in-finally', 'suggestion'],
      ['race-guard/no-network-await-in-transaction', 'reported;'],
      ['race-guard/no-stale-save', 'autofix'],
      ['race-guard/no-stale-save', 'autofix'],
      ['race-guard/no-stale-save', 'suggestion'],
      ['race-guard/no-stale-save', 'suggestion'],
      ['race-guard/no-stale-derived-write', 'autofix'],
      ['race-guard/no-stale-derived-write', 'autofix'],
    ]);
    const added = report.changes.map((change) => change.added.join('\n'));
    expect(added[0]).toContain('this.conversationRepository.update({ id: conversation.id }');
    expect(added[1]).toContain('status: ConversationStatus.OPEN');
    expect(added[2]).toMatch(/\} finally \{\s+await this\.visitorLockService\.releaseLock\(visitorUid, lockId\);/);
    expect(added[4]).toBe("    await this.conversationRepository.increment({ id: conversation.id }, 'priority', 1);");
    expect(added[5]).toBe('    await this.conversationRepository.update({ id: conversation.id }, { lastMessageSnippet: translated.slice(0, 120) });');
    expect(added[6]).toContain('const previousStatus = conversation.status;');
    expect(added[6]).toContain('{ id: conversation.id, status: previousStatus }');
    expect(added[6]).toContain('if (!result.affected) throw new Error(');
    expect(added[7]).toBe("    await this.conversationRepository.createQueryBuilder().relation(Conversation, 'tags').of(conversation).add(tag);");
    expect(added[8]).toContain('data: { balance: { decrement: amount } }');
    expect(added[9]).toContain('set({ credits: sql`${accounts.credits} - ${cost}` })');

    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(summaryLine(report.verdict));
    expect(lines.at(-1)).toMatch(/^race: scenarios=\d+ lost_before=[1-9]\d* lost_after=0$/);
  });
});

describe('the race verdict', () => {
  const result = (anomalies: number): RaceReport['databases'][number]['scenarios'][number]['before'] => ({
    anomalies,
    kinds: {},
    waits: [],
    elapsedMs: 0,
  });
  const report = (before: number, after: number): RaceReport => ({
    seed: 1,
    runs: 5,
    changes: [],
    databases: [
      {
        kind: 'sqlite',
        label: 'SQLite',
        scenarios: [
          { id: 'stale-save', number: 1, title: 'stale save', fix: '', anomaly: '', runs: 5, before: result(5), after: result(0) },
          { id: 'lock-leak', number: 3, title: 'lock leak', fix: '', anomaly: '', runs: 5, before: result(before), after: result(after) },
        ],
      },
    ],
  });

  it('passes when every scenario lost data before and none after', () => {
    const passed = verdict(report(2, 0));
    expect(passed.problems).toEqual([]);
    expect(summaryLine(passed)).toBe('race: scenarios=2 lost_before=7 lost_after=0');
  });

  it('fails a scenario that did not reproduce, and one that still loses after its fix', () => {
    expect(verdict(report(0, 0)).problems).toEqual(['sqlite #3 lock leak: no anomaly in 5 runs of the vulnerable code (not reproduced)']);
    const failed = verdict(report(4, 1));
    expect(failed.problems).toEqual(["sqlite #3 lock leak: 1 anomalies after the plugin's fix"]);
    expect(summaryLine(failed)).toBe('race: scenarios=2 lost_before=9 lost_after=1');
  });
});
