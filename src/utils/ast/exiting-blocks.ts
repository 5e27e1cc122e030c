import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isInside } from './expressions.js';
import { codePathOwnerOf, isFunctionNode } from './functions.js';

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

/**
 * Whether `a` and `b` never both run while the variable declared in `home` (its function, whose
 * every call has a binding of its own) holds one object: they sit on the two sides of an `if` or a
 * ternary of that function, and no loop of it around that choice can come back to it. Code later in
 * the text that runs only when the other did not (`if (user) { save(user) } else { … save(other) }`).
 * In a callback (`list.forEach((item) => { if … })`) the choice is made once per call of the
 * callback, so both sides may run: not exclusive.
 */
export function onExclusiveBranches(a: TSESTree.Node, b: TSESTree.Node, home: TSESTree.Node): boolean {
  for (let child: TSESTree.Node = a, parent = a.parent; parent != null && !isFunctionNode(parent); child = parent, parent = parent.parent) {
    if (!isInside(b, parent)) continue;
    if (isInside(b, child)) return false;
    const sides: (TSESTree.Node | null)[] = parent.type === AST_NODE_TYPES.IfStatement || parent.type === AST_NODE_TYPES.ConditionalExpression ? [parent.consequent, parent.alternate] : [];
    return sides.includes(child) && sides.some((side) => side != null && side !== child && isInside(b, side)) && codePathOwnerOf(parent) === home && !isInLoop(parent);
  }
  return false;
}

function isInLoop(node: TSESTree.Node): boolean {
  for (let current = node.parent; current != null && !isFunctionNode(current); current = current.parent) {
    if (LOOPS.has(current.type)) return true;
  }
  return false;
}

const LOOPS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement,
  AST_NODE_TYPES.DoWhileStatement,
]);
