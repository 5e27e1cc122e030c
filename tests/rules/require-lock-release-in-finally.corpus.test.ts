/**
 * The require-lock-release-in-finally fixture corpus (`tests/fixtures/require-lock-release-in-finally/*.ts`):
 * real TypeScript that type-checks against the fixture project. A line that should be reported carries
 * the trailing comment `// ❌ require-lock-release-in-finally` (once per expected report) on the line
 * where the reported acquisition starts; every other line must stay silent.
 */
import fs from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { pluginForESLint } from '../support/plugin.js';
import { fixturesDir } from '../rule-tester.js';

const RULE_ID = 'race-guard/require-lock-release-in-finally';
const MARKER = '❌ require-lock-release-in-finally';
const corpusDir = path.join(fixturesDir, 'require-lock-release-in-finally');

const fixtureNames = fs
  .readdirSync(corpusDir)
  .filter((name) => name.endsWith('.ts') && !name.startsWith('.'))
  .sort();

let eslint: ESLint | undefined;

/** One ESLint, created on first use: the project service is slow to start. */
function getESLint(): ESLint {
  eslint ??= new ESLint({
    cwd: fixturesDir,
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: {
        parser: tsParser,
        parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
      },
      plugins: { 'race-guard': pluginForESLint },
      rules: { [RULE_ID]: 'error' },
    },
  });
  return eslint;
}

/** The 1-based line of every expected report, repeated when a line expects several. */
function markerLines(source: string): number[] {
  return source.split('\n').flatMap((line, index) => {
    const count = line.split(MARKER).length - 1;
    return Array.from({ length: count }, () => index + 1);
  });
}

/** The elements of `from` not matched one-for-one in `remove` (multiset difference), sorted. */
function difference(from: readonly number[], remove: readonly number[]): number[] {
  const left = [...remove];
  const result: number[] = [];
  for (const value of [...from].sort((a, b) => a - b)) {
    const index = left.indexOf(value);
    if (index === -1) result.push(value);
    else left.splice(index, 1);
  }
  return result;
}

describe('require-lock-release-in-finally fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  it.each(fixtureNames)('%s: reports exactly the marked lines', async (name) => {
    const filePath = path.join(corpusDir, name);
    const source = fs.readFileSync(filePath, 'utf8');
    const [result] = await getESLint().lintText(source, { filePath });
    if (result == null) throw new Error(`ESLint returned no result for ${filePath}`);
    const foreign = result.messages.filter((message) => message.ruleId !== RULE_ID);
    expect(foreign.map((message) => `${String(message.line)}: ${message.message}`)).toEqual([]);

    const reported = result.messages.map((message) => message.line);
    const expected = markerLines(source);
    const lines = source.split('\n');
    const describeLine = (line: number): string => `${String(line)}: ${lines[line - 1]?.trim() ?? ''}`;
    const details = result.messages.map((message) => `  ${String(message.line)}: ${message.message}`).join('\n');
    expect(
      { missed: difference(expected, reported).map(describeLine), unexpected: difference(reported, expected).map(describeLine) },
      `${name}: report lines vs marker lines; reports were:\n${details}`,
    ).toEqual({ missed: [], unexpected: [] });
  });
});
