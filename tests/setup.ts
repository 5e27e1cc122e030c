import { RuleTester } from '@typescript-eslint/rule-tester';
import { describe, it } from 'vitest';

// `@typescript-eslint/rule-tester` has no test framework of its own: hand it vitest's.
//
// RuleTester only uses `afterAll` to call the parser's `clearCaches()` once a test file is done, which
// drops the project service, so the next file in the worker rebuilds its whole program (~3 s of CPU).
// The typed test files share a worker on purpose (see vitest.config.ts), and the service holds no
// file handles (its watchers are stubs), so there is nothing to release: the hook is left empty.
RuleTester.afterAll = () => {
  // Keep the project service for the next test file of this worker.
};
RuleTester.describe = describe;
RuleTester.describeSkip = describe.skip;
RuleTester.it = it;
RuleTester.itOnly = it.only;
RuleTester.itSkip = it.skip;
