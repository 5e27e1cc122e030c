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
  typeErrorsOfEach,
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
  /**
   * Every fix and every suggestion, applied on its own to the fixture: the text type-checks;
   * linted again with every rule of the plugin, the rule no longer reports that message within
   * the edited text, and no rule reports anything the original text did not (each report of the
   * edited text maps back to one of the original at the same place, or inside the edit to one
   * of the same rule and message inside the replaced text).
   */
  eachRewriteAlone: boolean;
}

const table: readonly Corpus[] = [
  { rule: 'no-network-await-in-transaction', autofix: 'none', suggestions: 'none', eachRewriteAlone: false },
  { rule: 'no-outer-client-in-transaction', autofix: 'none', suggestions: 'each-type-checks-and-removes-its-report', eachRewriteAlone: false },
  { rule: 'no-stale-derived-write', autofix: 'stable-and-type-checks', suggestions: 'each-type-checks-and-removes-its-report', eachRewriteAlone: false },
  { rule: 'no-stale-save', autofix: 'stable-and-type-checks', suggestions: 'not-checked', eachRewriteAlone: true },
  { rule: 'require-lock-release-in-finally', autofix: 'none', suggestions: 'not-checked', eachRewriteAlone: false },
  { rule: 'require-state-guard', autofix: 'none', suggestions: 'each-type-checks-and-removes-its-report', eachRewriteAlone: false },
];

// ---- linting, shared by the checks of one file -----------------------------------------------------

type Mode = 'lint' | 'fix';
/** One rule, or every rule of the plugin (to see that a rewrite adds no other rule's report). */
type Linted = RuleName | 'all';

/** One ESLint per rule and mode, created on first use: all share the worker's project service. */
const eslints = new Map<string, ESLint>();

function eslintFor(rule: Linted, mode: Mode): ESLint {
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

function lintFile(rule: Linted, mode: Mode, filePath: string, source: string): Promise<ESLint.LintResult> {
  const key = `${rule}:${mode}:${filePath}`;
  let result = results.get(key);
  if (result == null) {
    result = lintOnce(eslintFor(rule, mode), source, filePath);
    results.set(key, result);
  }
  return result;
}

function applySuggestion(source: string, suggestion: Linter.LintSuggestion): string {
  return applyEdit(source, suggestion.fix);
}

function applyEdit(source: string, edit: Linter.LintSuggestion['fix']): string {
  const [start, end] = edit.range;
  return `${source.slice(0, start)}${edit.text}${source.slice(end)}`;
}

/** An offset of a text from its line and column (1-based). */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  return lines.slice(0, line - 1).reduce((total, current) => total + current.length + 1, 0) + column - 1;
}

/**
 * What re-linting the edited text (`edited`, with `edit` applied to `source`) reports that the
 * original did not, and whether it still reports `message` within the edit. A report outside the
 * edit must be one of the original's at the same place; one inside it, of a rule and message the
 * original reported inside the replaced text. `message` is still reported when it is there inside
 * the edit, or outside it where it was.
 */
function compareAfterEdit(
  source: string,
  edit: Linter.LintSuggestion['fix'],
  before: readonly Linter.LintMessage[],
  after: readonly Linter.LintMessage[],
  message: Linter.LintMessage,
): { added: string[]; stillReported: boolean } {
  const edited = applyEdit(source, edit);
  const [start, end] = edit.range;
  const editedEnd = start + edit.text.length;
  const key = (candidate: Linter.LintMessage): string => `${candidate.ruleId ?? 'fatal'}:${candidate.messageId ?? candidate.message}`;
  const beforeAt = new Map(before.map((candidate) => [`${key(candidate)}@${String(offsetOf(source, candidate.line, candidate.column))}`, candidate]));
  const insideBefore = before.filter((candidate) => {
    const offset = offsetOf(source, candidate.line, candidate.column);
    return offset >= start && offset < Math.max(end, start + 1);
  });
  const added: string[] = [];
  let stillReported = false;
  for (const candidate of after) {
    const offset = offsetOf(edited, candidate.line, candidate.column);
    if (offset >= start && offset < editedEnd) {
      if (key(candidate) === key(message)) stillReported = true;
      const index = insideBefore.findIndex((original) => key(original) === key(candidate));
      if (index === -1) added.push(`${String(candidate.line)}:${String(candidate.column)} ${key(candidate)} ${candidate.message}`);
      else insideBefore.splice(index, 1);
      continue;
    }
    const original = offset < start ? offset : offset - edit.text.length + (end - start);
    // An edit before the report (a statement inserted ahead of the write) must remove it too.
    if (key(candidate) === key(message) && original === offsetOf(source, message.line, message.column)) stillReported = true;
    if (!beforeAt.has(`${key(candidate)}@${String(original)}`)) added.push(`${String(candidate.line)}:${String(candidate.column)} ${key(candidate)} ${candidate.message}`);
  }
  return { added, stillReported };
}

// ---- the table ----------------------------------------------------------------------------------------

describe('corpus table', () => {
  it('has one row per rule, in the order of the rule map', () => {
    expect(table.map((corpus) => corpus.rule)).toEqual(Object.keys(rules));
  });
});

for (const { rule, autofix, suggestions, eachRewriteAlone } of table) {
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

      if (eachRewriteAlone) {
        it('each fix and suggestion alone type-checks, removes its report and adds none', async () => {
          const result = await lintFile(rule, 'lint', filePath, source);
          const rewrites = result.messages.flatMap((message) => [
            ...(message.fix == null ? [] : [{ message, edit: message.fix, how: 'fix' }]),
            ...(message.suggestions ?? []).map((suggestion) => ({ message, edit: suggestion.fix, how: `suggestion "${suggestion.desc}"` })),
          ]);
          if (rewrites.length === 0) return;
          const texts = rewrites.map(({ edit }) => applyEdit(source, edit));
          const typeErrors = typeErrorsOfEach(texts, filePath, '.alone-');
          const before = (await lintFile('all', 'lint', filePath, source)).messages;
          for (const [index, { message, edit, how }] of rewrites.entries()) {
            const where = `${name}:${String(message.line)} ${how}`;
            expect(typeErrors[index], `${where}: the rewritten text does not type-check`).toEqual([]);
            const after = (await lintOnce(eslintFor('all', 'lint'), texts[index] ?? '', filePath)).messages;
            const { added, stillReported } = compareAfterEdit(source, edit, before, after, message);
            expect(stillReported, `${where}: the report is still there`).toBe(false);
            expect(added, `${where}: reports the original did not have`).toEqual([]);
          }
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
