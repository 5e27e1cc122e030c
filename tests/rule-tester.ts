import path from 'node:path';

import { RuleTester } from '@typescript-eslint/rule-tester';

/** Absolute path of `tests/fixtures`: the root of the tsconfig every typed test runs against. */
export const fixturesDir = path.join(import.meta.dirname, 'fixtures');

/**
 * A RuleTester whose cases are type-checked against `tests/fixtures/tsconfig.json`. Cases default to
 * `tests/fixtures/file.ts`; pass a `filename` inside `tests/fixtures/loose/` to lint with
 * `strictNullChecks` off.
 */
export function createRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: fixturesDir,
      },
    },
  });
}
