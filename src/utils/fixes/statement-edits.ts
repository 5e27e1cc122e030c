import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isInside } from '../ast/expressions.js';
import { enclosingFunction } from '../ast/functions.js';

/**
 * Where a rewrite can put statements of its own: before a statement, or in place of one, in a
 * list of statements, at its indentation, with names that clash with nothing.
 */

type StatementList = TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock | TSESTree.SwitchCase;

function isStatementList(node: TSESTree.Node): node is StatementList {
  return (
    node.type === AST_NODE_TYPES.BlockStatement ||
    node.type === AST_NODE_TYPES.Program ||
    node.type === AST_NODE_TYPES.StaticBlock ||
    node.type === AST_NODE_TYPES.SwitchCase
  );
}

/** The statement `node` is the expression of (`await x;`, `return x;`, `const y = x;`), through an `await`. */
export function statementOf(node: TSESTree.Node): TSESTree.Statement | undefined {
  let current = node;
  if (current.parent?.type === AST_NODE_TYPES.AwaitExpression) current = current.parent;
  const parent = current.parent;
  if (parent == null) return undefined;
  if (parent.type === AST_NODE_TYPES.ExpressionStatement || parent.type === AST_NODE_TYPES.ReturnStatement) return parent;
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === current && parent.parent.declarations.length === 1) return parent.parent;
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === current && parent.parent.type === AST_NODE_TYPES.ExpressionStatement) return parent.parent;
  return undefined;
}

/** Whether more statements can be put next to `statement` (it is not the lone body of an `if`). */
export function sitsInStatementList(statement: TSESTree.Node): boolean {
  return statement.parent != null && isStatementList(statement.parent);
}

/**
 * The statement before which code runs once, after `after` (an offset: the load) and before `write`,
 * on every path that reaches `target`: the statement holding `write` that sits directly in a list of
 * statements that also holds `target`.
 */
export function statementBeforeBoth(write: TSESTree.Node, target: TSESTree.Node, after: number): TSESTree.Node | undefined {
  for (let node: TSESTree.Node = write; node.parent != null; node = node.parent) {
    if (isStatementList(node.parent) && isInside(target, node.parent)) {
      if (node.range[1] > target.range[0] || node.range[0] < after || node.type === AST_NODE_TYPES.SwitchCase) return undefined;
      return node;
    }
  }
  return undefined;
}

/** The whitespace that starts the line `node` starts on. */
export function indentationOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  return /^\s*/.exec(line)?.[0] ?? '';
}

/**
 * A name for a new local of the function holding `node`: `base`, or `base2`, `base3`, … when
 * the function's text already mentions it (a declaration there, or a use of an outer binding
 * the new one would shadow). `taken` are names the same rewrite has already chosen.
 */
export function unusedName(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, base: string, taken: ReadonlySet<string> = new Set()): string {
  const owner = enclosingFunction(node) ?? sourceCode.ast;
  const text = sourceCode.getText(owner);
  for (let index = 1; ; index++) {
    const name = index === 1 ? base : `${base}${String(index)}`;
    if (!taken.has(name) && !new RegExp(`(?<![\\w$])${name.replaceAll('$', '\\$')}(?![\\w$])`).test(text)) return name;
  }
}

/**
 * Whether `expression` (a variable) still names the same value at `at`: a variable nothing
 * reassigns after its declaration, which `at` sees under the same name.
 */
export function isSameValueAt(sourceCode: Readonly<TSESLint.SourceCode>, expression: TSESTree.Node, at: TSESTree.Node): boolean {
  if (expression.type !== AST_NODE_TYPES.Identifier) return false;
  const name = expression.name;
  const variableAt = (node: TSESTree.Node): TSESLint.Scope.Variable | undefined => {
    for (let scope: TSESLint.Scope.Scope | null = sourceCode.getScope(node); scope != null; scope = scope.upper) {
      const found = scope.set.get(name);
      if (found != null) return found;
    }
    return undefined;
  };
  const variable = variableAt(expression);
  if (variable == null || variableAt(at) !== variable) return false;
  return variable.references.every((reference) => !reference.isWrite() || reference.init === true);
}

/**
 * Whether evaluating `expression` again at `at` gives what it gave at `from` (a loader's receiver
 * or argument, `this.collections`, `group.collectionId`, `id`, `{ withDeleted: true, id }`):
 * literals, `this` (receivers only), variables nothing reassigns, property reads of them (no
 * computed key but a literal), and array and object literals of these. No calls. For an argument,
 * an object named by a variable is also not changed between the two points through that name (no
 * property written, deleted or called, not handed on); a receiver is a service whose methods the
 * code calls in between.
 */
export function isRepeatableBetween(
  sourceCode: Readonly<TSESLint.SourceCode>,
  expression: TSESTree.Node,
  from: TSESTree.Node,
  at: TSESTree.Node,
  role: 'receiver' | 'argument',
  isPrimitive: (node: TSESTree.Node) => boolean,
): boolean {
  const repeatable = (node: TSESTree.Node, as: 'receiver' | 'argument'): boolean => isRepeatableBetween(sourceCode, node, from, at, as, isPrimitive);
  // A receiver (`this.games`, `store`) is a service: calling its methods in between is its use.
  const unchanged = (root: TSESTree.Identifier): boolean => role === 'receiver' || isPrimitive(root) || unchangedBetween(sourceCode, root, from, at, isPrimitive);
  switch (expression.type) {
    case AST_NODE_TYPES.Literal:
      return true;
    case AST_NODE_TYPES.TemplateLiteral:
      return expression.expressions.every((part) => repeatable(part, 'argument'));
    case AST_NODE_TYPES.ThisExpression:
      return role === 'receiver';
    case AST_NODE_TYPES.ArrayExpression:
      return expression.elements.every((element) => element != null && repeatable(element, 'argument'));
    case AST_NODE_TYPES.ObjectExpression:
      return expression.properties.every(
        (property) => property.type === AST_NODE_TYPES.Property && property.kind === 'init' && !property.computed && !property.method && repeatable(property.value, 'argument'),
      );
    case AST_NODE_TYPES.UnaryExpression:
      return expression.operator !== 'delete' && repeatable(expression.argument, 'argument');
    case AST_NODE_TYPES.ChainExpression:
      return repeatable(expression.expression, role);
    case AST_NODE_TYPES.Identifier:
      if (expression.name === 'undefined') return true;
      // An object may be changed through the name without reassigning it (`options.withDeleted = true`).
      return isSameValueAt(sourceCode, expression, at) && unchanged(expression);
    case AST_NODE_TYPES.MemberExpression: {
      let root: TSESTree.Node = expression;
      while (root.type === AST_NODE_TYPES.MemberExpression) {
        if (root.computed && root.property.type !== AST_NODE_TYPES.Literal) return false;
        root = root.object;
      }
      if (root.type === AST_NODE_TYPES.ThisExpression) return role === 'receiver';
      return root.type === AST_NODE_TYPES.Identifier && root.name !== 'undefined' && isSameValueAt(sourceCode, root, at) && unchanged(root);
    }
    default:
      return false;
  }
}

/** Between the two points, the object `identifier` names is only read through: no property written, deleted or called, not handed on. */
function unchangedBetween(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier, from: TSESTree.Node, at: TSESTree.Node, isPrimitive: (node: TSESTree.Node) => boolean): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  return (
    variable != null &&
    variable.references.every((reference) => {
      const use = reference.identifier;
      return use.range[0] < from.range[1] || use.range[0] > at.range[0] || onlyReadsThrough(use, isPrimitive);
    })
  );
}

/** `a.b.c` read as a value: not written, deleted, called as a method, handed on (unless a primitive) or destructured into. */
function onlyReadsThrough(use: TSESTree.Node, isPrimitive: (node: TSESTree.Node) => boolean): boolean {
  let top: TSESTree.Node = use;
  while (top.parent?.type === AST_NODE_TYPES.MemberExpression && top.parent.object === top) top = top.parent;
  if (top === use) return false;
  const parent = top.parent;
  if (parent == null) return true;
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === top) return false;
  if (parent.type === AST_NODE_TYPES.UpdateExpression) return false;
  if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'delete') return false;
  if (parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression) return parent.callee !== top && isPrimitive(top);
  if (parent.type === AST_NODE_TYPES.ArrayPattern || parent.type === AST_NODE_TYPES.ForOfStatement || parent.type === AST_NODE_TYPES.ForInStatement) return false;
  // `{ id: dto.id }`: handed on inside a literal, as for a call; `({ a: dto.a } = …)`: written.
  if (parent.type === AST_NODE_TYPES.Property) return parent.parent.type === AST_NODE_TYPES.ObjectExpression && parent.value === top && isPrimitive(top);
  if (parent.type === AST_NODE_TYPES.ArrayExpression || parent.type === AST_NODE_TYPES.SpreadElement || parent.type === AST_NODE_TYPES.VariableDeclarator || parent.type === AST_NODE_TYPES.AssignmentExpression || parent.type === AST_NODE_TYPES.ReturnStatement) return isPrimitive(top);
  return true;
}
