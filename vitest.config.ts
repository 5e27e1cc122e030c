import { defineConfig } from 'vitest/config';

/**
 * Tests that lint typed code against `tests/fixtures` (RuleTester cases, the fixture corpora, the docs
 * examples) or build programs over it. They run in one worker without module isolation: the
 * typescript-eslint project service is a module-level singleton, and its program over
 * `tests/fixtures/tsconfig.json` — about 780 files, most of them the declarations of typeorm, openai
 * and @types/node — costs about 3 s of CPU to build. Isolated, every test file built it again; shared,
 * each worker builds it once and every later case only pays for the edited file (tens of
 * milliseconds). `tests/setup.ts` keeps the RuleTester from dropping the service after each file.
 */
const typedTests = [
  'tests/rules/**/*.test.ts',
  'tests/corpus.test.ts',
  'tests/docs.test.ts',
  'tests/plugin.test.ts',
  'tests/utils/**/*.test.ts',
];

const excluded = ['tests/fixtures/**', '**/node_modules/**'];

export default defineConfig({
  test: {
    exclude: excluded,
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    // Type-aware tests build a TypeScript program; the first one in a worker is slow.
    testTimeout: 60_000,
    // The packed-install integration test installs a tarball in `beforeAll`.
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        test: { name: 'typed', include: typedTests, isolate: false },
      },
      {
        extends: true,
        test: { name: 'isolated', include: ['tests/**/*.test.ts'], exclude: [...excluded, ...typedTests] },
      },
    ],
  },
});
