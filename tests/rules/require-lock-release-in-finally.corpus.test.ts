/**
 * The require-lock-release-in-finally fixture corpus (`tests/fixtures/require-lock-release-in-finally/*.ts`):
 * real TypeScript that type-checks against the fixture project. A line that should be reported carries
 * the trailing comment `// ❌ require-lock-release-in-finally` (once per expected report) on the line
 * where the reported acquisition starts; every other line must stay silent.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { corpusDir, corpusFiles, createCorpusESLint, expectReportsAtMarkers } from '../support/corpus.js';

const RULE_NAME = 'require-lock-release-in-finally';
const dir = corpusDir(RULE_NAME);
const fixtureNames = corpusFiles(dir);

let eslint: ESLint | undefined;

/** One ESLint, created on first use: the project service is slow to start. */
function getESLint(): ESLint {
  eslint ??= createCorpusESLint(RULE_NAME);
  return eslint;
}

describe('require-lock-release-in-finally fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  it.each(fixtureNames)('%s: reports exactly the marked lines', async (name) => {
    const filePath = path.join(dir, name);
    const source = fs.readFileSync(filePath, 'utf8');
    await expectReportsAtMarkers(getESLint(), RULE_NAME, source, filePath);
  });
});
