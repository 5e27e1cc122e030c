import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

export function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.ArrowFunctionExpression;
}

/** The innermost function around `node`, or `undefined` at the top level. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current != null; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** The function a node runs in, or the `Program` for top-level code: the owner of its code path. */
export function codePathOwnerOf(node: TSESTree.Node): FunctionNode | TSESTree.Program {
  let current: TSESTree.Node = node;
  for (let parent = node.parent; parent != null; current = parent, parent = parent.parent) {
    if (isFunctionNode(parent)) return parent;
  }
  return current as TSESTree.Program;
}

/** The innermost function around a TypeScript node (the checker's tree, not ESTree), or `undefined` at the top level. */
export function enclosingTsFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) if (ts.isFunctionLike(current)) return current;
  return undefined;
}
