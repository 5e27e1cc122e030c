import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isInside } from '../ast/expressions.js';
import { codePathOwnerOf } from '../ast/functions.js';

type Variable = TSESLint.Scope.Variable;

/**
 * Whether the lock handle (or release function, or lock id) in `variable` leaves the hands of `fn`,
 * the function that acquired it: it is returned, yielded, stored in an object, array or another
 * variable, passed to a call that takes it over (`calleeOwns`: one that releases, keeps or hands it
 * on; see callee-ownership), or used from another function (a callback, a closure). Whoever
 * receives it may release it later, so `fn` is no longer the one to answer for it. References
 * inside `anchor` (the acquisition's own statement) do not count.
 */
export function handleLeavesFunction(
  variable: Variable,
  fn: TSESTree.Node,
  anchor: TSESTree.Node,
  isRelease: (call: TSESTree.CallExpression) => boolean,
  calleeOwns: (call: TSESTree.CallExpression | TSESTree.NewExpression, argumentIndex: number) => boolean,
): boolean {
  // A variable of an enclosing function or of the module: other code can reach the handle.
  if (variable.scope.variableScope.block !== fn) return true;
  for (const reference of variable.references) {
    const identifier = reference.identifier;
    if (isInside(identifier, anchor)) continue;
    if (codePathOwnerOf(identifier) !== fn) return true;
    if (!reference.isRead()) continue;
    const parent = identifier.parent;
    switch (parent.type) {
      case AST_NODE_TYPES.CallExpression:
      case AST_NODE_TYPES.NewExpression: {
        const index = parent.arguments.indexOf(identifier as TSESTree.CallExpressionArgument);
        if (index >= 0 && !(parent.type === AST_NODE_TYPES.CallExpression && isRelease(parent)) && calleeOwns(parent, index)) return true;
        break;
      }
      case AST_NODE_TYPES.ReturnStatement:
      case AST_NODE_TYPES.YieldExpression:
      case AST_NODE_TYPES.Property:
      case AST_NODE_TYPES.ArrayExpression:
      case AST_NODE_TYPES.SpreadElement:
      case AST_NODE_TYPES.ArrowFunctionExpression:
        return true;
      case AST_NODE_TYPES.AssignmentExpression:
        if (parent.right === identifier) return true;
        break;
      case AST_NODE_TYPES.VariableDeclarator:
        if (parent.init === identifier) return true;
        break;
      default:
        break;
    }
  }
  return false;
}
