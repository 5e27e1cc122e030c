import ts from 'typescript';

import { firstBefore, isOnAnotherBranch } from '../ast/code-before.js';
import { skipOuterExpressions } from '../calls/await-classification.js';
import { isCategoryName, isEnumOrStringLiteralUnion } from '../typeorm/entity-metadata.js';
import { namesState, normalizeColumnName, type StateColumnOptions } from '../typeorm/state-columns.js';
import type { RowWrite, StateSupport, WrittenValue } from './row-model.js';
import { rowReadOf, stateWriteOf } from './rows.js';

/**
 * State transitions in the row model, for the ORMs whose writes carry `StateSupport` (Prisma,
 * drizzle): a write that sets a state field — an enum, a union of string literals, or a string
 * named like a state (`status`, `state`, `stage`, `phase`, the `stateColumns` option) — to a state
 * the code names (`'running'`, `JobStatus.running`). A value the caller supplies (`{ status:
 * input.status }`) is a setting, where the last writer winning is intended.
 */

export interface StateTransition {
  write: RowWrite;
  state: StateSupport;
  /** The state field and the value written to it. */
  field: string;
  value: WrittenValue;
}

export function stateTransitionOf(checker: ts.TypeChecker, call: ts.CallExpression, options: StateColumnOptions): StateTransition | undefined {
  const write = stateWriteOf(checker, call);
  const state = write?.state;
  if (write == null || state == null) return undefined;
  for (const value of write.values) {
    if (value.spread || !value.replaceable || !isNamedState(checker, value.value)) continue;
    const type = state.fieldType(value.field);
    if (type != null && isStateField(checker, value.field, type, options)) return { write, state, field: value.field, value };
  }
  return undefined;
}

/** Whether the write's condition checks the state itself, a version field or a guard column. */
export function guardsStateTransition(transition: StateTransition, options: StateColumnOptions): boolean | undefined {
  const fields = transition.state.conditionFields;
  if (fields == null) return undefined;
  const guards = new Set([transition.field, 'version', ...options.guardColumns].map(normalizeColumnName));
  return [...fields].some((field) => guards.has(normalizeColumnName(field)));
}

/**
 * Whether the compare-and-set names one row: a guarded write over a set of rows (every running
 * deployment of a schedule, every pending invitation of an address) is a sweep, which matches no
 * row as often as not, and no count of it tells a lost race. Unknown keys count as naming one.
 */
export function conditionNamesOneRow(transition: StateTransition): boolean {
  const { conditionFields, keyFields } = transition.state;
  if (keyFields.size === 0) return true;
  return [...(conditionFields ?? [])].some((field) => keyFields.has(field));
}

function isStateField(checker: ts.TypeChecker, field: string, type: ts.Type, options: StateColumnOptions): boolean {
  if (namesState(field, options.stateColumns)) return isEnumOrStringLiteralUnion(checker, type) || (checker.getNonNullableType(type).flags & ts.TypeFlags.String) !== 0;
  // An enum names a category or a setting as often as a state (`accessType`, `defaultLocale`), as for TypeORM's columns.
  return isEnumOrStringLiteralUnion(checker, type) && !isCategoryName(field);
}

/** A value the code names: a literal, or anything typed as one (`JobStatus.running`, an enum member). */
export function isNamedState(checker: ts.TypeChecker, value: ts.Expression): boolean {
  const node = skipOuterExpressions(value);
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return true;
  if (!ts.isPropertyAccessExpression(node) && !ts.isElementAccessExpression(node)) return false;
  const type = checker.getTypeAtLocation(node);
  return (type.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.EnumLiteral)) !== 0;
}

/**
 * What shows the code depends on the state before a transition: a test of it (`if (job.status !==
 * 'queued') return;`), or a read that selected the row by it (state-filtered-reads).
 */
export interface StateTest {
  /** The test, or the part of the read's condition that names the state. */
  node: ts.Node;
  /** The state the code expects the row to be in, when the test says it. */
  expected: string | undefined;
}

/**
 * The first test before the write, in its function or one around it (see `firstBefore`), that
 * reads the state field of a row read from the same model or table: `if (x.status …)`,
 * `switch (x.status)`, `x.status === A ? … : …`. Only tests on the way to the write count: not those
 * inside another `case` of a switch, nor in the other branch of an `if` or a ternary that holds the
 * write.
 */
export function stateTestBefore(checker: ts.TypeChecker, transition: StateTransition): StateTest | undefined {
  const { call } = transition.write;
  return firstBefore(call, (node): StateTest | undefined => {
    const test = ts.isIfStatement(node) ? node.expression : ts.isSwitchStatement(node) ? node.expression : ts.isConditionalExpression(node) ? node.condition : undefined;
    const read = test == null ? undefined : stateReadIn(checker, test, transition);
    if (test == null || read == null || isOnAnotherBranch(node, call)) return undefined;
    return { node: test, expected: expectedBy(node, test, read, call) };
  });
}

/**
 * The state a row read earlier was in, when the write names that row in its condition
 * (`where: { id: job.id }`): `job.status`, the state a compare-and-set expects.
 */
export function stateAsRead(checker: ts.TypeChecker, transition: StateTransition): string | undefined {
  for (const condition of transition.write.conditions) {
    let holder: ts.Identifier | undefined;
    const visit = (node: ts.Node): void => {
      if (holder != null) return;
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && rowOfSameTarget(checker, node.expression, transition)) {
        holder = node.expression;
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(condition);
    if (holder != null) return `${holder.text}.${transition.field}`;
  }
  return undefined;
}

/** `x.status` in a test, with `x` a row read from the written model or table. */
function stateReadIn(checker: ts.TypeChecker, test: ts.Expression, transition: StateTransition): ts.PropertyAccessExpression | undefined {
  let found: ts.PropertyAccessExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found != null || ts.isFunctionLike(node)) return;
    if (ts.isPropertyAccessExpression(node) && node.name.text === transition.field && ts.isIdentifier(node.expression) && rowOfSameTarget(checker, node.expression, transition)) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(test);
  return found;
}

/**
 * Whether a variable holds a row read (`const job = await prisma.job.findUnique(…)`) of the write's
 * model or table, or a copy made of one in a single call (`const job = jobSchema.parse(row)`,
 * `structuredClone(row)`): its fields are the row's as read.
 */
function rowOfSameTarget(checker: ts.TypeChecker, identifier: ts.Identifier, transition: StateTransition, copies = 1): boolean {
  const declaration = checker.getSymbolAtLocation(identifier)?.valueDeclaration;
  let initializer: ts.Expression | undefined;
  if (declaration != null && ts.isVariableDeclaration(declaration)) initializer = declaration.initializer;
  // `const [job] = await db.select()…`: the first row of a list read.
  else if (declaration != null && ts.isBindingElement(declaration) && ts.isArrayBindingPattern(declaration.parent) && ts.isVariableDeclaration(declaration.parent.parent)) initializer = declaration.parent.parent.initializer;
  const value = initializer == null ? undefined : skipOuterExpressions(initializer);
  if (value != null && ts.isCallExpression(value) && copies > 0) {
    return value.arguments.some((argument) => ts.isIdentifier(argument) && rowOfSameTarget(checker, argument, transition, copies - 1));
  }
  if (value == null || !ts.isAwaitExpression(value)) return false;
  const read = rowReadOf(checker, value.expression);
  return read != null && read.target != null && read.target === transition.write.target;
}

const EQUAL = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken]);
const NOT_EQUAL = new Set([ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);

/**
 * `if (x.status !== A) return;` before the write, or `if (x.status === A) { … write … }`: the code
 * expects `A`.
 */
function expectedBy(statement: ts.Node, test: ts.Expression, read: ts.PropertyAccessExpression, call: ts.Node): string | undefined {
  const comparison = skipOuterExpressions(test);
  if (!ts.isBinaryExpression(comparison) || !ts.isIfStatement(statement)) return undefined;
  const other = skipOuterExpressions(comparison.left) === read ? comparison.right : skipOuterExpressions(comparison.right) === read ? comparison.left : undefined;
  if (other == null) return undefined;
  const operator = comparison.operatorToken.kind;
  if (NOT_EQUAL.has(operator) && exits(statement.thenStatement)) return other.getText();
  if (EQUAL.has(operator) && statement.thenStatement.pos <= call.pos && call.end <= statement.thenStatement.end) return other.getText();
  return undefined;
}

/** A branch that always leaves: `return`, `throw`, or a block that ends with one. */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last != null && exits(last);
  }
  return false;
}
