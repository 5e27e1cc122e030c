import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { CodePathEventLog, isTryEvent, mergeListeners } from '../../src/flow/event-log.js';
import { createRule } from '../../src/utils/plugin/create-rule.js';

/**
 * A rule that logs every call and, when its function ends, reports in how many code path segments
 * each call was recorded, which other calls share them, and which `try` events the log saw. On a call of `fail<rule name>` it makes
 * TypeScript itself throw, which stops that rule for the file (see checker-failures).
 */
function segmentProbe(name: string) {
  return createRule({
    name,
    meta: {
      type: 'problem',
      docs: { description: 'probe', requiresTypeChecking: true },
      schema: [],
      messages: { seen: '{{call}} in {{segments}} segment(s) with {{peers}}; try events {{tries}}' },
      defaultOptions: [],
    },
    create(context) {
      const log = new CodePathEventLog<{ type: 'call'; node: TSESTree.CallExpression }>(context.sourceCode.ast, (recorded) => {
        const tries = recorded.allEvents.filter(isTryEvent).map((event) => event.type).join(',') || 'none';
        for (const event of recorded.allEvents) {
          if (event.type !== 'call') continue;
          const lists = [...recorded.eventsBySegment.values()].filter((events) => events.includes(event));
          const peers = new Set(lists.flat().filter((other) => other !== event && other.type === 'call').map((other) => context.sourceCode.getText((other as typeof event).node.callee)));
          context.report({
            node: event.node,
            messageId: 'seen',
            data: { call: context.sourceCode.getText(event.node.callee), segments: lists.length, peers: [...peers].join(',') || 'none', tries },
          });
        }
      });
      return mergeListeners(log.listeners(), {
        'CallExpression:exit': (node: TSESTree.CallExpression) => {
          if (node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === `fail${name}`) {
            (ts as unknown as { normalizeSlashes(path: string | undefined): string }).normalizeSlashes(undefined);
          }
          log.record({ type: 'call', node });
        },
      });
    },
  });
}

const plugin = {
  rules: {
    first: segmentProbe('first') as unknown as TSESLint.RuleModule<string>,
    second: segmentProbe('second') as unknown as TSESLint.RuleModule<string>,
  },
} as never;

const CODE = `
function f(x) {
  a();
  if (x) { b(); } else { c(); }
  try { d(); } catch { e(); } finally { g(); }
  h(() => { i(); });
}`;

const EXPECTED = [
  'a in 1 segment(s) with none; try events try-completed,catch-entry,try-completed,finally-entry',
  'b in 1 segment(s) with none; try events try-completed,catch-entry,try-completed,finally-entry',
  'c in 1 segment(s) with none; try events try-completed,catch-entry,try-completed,finally-entry',
  'd in 1 segment(s) with none; try events try-completed,catch-entry,try-completed,finally-entry',
  'e in 1 segment(s) with none; try events try-completed,catch-entry,try-completed,finally-entry',
  // The `finally` block runs on two paths (after the `try`, after the `catch`): two segments, the
  // second of which goes on after the statement.
  'g in 2 segment(s) with h; try events try-completed,catch-entry,try-completed,finally-entry',
  'h in 1 segment(s) with g; try events try-completed,catch-entry,try-completed,finally-entry',
  'i in 1 segment(s) with none; try events none',
];

function lint(linter: Linter, code: string | import('eslint').SourceCode, rules: readonly string[]): Record<string, string[]> {
  const messages = linter.verify(code, [{ plugins: { probe: plugin }, rules: Object.fromEntries(rules.map((rule) => [`probe/${rule}`, 'error'])) }]);
  const byRule: Record<string, string[]> = {};
  for (const message of messages) (byRule[message.ruleId ?? 'none'] ??= []).push(message.message);
  for (const list of Object.values(byRule)) list.sort();
  return byRule;
}

describe('CodePathEventLog: code path segments tracked once per traversal for every rule', () => {
  it('gives a rule alone its segments and try events', () => {
    expect(lint(new Linter({ configType: 'flat' }), CODE, ['first'])).toEqual({ 'probe/first': EXPECTED });
  });

  it('gives every rule the same segments when several log events in one traversal', () => {
    expect(lint(new Linter({ configType: 'flat' }), CODE, ['first', 'second'])).toEqual({ 'probe/first': EXPECTED, 'probe/second': EXPECTED });
    expect(lint(new Linter({ configType: 'flat' }), CODE, ['second', 'first'])).toEqual({ 'probe/first': EXPECTED, 'probe/second': EXPECTED });
  });

  it('keeps tracking segments for the other rules after the rule that tracks them stops on a TypeScript failure', () => {
    const failing = `${CODE}\nfunction k(y) { failfirst(); if (y) { m(); } else { n(); } }`;
    const result = lint(new Linter({ configType: 'flat' }), failing, ['first', 'second']);
    // `first` is created first, so it registers the tracker; it stops at `failfirst()` (its report of `f`'s
    // calls came before), `second` goes on through `k`.
    expect(result['probe/first']).toEqual(EXPECTED);
    expect(result['probe/second']).toEqual([
      ...EXPECTED,
      'failfirst in 1 segment(s) with none; try events none',
      'm in 1 segment(s) with none; try events none',
      'n in 1 segment(s) with none; try events none',
    ].sort());
  });

  it('fails loudly when a log is made in a rule not built with createRule (nothing would track its segments)', () => {
    const bare: TSESLint.RuleModule<string> = {
      meta: { type: 'problem', schema: [], messages: {} },
      create(context) {
        return new CodePathEventLog(context.sourceCode.ast, () => undefined).listeners();
      },
    };
    const linter = new Linter({ configType: 'flat' });
    expect(() => linter.verify(CODE, [{ plugins: { plain: { rules: { bare } } as never }, rules: { 'plain/bare': 'error' } }])).toThrow(
      /make it in the create\(\) of a rule built with createRule/,
    );
  });

  it('tracks a second traversal of the same SourceCode on its own', () => {
    const linter = new Linter({ configType: 'flat' });
    lint(linter, CODE, ['first']);
    const sourceCode = linter.getSourceCode();
    expect(lint(linter, sourceCode, ['first', 'second'])).toEqual({ 'probe/first': EXPECTED, 'probe/second': EXPECTED });
    expect(lint(linter, sourceCode, ['second'])).toEqual({ 'probe/second': EXPECTED });
  });
});
