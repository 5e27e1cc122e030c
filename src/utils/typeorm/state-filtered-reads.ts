import ts from 'typescript';

import { firstBefore } from '../ast/code-before.js';
import type { ColumnMetadata, EntityMetadata } from './entity-metadata.js';
import type { StateCheck } from './state-checks.js';
import { columnNames, columnsInSql, entityOfReceiver, normalizeColumnName, propertyName } from './state-columns.js';
import { classifyTypeormCall, LOAD_METHODS } from './typeorm-calls.js';
import { callChain } from './where-chains.js';

/**
 * A read that selects rows by their state (`findOneBy({ id, status: PENDING })`,
 * `.andWhere('d.status != :matched').getOne()`, `exists({ where: { status } })`) and a write of
 * the same entity's state after it: the code acted on the state it read, and the row may have
 * left that state by the time the write arrives (check-then-act, with the check in the query).
 * A read that locks the row (`lock`, `.setLock()`) is no such read.
 */

/** Reads whose result depends on the rows' state: loads, counts, existence tests, raw selects. */
const READ_METHODS: ReadonlySet<string> = new Set([
  ...LOAD_METHODS,
  'count',
  'countBy',
  'exists',
  'existsBy',
  'exist',
  'getCount',
  'getExists',
  'getRawOne',
  'getRawMany',
]);

/** The `…By` forms take the condition itself; the others an options object with `where`. */
const takesCondition = (method: string): boolean => /By(?:OrFail)?$/.test(method);

/**
 * The first TypeORM read of the entity before `call`, in its function or one around it, whose
 * condition checks the state column: the part of the condition that names it, and the state it
 * selected (`status: PENDING` → `PENDING`) when the condition says one.
 */
export function stateFilteredReadBefore(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  column: ColumnMetadata,
  metadata: EntityMetadata,
): StateCheck | undefined {
  const names = new Set(columnNames(column));
  return firstBefore(call, (node): StateCheck | undefined => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
    const method = node.expression.name.text;
    if (!READ_METHODS.has(method) || locksRows(node, method)) return undefined;
    // What the condition says is read before any type query: most reads do not name the state.
    const found = conditionsOf(node, method).map((condition) => stateIn(condition, names)).find((check) => check != null);
    if (found == null) return undefined;
    const typeorm = classifyTypeormCall(checker, node);
    if (typeorm == null || typeorm.api === 'BaseEntity') return undefined;
    const holder = typeorm.api === 'EntityManager' ? node.arguments[0] : node.expression.expression;
    const read = holder == null ? undefined : entityOfReceiver(checker, holder);
    return read?.declaration === metadata.declaration ? found : undefined;
  });
}

/**
 * `findOne({ where, lock: { mode: 'pessimistic_write' } })`, `.setLock('pessimistic_write')`: the
 * row is locked until the transaction ends, so a write after it in that transaction is safe.
 */
function locksRows(call: ts.CallExpression, method: string): boolean {
  if (method.startsWith('get')) return callChain(call.expression).some((link) => link.name === 'setLock');
  return call.arguments.some((argument) => {
    const node = skipParentheses(argument);
    return ts.isObjectLiteralExpression(node) && node.properties.some((property) => propertyName(property) === 'lock');
  });
}

/** The conditions a read may carry: its where-object, its options' `where`, or its builder's where-methods. */
function conditionsOf(call: ts.CallExpression, method: string): ts.Expression[] {
  if (method.startsWith('get')) {
    return callChain(call.expression).flatMap((link) => (/^(?:and|or)?[wW]here$/.test(link.name) && link.call.arguments[0] != null ? [link.call.arguments[0]] : []));
  }
  // `manager.findOneBy(Job, { … })`: the condition follows the entity class.
  return call.arguments.flatMap((argument): ts.Expression[] => {
    const node = skipParentheses(argument);
    if (!ts.isObjectLiteralExpression(node)) return [];
    if (takesCondition(method)) return [node];
    const where = node.properties.find((property) => propertyName(property) === 'where');
    return where != null && ts.isPropertyAssignment(where) ? [where.initializer] : [];
  });
}

/** Where a condition names the state column: `status: X` in an object (or one of a list), or a SQL string that mentions it. */
function stateIn(condition: ts.Expression, names: ReadonlySet<string>): StateCheck | undefined {
  const node = skipParentheses(condition);
  if (ts.isStringLiteralLike(node)) return [...columnsInSql(node.text)].some((name) => names.has(name)) ? { node } : undefined;
  if (ts.isArrayLiteralExpression(node)) {
    for (const element of node.elements) {
      const found = stateIn(element, names);
      if (found != null) return found;
    }
    return undefined;
  }
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  for (const property of node.properties) {
    const name = propertyName(property);
    if (name == null || !names.has(normalizeColumnName(name))) continue;
    const value = ts.isPropertyAssignment(property) ? skipParentheses(property.initializer) : undefined;
    return { node: property, ...(value != null && isNamedValue(value) ? { expected: value.getText() } : {}) };
  }
  return undefined;
}

/** `'pending'`, `JobStatus.PENDING`: a state the condition selects; not `In([…])`, `Not(…)` or a variable. */
function isNamedValue(value: ts.Expression): boolean {
  return ts.isStringLiteralLike(value) || ts.isNumericLiteral(value) || ts.isPropertyAccessExpression(value);
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current)) current = current.expression;
  return current;
}
