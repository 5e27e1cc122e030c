import ts from 'typescript';

import { firstBefore, isOnAnotherBranch } from '../ast/code-before.js';
import { enclosingTsFunction } from '../ast/functions.js';
import { lastAssignmentBefore } from './assigned-states.js';
import { isRowOfEntity, type ColumnMetadata, type EntityMetadata } from './entity-metadata.js';
import type { WrittenColumn } from './state-columns.js';

/**
 * What the code believed about a row's state before it wrote a transition: a check it made first
 * (check-then-act: `if (conversation.status !== OPEN) return;`), or the loaded entity the write
 * names. Either says which prior state a compare-and-set update should put in its condition.
 */

/**
 * What shows the code depends on the state before the write: a test of it (`if (conv.status !==
 * OPEN) return;`), or a read that selected the row by it (see state-filtered-reads).
 */
export interface StateCheck {
  /** The test (`conv.status !== OPEN`), or the part of the read's condition that names the state. */
  node: ts.Node;
  /** The state the code expects the row to be in, when the check says it (`OPEN`). */
  expected?: string;
}

/**
 * The first test that reads the state column of a row of the entity before `call`, in its
 * function or one around it (see `firstBefore`): `if (x.status …)`, `switch (x.status)`,
 * `x.status === A ? … : …`. Not one in another `case` of a switch, or in the other branch of an
 * `if` or a ternary that holds the write: it did not run on the way there.
 */
export function stateCheckBefore(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  column: ColumnMetadata,
  metadata: EntityMetadata,
): StateCheck | undefined {
  return firstBefore(call, (node): StateCheck | undefined => {
    const test = ts.isIfStatement(node)
      ? node.expression
      : ts.isSwitchStatement(node)
        ? node.expression
        : ts.isConditionalExpression(node)
          ? node.condition
          : undefined;
    const read = test == null ? undefined : stateReadIn(checker, test, column, metadata);
    if (test == null || read == null || isOnAnotherBranch(node, call)) return undefined;
    // A row read under a pessimistic lock in the write's function stays locked until its
    // transaction ends: nothing can change its state between the check and the write.
    if (isReadUnderRowLock(checker, read, call)) return undefined;
    return { node: test, ...expectedState(node, test, read, call) };
  });
}

/**
 * The row the test reads (`cdk.status`, or `status` destructured from `cdk`) was loaded in the
 * write's function by a read that locks it: `findOne({ …, lock: { mode: 'pessimistic_write' } })`,
 * a query builder's `.setLock('pessimistic_write')`.
 */
function isReadUnderRowLock(checker: ts.TypeChecker, read: ts.Expression, write: ts.CallExpression): boolean {
  let row: ts.Expression | undefined;
  if (ts.isPropertyAccessExpression(read)) row = read.expression;
  else {
    const binding = checker.getSymbolAtLocation(read)?.valueDeclaration;
    if (binding != null && ts.isBindingElement(binding)) {
      const declaration = binding.parent.parent;
      row = ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
    } else if (binding != null && ts.isVariableDeclaration(binding) && binding.initializer != null) {
      // `const status = x.status ?? NONE`: the row is `x`.
      let value = binding.initializer;
      if (ts.isBinaryExpression(value)) value = value.left;
      row = ts.isPropertyAccessExpression(value) ? value.expression : undefined;
    }
  }
  while (row != null && (ts.isParenthesizedExpression(row) || ts.isNonNullExpression(row) || ts.isAwaitExpression(row))) row = row.expression;
  if (row != null && ts.isIdentifier(row)) {
    const declaration = checker.getSymbolAtLocation(row)?.valueDeclaration;
    // A `let` may hold another read by the time of the test.
    row = declaration != null && ts.isVariableDeclaration(declaration) && (declaration.parent.flags & ts.NodeFlags.Const) !== 0 ? declaration.initializer : undefined;
    while (row != null && (ts.isParenthesizedExpression(row) || ts.isNonNullExpression(row) || ts.isAwaitExpression(row))) row = row.expression;
  }
  if (row == null || !ts.isCallExpression(row) || enclosingTsFunction(row) !== enclosingTsFunction(write)) return false;
  // The write goes through the manager that read (and so holds the lock): `manager.findOne(…, { lock })`, `manager.update(…)`.
  if (receiverRoot(row) == null || receiverRoot(row) !== receiverRoot(write)) return false;
  return optionsTakePessimisticLock(row) || chainSetsPessimisticLock(row);
}

/** `{ where, lock: { mode: 'pessimistic_write' } }` among the read's arguments. */
function optionsTakePessimisticLock(call: ts.CallExpression): boolean {
  return call.arguments.some(
    (argument) =>
      ts.isObjectLiteralExpression(argument) &&
      argument.properties.some((property) => ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === 'lock' && PESSIMISTIC.test(property.initializer.getText())),
  );
}

/** `qb.where(…).setLock('pessimistic_write').getOne()`. */
function chainSetsPessimisticLock(call: ts.CallExpression): boolean {
  for (let current: ts.Expression = call.expression; ; ) {
    if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else if (ts.isCallExpression(current)) {
      const callee = current.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'setLock' && current.arguments.some((argument) => PESSIMISTIC.test(argument.getText()))) return true;
      current = callee;
    } else return false;
  }
}

/** Locks that keep other transactions from updating the row (not `for_key_share`, which does not). */
const PESSIMISTIC = /pessimistic|for_no_key_update/;

/** `manager` of `manager.getRepository(E).createQueryBuilder()…getOne()`, `qr.manager` of `qr.manager.update(…)`: the text of what the call chain starts from. */
function receiverRoot(call: ts.CallExpression): string | undefined {
  let current: ts.Expression = call.expression;
  for (;;) {
    if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current) && (ts.isCallExpression(current.expression) || ts.isPropertyAccessExpression(current.expression))) current = current.expression;
    else break;
  }
  return ts.isPropertyAccessExpression(current) ? current.expression.getText() : undefined;
}

/**
 * `update({ id: conversation.id }, …)` with `conversation` a loaded entity: the state it was
 * loaded in (`conversation.status`) is the state the write expects — unless the code has set
 * `conversation.status` since, when it no longer says what was loaded.
 */
export function loadedState(checker: ts.TypeChecker, call: ts.CallExpression, written: WrittenColumn): string | undefined {
  const [primary, ...others] = written.metadata.primaryColumns;
  if (primary == null || others.length > 0) return undefined;
  let holder: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (holder != null) return;
    if (ts.isPropertyAccessExpression(node) && node.name.text === primary.propertyName && ts.isIdentifier(node.expression)) {
      if (isRowOfEntity(checker, checker.getTypeAtLocation(node.expression), written.metadata)) {
        holder = node.expression;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const argument of call.arguments) {
    if (ts.isObjectLiteralExpression(argument) && argument === written.property.parent) continue;
    visit(argument);
  }
  if (holder == null) return undefined;
  if (lastAssignmentBefore(checker, holder, written.column.propertyName, call) != null) return undefined;
  return `${holder.getText()}.${written.column.propertyName}`;
}

/**
 * The first read of the state column of a row of the entity in a test: `x.status`, or a name
 * destructured from the row (`const { status } = x; if (status === USED) …`).
 */
function stateReadIn(checker: ts.TypeChecker, test: ts.Node, column: ColumnMetadata, metadata: EntityMetadata): ts.Expression | undefined {
  let read: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (read != null) return;
    if (ts.isPropertyAccessExpression(node) && node.name.text === column.propertyName) {
      if (isRowOfEntity(checker, checker.getTypeAtLocation(node.expression), metadata)) {
        read = node;
        return;
      }
    }
    if (ts.isIdentifier(node) && isCopiedState(checker, node, column, metadata)) {
      read = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(test);
  return read;
}

/**
 * A `const` holding the state of a row of the entity: `const { status } = x` (or `{ status: s }`),
 * `const status = x.status`, `const status = x.status ?? NONE`.
 */
function isCopiedState(checker: ts.TypeChecker, name: ts.Identifier, column: ColumnMetadata, metadata: EntityMetadata): boolean {
  const declaration = checker.getSymbolAtLocation(name)?.valueDeclaration;
  if (declaration != null && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name)) {
    if (declaration.initializer == null || (declaration.parent.flags & ts.NodeFlags.Const) === 0) return false;
    let value = declaration.initializer;
    while (ts.isParenthesizedExpression(value) || ts.isNonNullExpression(value) || ts.isAsExpression(value)) value = value.expression;
    if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken)) value = value.left;
    return ts.isPropertyAccessExpression(value) && value.name.text === column.propertyName && isRowOfEntity(checker, checker.getTypeAtLocation(value.expression), metadata);
  }
  if (declaration == null || !ts.isBindingElement(declaration) || declaration.dotDotDotToken != null) return false;
  const property = declaration.propertyName ?? declaration.name;
  if (!ts.isIdentifier(property) || property.text !== column.propertyName) return false;
  const pattern = declaration.parent;
  const variable = pattern.parent;
  if (!ts.isObjectBindingPattern(pattern) || !ts.isVariableDeclaration(variable) || variable.initializer == null) return false;
  if ((variable.parent.flags & ts.NodeFlags.Const) === 0) return false;
  return isRowOfEntity(checker, checker.getTypeAtLocation(variable.initializer), metadata);
}

/**
 * What the code expected the state to be: `x.status === A` (or the `case A:` holding the write),
 * or `x.status !== A` guarding an early exit.
 */
function expectedState(statement: ts.Node, test: ts.Expression, read: ts.Expression, write: ts.Node): { expected?: string } {
  if (ts.isSwitchStatement(statement)) {
    const clause = statement.caseBlock.clauses.find((candidate) => candidate.pos <= write.pos && write.end <= candidate.end);
    return clause != null && ts.isCaseClause(clause) ? { expected: clause.expression.getText() } : {};
  }
  const comparison = read.parent;
  if (!ts.isBinaryExpression(comparison) || comparison !== unwrapParentheses(test)) return {};
  const other = comparison.left === read ? comparison.right : comparison.left;
  const kind = comparison.operatorToken.kind;
  const writeInside = statement.pos <= write.pos && write.end <= statement.end;
  if ((kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken) && writeInside) {
    return { expected: other.getText() };
  }
  if ((kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken) && !writeInside && ts.isIfStatement(statement) && exits(statement.thenStatement)) {
    return { expected: other.getText() };
  }
  return {};
}

function unwrapParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

/** A `return` or `throw`, or a block that ends with one: the code after the `if` does not run. */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last != null && exits(last);
  }
  return false;
}
