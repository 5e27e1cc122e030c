/**
 * The no-network-await-in-transaction fixture corpus (`tests/fixtures/no-network-await-in-transaction/*.ts`):
 * real TypeScript that type-checks against the real typeorm/axios/openai types. A line that should be
 * reported carries the trailing comment `// ❌ no-network-await-in-transaction` (once per expected
 * report) on the line where the reported await starts; every other line must stay silent. The rule
 * has no fixes, so linting is all there is to check.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { corpusDir, corpusFiles, createCorpusESLint, expectReportsAtMarkers, lintOnce } from '../support/corpus.js';

const RULE_NAME = 'no-network-await-in-transaction';
const dir = corpusDir(RULE_NAME);
const fixtureNames = corpusFiles(dir);

let eslint: ESLint | undefined;

/** One ESLint, created on first use: the project service is slow to start. */
function getESLint(): ESLint {
  eslint ??= createCorpusESLint(RULE_NAME);
  return eslint;
}

describe('no-network-await-in-transaction fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const filePath = path.join(dir, name);
    const source = fs.readFileSync(filePath, 'utf8');

    it('reports exactly the lines marked `// ❌ no-network-await-in-transaction`', async () => {
      await expectReportsAtMarkers(getESLint(), RULE_NAME, source, filePath);
    });

    it('offers no fixes and no suggestions', async () => {
      const result = await lintOnce(getESLint(), source, filePath);
      expect(result.messages.filter((message) => message.fix != null || message.suggestions != null)).toEqual([]);
    });
  });
});
