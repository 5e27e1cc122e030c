import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isInside, isNullish, skipWrappers } from '../ast/expressions.js';
import type { Acquisition, VariableLookup } from './lock-acquisitions.js';

type Variable = TSESLint.Scope.Variable;

/**
 * What a condition says about an acquisition whose result is in a variable, when it is true and
 * when it is false: the lock is `held`, or the acquisition `failed` (came back null, undefined or
 * false). A side is missing when the condition does not say.
 */
export interface LockCondition {
  whenTrue?: 'held' | 'failed';
  whenFalse?: 'held' | 'failed';
}

/**
 * `lockId`, `!lockId`, `lockId == null`, `lockId !== false`, `a && lockId`, `!lockId || b`, and a
 * query runner's `runner.isReleased` (true once it was released: nothing is held then).
 */
export function conditionOf(test: TSESTree.Node, variable: Variable, variableOf: VariableLookup): LockCondition {
  const node = skipWrappers(test, { awaits: true });
  if (node.type === AST_NODE_TYPES.Identifier) {
    return variableOf(node) === variable ? { whenTrue: 'held', whenFalse: 'failed' } : {};
  }
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier && node.property.name === 'isReleased') {
    const object = skipWrappers(node.object, { awaits: true });
    return object.type === AST_NODE_TYPES.Identifier && variableOf(object) === variable ? { whenTrue: 'failed', whenFalse: 'held' } : {};
  }
  if (node.type === AST_NODE_TYPES.UnaryExpression && node.operator === '!') {
    const inner = conditionOf(node.argument, variable, variableOf);
    return { ...(inner.whenFalse == null ? {} : { whenTrue: inner.whenFalse }), ...(inner.whenTrue == null ? {} : { whenFalse: inner.whenTrue }) };
  }
  if (node.type === AST_NODE_TYPES.BinaryExpression && ['==', '===', '!=', '!=='].includes(node.operator)) {
    const [subject, other] = isNullish(node.right) ? [node.left, node.right] : [node.right, node.left];
    if (!isNullish(other) && !isFalse(other)) return {};
    const inner = skipWrappers(subject, { awaits: true });
    if (inner.type !== AST_NODE_TYPES.Identifier || variableOf(inner) !== variable) return {};
    return node.operator.startsWith('=') ? { whenTrue: 'failed', whenFalse: 'held' } : { whenTrue: 'held', whenFalse: 'failed' };
  }
  if (node.type === AST_NODE_TYPES.LogicalExpression && (node.operator === '&&' || node.operator === '||')) {
    // `a && b` true means both are; `a || b` false means neither is. The other side says something
    // only when both operands say the same (`runner && !runner.isReleased` false: nothing held).
    const left = conditionOf(node.left, variable, variableOf);
    const right = conditionOf(node.right, variable, variableOf);
    if (node.operator === '&&') {
      const whenTrue = left.whenTrue ?? right.whenTrue;
      const whenFalse = left.whenFalse === right.whenFalse ? left.whenFalse : undefined;
      return { ...(whenTrue == null ? {} : { whenTrue }), ...(whenFalse == null ? {} : { whenFalse }) };
    }
    const whenFalse = left.whenFalse ?? right.whenFalse;
    const whenTrue = left.whenTrue === right.whenTrue ? left.whenTrue : undefined;
    return { ...(whenTrue == null ? {} : { whenTrue }), ...(whenFalse == null ? {} : { whenFalse }) };
  }
  return {};
}

/**
 * Whether a release in the `finally` of `tryStatement` runs only when the lock was obtained:
 * `if (lock) lock.release()`, `lock && …`, `lock?.release()`, `release?.()`. With no variable to
 * test (a bare acquisition), any condition around the release is taken as such a check.
 */
export function releaseRunsOnlyWhenHeld(
  release: TSESTree.CallExpression,
  tryStatement: TSESTree.TryStatement,
  acquisition: Acquisition,
  variableOf: VariableLookup,
): boolean {
  const { variable } = acquisition;
  let child: TSESTree.Node = release;
  for (let current: TSESTree.Node | undefined = release.parent; current != null && current !== tryStatement; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.IfStatement && current.test !== child) {
      if (variable == null) return true;
      const condition = conditionOf(current.test, variable, variableOf);
      if ((current.consequent === child && condition.whenTrue === 'held') || (current.alternate === child && condition.whenFalse === 'held')) return true;
    }
    if (current.type === AST_NODE_TYPES.ConditionalExpression && current.test !== child) {
      if (variable == null) return true;
      const condition = conditionOf(current.test, variable, variableOf);
      if ((current.consequent === child && condition.whenTrue === 'held') || (current.alternate === child && condition.whenFalse === 'held')) return true;
    }
    if (current.type === AST_NODE_TYPES.LogicalExpression && current.right === child) {
      if (variable == null) return true;
      const condition = conditionOf(current.left, variable, variableOf);
      if ((current.operator === '&&' && condition.whenTrue === 'held') || (current.operator !== '&&' && condition.whenFalse === 'held')) return true;
    }
  }
  if (variable == null) return false;
  // `lock?.release()`, `release?.()`.
  const callee = release.callee;
  if (release.optional && callee.type === AST_NODE_TYPES.Identifier) return true;
  return callee.type === AST_NODE_TYPES.MemberExpression && callee.optional && callee.object.type === AST_NODE_TYPES.Identifier && variableOf(callee.object) === variable;
}

/**
 * Whether the acquisition's result is tested between the acquisition and `tryStatement`:
 * `if (!lockId) return;` before the try, or the try inside `if (lockId) { … }`. Any test of the
 * variable counts, whatever its branches do.
 */
export function isCheckedBefore(tryStatement: TSESTree.TryStatement, acquisition: Acquisition): boolean {
  const { variable } = acquisition;
  if (variable == null) return false;
  for (const reference of variable.references) {
    const identifier = reference.identifier;
    if (identifier.range[0] < acquisition.call.range[1] || identifier.range[0] > tryStatement.range[0]) continue;
    for (let current: TSESTree.Node | undefined = identifier.parent; current != null; current = current.parent) {
      if (current.type === AST_NODE_TYPES.IfStatement || current.type === AST_NODE_TYPES.ConditionalExpression || current.type === AST_NODE_TYPES.LogicalExpression) {
        if (isInside(identifier, current.type === AST_NODE_TYPES.LogicalExpression ? current.left : current.test)) return true;
      }
      if (isStatement(current)) break;
    }
  }
  return false;
}

/** `if (!lockId) return;`: an `if` without `else` that leaves the function when the acquisition failed. */
export function exitsWhenFailed(statement: TSESTree.Node | undefined, variable: Variable | undefined, variableOf: VariableLookup): boolean {
  if (variable == null || statement?.type !== AST_NODE_TYPES.IfStatement || statement.alternate != null) return false;
  return conditionOf(statement.test, variable, variableOf).whenTrue === 'failed' && alwaysExits(statement.consequent);
}

/** A `return` or `throw`, or a block that ends with one. */
function alwaysExits(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement) return true;
  if (node.type === AST_NODE_TYPES.BlockStatement) {
    const lastStatement = node.body.at(-1);
    return lastStatement != null && alwaysExits(lastStatement);
  }
  return false;
}

function isStatement(node: TSESTree.Node): boolean {
  return node.type.endsWith('Statement') || node.type.endsWith('Declaration');
}

function isFalse(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal && node.value === false;
}
