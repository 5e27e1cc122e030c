/**
 * The require-state-guard fixture corpus (`tests/fixtures/require-state-guard/*.ts`): real TypeScript
 * that type-checks against the real typeorm types. A line that should be reported carries the
 * trailing comment `// ❌ require-state-guard` (once per expected report) on the line where the
 * reported node starts — for an overriding `.where()` that is the line of `.where(`, for a
 * QueryBuilder update the chain's first line; every other line must stay silent. A file may set rule
 * options with an inline `/* eslint race-guard/require-state-guard: [...] *\/` comment.
 *
 * For each file: lint it with the real `ESLint` class and compare report lines with marker lines.
 * The rule has no autofix; instead every suggestion is applied on its own, and the suggested text
 * must type-check and must no longer carry the report the suggestion was offered for.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { corpusDir, corpusFiles, createCorpusESLint, expectReportsAtMarkers, lintOnce, typeErrorsOf } from '../support/corpus.js';

const RULE_NAME = 'require-state-guard';
const dir = corpusDir(RULE_NAME);
const fixtureNames = corpusFiles(dir);

let eslintInstance: ESLint | undefined;

/** Created on first use: the project service is slow to start. */
function eslint(): ESLint {
  eslintInstance ??= createCorpusESLint(RULE_NAME);
  return eslintInstance;
}

function applySuggestion(source: string, suggestion: Linter.LintSuggestion): string {
  const [start, end] = suggestion.fix.range;
  return `${source.slice(0, start)}${suggestion.fix.text}${source.slice(end)}`;
}

describe('require-state-guard fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const filePath = path.join(dir, name);
    const source = fs.readFileSync(filePath, 'utf8');

    it('reports exactly the lines marked `// ❌ require-state-guard`', async () => {
      await expectReportsAtMarkers(eslint(), RULE_NAME, source, filePath);
    });

    it('has no autofix, and every suggestion type-checks and removes its report', async () => {
      const result = await lintOnce(eslint(), source, filePath);
      expect(result.output, `${name}: the rule must not autofix`).toBeUndefined();
      for (const message of result.messages) {
        expect(message.fix, `${name}:${String(message.line)}: the rule must not autofix`).toBeUndefined();
        for (const suggestion of message.suggestions ?? []) {
          const suggested = applySuggestion(source, suggestion);
          const where = `${name}:${String(message.line)} suggestion "${suggestion.desc}"`;
          expect(typeErrorsOf(suggested, filePath, '.suggested-'), `${where}: the suggested text does not type-check`).toEqual([]);
          // Suggestions insert or replace within lines, so the report would stay on its line.
          const again = await lintOnce(eslint(), suggested, filePath);
          const remaining = again.messages.filter((other) => other.line === message.line && other.messageId === message.messageId);
          expect(remaining.map((other) => other.message), `${where}: the report is still there`).toEqual([]);
        }
      }
    });
  });
});
