import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import type { AwaitKind } from './await-classification.js';

const MAX_LABEL_LENGTH = 80;

/** How much of the source a label keeps. */
export interface LabelStyle {
  /** Show optional chaining (`lock?.release()`) rather than `lock.release()`. */
  optionalChains?: boolean;
  /** Show `await` (`await lock.release()`), for a label that names a statement. */
  awaits?: boolean;
}

/**
 * How a message names an expression: `this.llm.complete()`, `manager.transaction()`,
 * `qb.setLock(…).getOne()`, cut to 80 characters. Arguments are elided; anything unusual becomes `…`.
 */
export function callLabel(node: TSESTree.Node): string {
  const label = labelOf(node);
  return label.length > MAX_LABEL_LENGTH ? `${label.slice(0, MAX_LABEL_LENGTH - 1)}…` : label;
}

/** `callLabel` without the length limit, in the given style. */
export function labelOf(node: TSESTree.Node, style: LabelStyle = {}): string {
  switch (node.type) {
    case AST_NODE_TYPES.Identifier:
      return node.name;
    case AST_NODE_TYPES.ThisExpression:
      return 'this';
    case AST_NODE_TYPES.Super:
      return 'super';
    case AST_NODE_TYPES.MemberExpression: {
      const object = labelOf(node.object, style);
      if (node.computed || node.property.type !== AST_NODE_TYPES.Identifier) return `${object}[…]`;
      return `${object}${style.optionalChains === true && node.optional ? '?.' : '.'}${node.property.name}`;
    }
    case AST_NODE_TYPES.CallExpression:
      return `${labelOf(node.callee, style)}${style.optionalChains === true && node.optional ? '?.' : ''}(${node.arguments.length > 0 ? '…' : ''})`;
    case AST_NODE_TYPES.NewExpression:
      return `new ${labelOf(node.callee, style)}(${node.arguments.length > 0 ? '…' : ''})`;
    case AST_NODE_TYPES.ArrayExpression:
      return '[…]';
    case AST_NODE_TYPES.AwaitExpression:
      return style.awaits === true ? `await ${labelOf(node.argument, style)}` : labelOf(node.argument, style);
    case AST_NODE_TYPES.ChainExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.TSTypeAssertion:
      return labelOf(node.expression, style);
    default:
      return '…';
  }
}

/**
 * The awaited call followed by the chain the classifier found, without saying the same name twice:
 * `this.llm.complete() → LlmClient.complete → openai.chat.completions.create`, `fetch()`.
 */
export function chainText(awaited: TSESTree.Node, chain: readonly string[]): string {
  const { label, chain: rest } = awaitedChain(awaited, chain);
  return joinChain([label, ...rest]);
}

/** The longest chain a message shows whole; a longer one keeps its first and last calls. */
const MAX_CHAIN_SHOWN = 7;

/**
 * `a → b → c`: a chain of calls as a message shows it. A long one (through dispatchers and
 * adapters) keeps where it starts and the calls that reach the I/O, eliding the middle.
 */
export function joinChain(chain: readonly string[]): string {
  if (chain.length <= MAX_CHAIN_SHOWN) return chain.join(' → ');
  return [...chain.slice(0, 3), `… (${String(chain.length - 6)} more)`, ...chain.slice(-3)].join(' → ');
}

/** The awaited call's label and the chain after it, as `chainText` joins them. */
export function awaitedChain(awaited: TSESTree.Node, chain: readonly string[]): { label: string; chain: string[] } {
  const label = callLabel(awaited);
  const calleeText = label.replace(/\(…?\)$/, '').replace(/^this\./, '');
  return { label, chain: chain[0] === calleeText ? chain.slice(1) : [...chain] };
}

/** `a network call`, `a timer`: what an await of that kind waits for, in words. */
export function kindText(kind: AwaitKind): string {
  switch (kind) {
    case 'network':
      return 'a network call';
    case 'timer':
      return 'a timer';
    case 'unknown':
      return 'an unclassified call that may be slow I/O';
    case 'database':
      return 'a database call';
    case 'local':
      return 'local work';
  }
}

/** `a network call via A.f → axios.post`: the kind in words, with the chain that shows it. */
export function reasonText(kind: AwaitKind, chain: readonly string[]): string {
  if (chain.length === 0) return kindText(kind);
  const via = ` via ${joinChain(chain)}`;
  return kind === 'unknown' ? `an unclassified call${via} that may be slow I/O` : `${kindText(kind)}${via}`;
}
