import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

/**
 * Expressions that evaluate to a primitive, a function, an array or an object literal without a
 * `then`: never a promise, whatever the types say. A syntactic test, to skip a type query.
 */
export function cannotBeThenable(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.UpdateExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
      return true;
    case AST_NODE_TYPES.ObjectExpression:
      return node.properties.every(
        (property) =>
          property.type === AST_NODE_TYPES.Property &&
          !property.computed &&
          !(property.key.type === AST_NODE_TYPES.Identifier ? property.key.name === 'then' : property.key.value === 'then'),
      );
    default:
      return false;
  }
}

/**
 * Whether the type of an expression has a `then` member. `any` and `unknown` do not count: a
 * report that needs a promise is not made on a guess (the await classifier, which looks for
 * slow work, assumes the opposite).
 */
export function isKnownThenable(checker: ts.TypeChecker, node: ts.Node): boolean {
  const type = checker.getTypeAtLocation(node);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  return type.getProperty('then') != null;
}
