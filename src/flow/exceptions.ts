import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isFunctionNode } from '../utils/ast/functions.js';

/** A `try` statement around a node, and the part of it the node is in. */
export interface TryPart {
  tryStatement: TSESTree.TryStatement;
  part: 'block' | 'handler' | 'finalizer';
}

/** The start of a `catch` clause or of a `finally` block: where a thrown state can continue. */
export interface Handler {
  tryStatement: TSESTree.TryStatement;
  clause: 'catch' | 'finally';
}

/** The `try` statements around `node` within its function, innermost first. */
export function tryPartsAround(node: TSESTree.Node): TryPart[] {
  const parts: TryPart[] = [];
  let child: TSESTree.Node = node;
  for (let current = node.parent; current != null; child = current, current = current.parent) {
    if (isFunctionNode(current)) break;
    if (current.type === AST_NODE_TYPES.TryStatement) {
      const part = current.block === child ? 'block' : current.handler === child ? 'handler' : 'finalizer';
      parts.push({ tryStatement: current, part });
    }
  }
  return parts;
}

/**
 * Which handlers a throw at `node` may reach, for a "may" analysis that does not follow what the
 * handlers themselves do:
 * - `every-handler`: the `catch` and the `finally` of every `try` whose block holds the node (a
 *   catch may rethrow; a finally runs on the way out either way);
 * - `every-catch`: only the `catch` clauses of those `try` statements.
 */
export function handlersReached(node: TSESTree.Node, reach: 'every-handler' | 'every-catch'): Handler[] {
  const handlers: Handler[] = [];
  for (const { tryStatement, part } of tryPartsAround(node)) {
    if (part !== 'block') continue;
    if (tryStatement.handler != null) handlers.push({ tryStatement, clause: 'catch' });
    if (reach === 'every-handler' && tryStatement.finalizer != null) handlers.push({ tryStatement, clause: 'finally' });
  }
  return handlers;
}
