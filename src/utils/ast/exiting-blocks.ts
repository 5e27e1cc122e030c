import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isFunctionNode } from './functions.js';

/**
 * Where the code that can run after `node` ends, when `node` sits in a block that always leaves
 * the function: `record.status = ERROR; await repo.save(record); throw …` — nothing after that
 * block runs once `node` has. A `throw` inside a `try` of the same function may be caught and
 * go on, so only a `return`, or a `throw` no `try` catches, counts. Undefined when the rest of the
 * function may follow.
 */
export function endOfExitingBlock(node: TSESTree.Node): number | undefined {
  for (let current: TSESTree.Node | undefined = node.parent; current != null && !isFunctionNode(current); current = current.parent) {
    if (current.type !== AST_NODE_TYPES.BlockStatement) continue;
    const last = current.body.at(-1);
    if (last == null || last.range[1] <= node.range[0]) continue;
    if (last.type === AST_NODE_TYPES.ReturnStatement || (last.type === AST_NODE_TYPES.ThrowStatement && !isInsideTry(current))) return current.range[1];
  }
  return undefined;
}

function isInsideTry(node: TSESTree.Node): boolean {
  for (let current = node.parent; current != null && !isFunctionNode(current); current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement) return true;
  }
  return false;
}
