/**
 * The no-stale-save fixture corpus (`tests/fixtures/no-stale-save/*.ts`): real TypeScript that
 * type-checks against the real typeorm/axios/openai types. A line that should be reported carries
 * the trailing comment `// ❌ no-stale-save` (once per expected report) on the line where the
 * reported call starts; every other line must stay silent.
 *
 * For each file: lint it with the real `ESLint` class and compare report lines with marker lines;
 * then apply the autofixes and check that they are idempotent and that the fixed file still
 * type-checks.
 */
import fs from 'node:fs';
import path from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { corpusDir, corpusFiles, createCorpusESLint, expectReportsAtMarkers, lintOnce, typeErrorsOf } from '../support/corpus.js';

const RULE_NAME = 'no-stale-save';
const dir = corpusDir(RULE_NAME);
const fixtureNames = corpusFiles(dir);

/** One ESLint per mode, created on first use: the project service is slow to start. */
const eslints = new Map<'lint' | 'fix', ESLint>();

function eslintFor(mode: 'lint' | 'fix'): ESLint {
  let eslint = eslints.get(mode);
  if (eslint == null) {
    eslint = createCorpusESLint(RULE_NAME, { fix: mode === 'fix' });
    eslints.set(mode, eslint);
  }
  return eslint;
}

// ---- the corpus -----------------------------------------------------------------------------------

describe('no-stale-save fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const filePath = path.join(dir, name);
    const source = fs.readFileSync(filePath, 'utf8');

    it('reports exactly the lines marked `// ❌ no-stale-save`', async () => {
      await expectReportsAtMarkers(eslintFor('lint'), RULE_NAME, source, filePath);
    });

    it('autofix output is idempotent and type-checks', async () => {
      const eslint = eslintFor('fix');
      const fixed = await lintOnce(eslint, source, filePath);
      const output = fixed.output;
      if (output == null || output === source) return;

      const again = await lintOnce(eslint, output, filePath);
      expect(again.output ?? output, `${name}: a second --fix pass changed the fixed text`).toBe(output);

      expect(typeErrorsOf(output, filePath, '.fixed-'), `${name}: the fixed text does not type-check`).toEqual([]);
    });
  });
});
