import { ESLintUtils, type TSESLint } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { toleratingCheckerFailures } from '../../src/utils/plugin/checker-failures.js';

const createRule = ESLintUtils.RuleCreator((name) => name);

/**
 * A rule that reports every identifier, and on the one named `fail` makes TypeScript itself throw
 * (the same `normalizeSlashes(undefined)` TypeError its checker raised on a NodeNext program), or
 * throws an error of its own on `oops`.
 */
const probe = createRule({
  name: 'probe',
  meta: { type: 'problem', docs: { description: 'probe' }, schema: [], defaultOptions: [], messages: { seen: 'seen {{name}}' } },
  create(context) {
    return {
      Identifier(node) {
        if (node.name === 'fail') (ts as unknown as { normalizeSlashes(path: string | undefined): string }).normalizeSlashes(undefined);
        if (node.name === 'oops') throw new Error('a bug of our own');
        context.report({ node, messageId: 'seen', data: { name: node.name } });
      },
    };
  },
});

function lint(code: string): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(code, [
    {
      plugins: { test: { rules: { probe: toleratingCheckerFailures(probe) as unknown as TSESLint.RuleModule<string> } } as never },
      rules: { 'test/probe': 'error' },
    },
  ]);
}

describe('toleratingCheckerFailures', () => {
  it('passes reports through while TypeScript does not fail', () => {
    expect(lint('a; b;').map((message) => message.message)).toEqual(['seen a', 'seen b']);
  });

  it('stops analysing the file after a failure inside TypeScript, without crashing the run', () => {
    expect(lint('a; fail; b;').map((message) => message.message)).toEqual(['seen a']);
  });

  it('lets an error of the rule itself surface', () => {
    expect(() => lint('a; oops;')).toThrow(/a bug of our own/);
  });
});
