/**
 * The fixture corpora of every rule, driven from one table.
 *
 * A corpus is a folder of real TypeScript, `tests/fixtures/<rule>/*.ts`, that type-checks against
 * the real typeorm/axios/openai types. A line that should be reported carries the trailing comment
 * `// ❌ <rule>` (once per expected report) on the line where the report starts — for an overriding
 * `.where()` the line of `.where(`, for a QueryBuilder update the chain's first line; every other
 * line must stay silent. A file may set rule options with an inline
 * `/* eslint race-guard/<rule>: [...] *\/` comment.
 *
 * Each file is linted with the real `ESLint` class and only its rule on. The table says what else a
 * rule's corpus must show about fixes and suggestions (see `Corpus`).
 *
 * Known gaps — real cases the rule does not report yet — live in `tests/fixtures/<rule>/known-gaps/`,
 * marked the same way. Their marked lines are linted by a test that is EXPECTED TO FAIL (`it.fails`):
 * when a change makes the rule report them, that test turns red; then move the file (or its case)
 * into the corpus folder, where it becomes an ordinary fixture.
 *
 * One rule only: `npx vitest run tests/corpus.test.ts -t no-stale-save`.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { rules } from '../src/rules/index.js';
import {
  compareWithMarkers,
  corpusDir,
  corpusFiles,
  createCorpusESLint,
  expectReportsAtMarkers,
  knownGapsDir,
  lintOnce,
  typeErrorsOf,
} from './support/corpus.js';

type RuleName = keyof typeof rules;

interface Corpus {
  rule: RuleName;
  /**
   * - `none`: no file gets an autofix (no `output`, no message with a `fix`).
   * - `stable-and-type-checks`: where `--fix` changes a file, a second `--fix` pass changes nothing
   *   more, and the fixed text type-checks.
   */
  autofix: 'none' | 'stable-and-type-checks';
  /**
   * - `none`: no message offers a suggestion.
   * - `each-type-checks-and-removes-its-report`: every suggestion, applied on its own, type-checks,
   *   and re-linting the suggested text no longer reports that message on its line (suggestions
   *   insert or replace within lines, so the report would stay on its line).
   * - `not-checked`: the corpus does not look at suggestions (the rule's RuleTester cases state
   *   their exact output).
   */
  suggestions: 'none' | 'each-type-checks-and-removes-its-report' | 'not-checked';
}

const table: readonly Corpus[] = [
  { rule: 'no-network-await-in-transaction', autofix: 'none', suggestions: 'none' },
  { rule: 'no-outer-client-in-transaction', autofix: 'none', suggestions: 'each-type-checks-and-removes-its-report' },
  { rule: 'no-stale-derived-write', autofix: 'stable-and-type-checks', suggestions: 'each-type-checks-and-removes-its-report' },
  { rule: 'no-stale-save', autofix: 'stable-and-type-checks', suggestions: 'not-checked' },
  { rule: 'require-lock-release-in-finally', autofix: 'none', suggestions: 'not-checked' },
  { rule: 'require-state-guard', autofix: 'none', suggestions: 'each-type-checks-and-removes-its-report' },
];

// ---- linting, shared by the checks of one file -----------------------------------------------------

type Mode = 'lint' | 'fix';

/** One ESLint per rule and mode, created on first use: all share the worker's project service. */
const eslints = new Map<string, ESLint>();

function eslintFor(rule: RuleName, mode: Mode): ESLint {
  const key = `${rule}:${mode}`;
  let eslint = eslints.get(key);
  if (eslint == null) {
    eslint = createCorpusESLint(rule, { fix: mode === 'fix' });
    eslints.set(key, eslint);
  }
  return eslint;
}

/** A file's lint result in one mode, linted once for all the checks that read it. */
const results = new Map<string, Promise<ESLint.LintResult>>();

function lintFile(rule: RuleName, mode: Mode, filePath: string, source: string): Promise<ESLint.LintResult> {
  const key = `${rule}:${mode}:${filePath}`;
  let result = results.get(key);
  if (result == null) {
    result = lintOnce(eslintFor(rule, mode), source, filePath);
    results.set(key, result);
  }
  return result;
}

function applySuggestion(source: string, suggestion: Linter.LintSuggestion): string {
  const [start, end] = suggestion.fix.range;
  return `${source.slice(0, start)}${suggestion.fix.text}${source.slice(end)}`;
}

// ---- the table ----------------------------------------------------------------------------------------

describe('corpus table', () => {
  it('has one row per rule, in the order of the rule map', () => {
    expect(table.map((corpus) => corpus.rule)).toEqual(Object.keys(rules));
  });
});

for (const { rule, autofix, suggestions } of table) {
  describe(`${rule} fixture corpus`, () => {
    const dir = corpusDir(rule);
    const fixtureNames = corpusFiles(dir);

    it('has fixture files', () => {
      expect(fixtureNames.length).toBeGreaterThan(0);
    });

    describe.each(fixtureNames)('%s', (name) => {
      const filePath = path.join(dir, name);
      const source = fs.readFileSync(filePath, 'utf8');

      it(`reports exactly the lines marked \`// ❌ ${rule}\``, async () => {
        expectReportsAtMarkers(await lintFile(rule, 'lint', filePath, source), rule, source, filePath);
      });

      if (autofix === 'none') {
        it('has no autofix', async () => {
          const result = await lintFile(rule, 'lint', filePath, source);
          expect(result.output, `${name}: the rule must not autofix`).toBeUndefined();
          expect(
            result.messages.filter((message) => message.fix != null).map((message) => `${String(message.line)}: ${message.message}`),
            `${name}: the rule must not autofix`,
          ).toEqual([]);
        });
      } else {
        it('autofix output is idempotent and type-checks', async () => {
          const fixed = await lintFile(rule, 'fix', filePath, source);
          const output = fixed.output;
          if (output == null || output === source) return;

          const again = await lintOnce(eslintFor(rule, 'fix'), output, filePath);
          expect(again.output ?? output, `${name}: a second --fix pass changed the fixed text`).toBe(output);

          expect(typeErrorsOf(output, filePath, '.fixed-'), `${name}: the fixed text does not type-check`).toEqual([]);
        });
      }

      if (suggestions === 'none') {
        it('offers no suggestions', async () => {
          const result = await lintFile(rule, 'lint', filePath, source);
          expect(
            result.messages.filter((message) => message.suggestions != null).map((message) => `${String(message.line)}: ${message.message}`),
          ).toEqual([]);
        });
      } else if (suggestions === 'each-type-checks-and-removes-its-report') {
        it('every suggestion type-checks and removes its report', async () => {
          const result = await lintFile(rule, 'lint', filePath, source);
          for (const message of result.messages) {
            for (const suggestion of message.suggestions ?? []) {
              const suggested = applySuggestion(source, suggestion);
              const where = `${name}:${String(message.line)} suggestion "${suggestion.desc}"`;
              expect(typeErrorsOf(suggested, filePath, '.suggested-'), `${where}: the suggested text does not type-check`).toEqual([]);
              const again = await lintOnce(eslintFor(rule, 'lint'), suggested, filePath);
              const remaining = again.messages.filter((other) => other.line === message.line && other.messageId === message.messageId);
              expect(remaining.map((other) => other.message), `${where}: the report is still there`).toEqual([]);
            }
          }
        });
      }
    });
  });
}

// ---- known gaps ---------------------------------------------------------------------------------------

const knownGaps = table.flatMap(({ rule }) =>
  corpusFiles(knownGapsDir(rule)).map((name) => ({ rule, name, filePath: path.join(knownGapsDir(rule), name) })),
);

describe('known gaps', () => {
  it('are marked: every file has at least one `// ❌ <rule>` line', () => {
    const unmarked = knownGaps
      .filter(({ rule, filePath }) => !fs.readFileSync(filePath, 'utf8').includes(`❌ ${rule}`))
      .map(({ rule, name }) => `${rule}/known-gaps/${name}`);
    expect(unmarked).toEqual([]);
  });

  for (const { rule, name, filePath } of knownGaps) {
    describe(`${rule}/known-gaps/${name}`, () => {
      const source = fs.readFileSync(filePath, 'utf8');

      it('lints cleanly and reports no unmarked line', async () => {
        const { foreign, unexpected, details } = compareWithMarkers(await lintFile(rule, 'lint', filePath, source), rule, source);
        expect(foreign).toEqual([]);
        expect(unexpected, `${name}: reports were:\n${details}`).toEqual([]);
      });

      // Expected to fail while the gap is open. When this test "unexpectedly passes", the rule now
      // reports every marked line: move the file into tests/fixtures/<rule>/ (or its case into a
      // corpus file there) and delete it here.
      it.fails('reports the marked lines (a known gap: expected to fail)', async () => {
        const { missed, details } = compareWithMarkers(await lintFile(rule, 'lint', filePath, source), rule, source);
        expect(missed, `${name}: reports were:\n${details}`).toEqual([]);
      });
    });
  }
});
