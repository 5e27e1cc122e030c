import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

/**
 * The expression inside type-only wrappers (`x as T`, `x!`, `x satisfies T`, `<T>x`) and optional
 * chains (`a?.b()`), which change nothing at run time. With `awaits: true` it also looks through
 * `await`, for questions about what is awaited rather than when.
 */
export function skipWrappers(node: TSESTree.Expression, options: { awaits: boolean }): TSESTree.Expression;
export function skipWrappers(node: TSESTree.Node, options: { awaits: boolean }): TSESTree.Node;
export function skipWrappers(node: TSESTree.Node, options: { awaits: boolean }): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.AwaitExpression:
        if (!options.awaits) return current;
        current = current.argument;
        break;
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** Whether `node` lies within `container`'s source range (a node is inside itself). */
export function isInside(node: TSESTree.Node | TSESTree.Token | TSESTree.Comment, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/** `null` or `undefined`, written as such. */
export function isNullish(node: TSESTree.Node): boolean {
  return (node.type === AST_NODE_TYPES.Literal && node.value === null) || (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined');
}

/** The method name of `x.name(…)` or the name of `name(…)`. */
export function calleeName(call: TSESTree.CallExpression): string | undefined {
  const callee = call.callee;
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier) return callee.property.name;
  return undefined;
}
