/**
 * The layer rules in eslint.config.mjs (race-guard/layers/*) on imports written for each layer:
 * what each layer may not import is refused, what it may is accepted.
 */
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import config from '../eslint.config.mjs';

const layers = config.filter((entry) => entry.name?.startsWith('race-guard/layers/') === true);

function restrictedImports(filename: string, specifier: string): number {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(`import '${specifier}';\n`, [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, ...layers], { filename });
  return messages.filter((message) => message.ruleId === 'no-restricted-imports').length;
}

describe('layer boundaries', () => {
  it.each([
    ['src/utils/calls/module-lists.ts', '../../rules/no-stale-save.js'],
    ['src/utils/typeorm/loaded-columns.ts', '../../audit/diff.js'],
    ['src/flow/facts.ts', '../utils/typeorm/typeorm-calls.js'],
    ['src/utils/ast/functions.ts', '../../flow/solver.js'],
    ['src/rules/require-state-guard.ts', './no-stale-save.js'],
    ['src/rules/no-stale-save.ts', '../audit/report.js'],
    ['src/audit/report.ts', '../rules/no-stale-save.js'],
    ['src/audit/report.ts', '../cli/race-guard.js'],
  ])('%s may not import %s', (filename, specifier) => {
    expect(restrictedImports(filename, specifier)).toBe(1);
  });

  it.each([
    ['src/rules/index.ts', './no-stale-save.js'],
    ['src/rules/no-stale-save.ts', '../utils/entity-flow/entity-flow-recorder.js'],
    ['src/rules/no-stale-save.ts', '../flow/solver.js'],
    ['src/flow/exceptions.ts', '../utils/ast/functions.js'],
    ['src/utils/entity-flow/entity-flow-recorder.ts', '../../flow/event-log.js'],
    ['src/audit/lint.ts', '../index.js'],
    ['src/audit/report.ts', '../utils/plugin/report-details.js'],
  ])('%s may import %s', (filename, specifier) => {
    expect(restrictedImports(filename, specifier)).toBe(0);
  });

  it('covers every layer', () => {
    expect(layers.map((entry) => entry.name)).toEqual([
      'race-guard/layers/ast-helpers',
      'race-guard/layers/flow',
      'race-guard/layers/analyses',
      'race-guard/layers/rules',
      'race-guard/layers/audit',
    ]);
  });
});
