// The configuration every benchmark run lints with: no-floating-promises (the yardstick) and the
// four race-guard rules with their default options. A config module rather than inline options,
// because ESLint's worker threads (`concurrency`) can only be handed a module to load.
// BENCH_ROOT is the project folder; BENCH_TSCONFIG, when set, names the tsconfig to build the
// program from (the corpus runs); otherwise the project service finds `BENCH_ROOT/tsconfig.json`.
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';

import raceGuard from '../../dist/index.js';

const root = process.env.BENCH_ROOT ?? process.cwd();
const tsconfig = process.env.BENCH_TSCONFIG;

export const RACE_GUARD_RULES = Object.keys(raceGuard.rules).map((name) => `race-guard/${name}`);
export const YARDSTICK_RULE = '@typescript-eslint/no-floating-promises';

/**
 * `BENCH_RULES=race-guard` or `BENCH_RULES=yardstick` lints with one side only (the isolated runs);
 * a comma-separated list of rule ids (`race-guard/no-stale-save`) lints with just those, for profiling.
 */
const only = process.env.BENCH_RULES;
const rules =
  only != null && only.includes('/')
    ? Object.fromEntries(only.split(',').map((rule) => [rule.trim(), 'error']))
    : {
        ...(only === 'race-guard' ? {} : { [YARDSTICK_RULE]: 'error' }),
        ...(only === 'yardstick' ? {} : Object.fromEntries(RACE_GUARD_RULES.map((rule) => [rule, 'error']))),
      };

export default [
  {
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
  },
  {
    basePath: root,
    files: ['**/*.ts'],
    languageOptions: {
      parser: tsParser,
      parserOptions: tsconfig == null
        ? { projectService: true, tsconfigRootDir: root }
        : { project: tsconfig, tsconfigRootDir: path.dirname(tsconfig) },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'race-guard': raceGuard },
    rules,
  },
];
