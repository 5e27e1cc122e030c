import ts from 'typescript';

import { firstBefore } from '../ast/code-before.js';
import { skipOuterExpressions } from '../calls/await-classification.js';
import { prismaArgumentProperty, propertyNameText } from '../prisma/prisma-calls.js';
import { rowReadOf } from './rows.js';
import { isNamedState, type StateTest, type StateTransition } from './state-transitions.js';

/**
 * A read that selects rows by their state before a transition of the same model or table:
 * `prisma.job.findFirst({ where: { status: 'queued' } })`, `db.select().from(jobs).where(eq(jobs.status,
 * 'queued'))`, `db.query.jobs.findFirst({ where: eq(jobs.status, 'queued') })`. The code acted on the
 * state it selected; the write that follows keyed on the id does not repeat it (check-then-act, with
 * the check in the query). A read that locks its rows (drizzle's `.for('update')`) is no such read.
 */

/** The first such read before the write, in its function or one around it: the part of its condition that names the state. */
export function stateFilteredRowReadBefore(checker: ts.TypeChecker, transition: StateTransition): StateTest | undefined {
  const { field } = transition;
  return firstBefore(transition.write.call, (node): StateTest | undefined => {
    if (!ts.isCallExpression(node)) return undefined;
    // The condition is read before any type query: most reads do not name the state.
    const found = conditionsOf(node).map((condition) => stateIn(checker, condition, field)).find((test) => test != null);
    if (found == null) return undefined;
    const read = rowReadOf(checker, node);
    return read?.target != null && read.target === transition.write.target ? found : undefined;
  });
}

/** Prisma's and drizzle's relational `{ where }`, and the arguments of a builder chain's `.where(…)`. */
function conditionsOf(call: ts.CallExpression): ts.Expression[] {
  const conditions: ts.Expression[] = [];
  const where = prismaArgumentProperty(call, 'where');
  if (where != null) conditions.push(where);
  for (let current: ts.Expression = call; ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression); current = current.expression.expression) {
    const [argument] = current.arguments;
    if (current.expression.name.text === 'where' && argument != null) conditions.push(argument);
  }
  return conditions;
}

/**
 * `status: 'queued'` in a where object (also under `AND`, `OR`, `NOT`), or a comparison of the
 * column (`eq(jobs.status, 'queued')`, `ne(t.status, …)`, `inArray(jobs.status, …)`), also in a
 * relational query's callback.
 */
function stateIn(checker: ts.TypeChecker, condition: ts.Expression, field: string): StateTest | undefined {
  let found: StateTest | undefined;
  const visit = (node: ts.Node): void => {
    if (found != null) return;
    if (ts.isPropertyAssignment(node) && propertyNameText(node.name) === field) {
      found = { node, expected: isNamedState(checker, node.initializer) ? node.initializer.getText() : undefined };
      return;
    }
    if (ts.isShorthandPropertyAssignment(node) && node.name.text === field) {
      found = { node, expected: undefined };
      return;
    }
    if (ts.isCallExpression(node)) {
      const [column, value] = node.arguments;
      const compared = column == null ? undefined : skipOuterExpressions(column);
      if (compared != null && ts.isPropertyAccessExpression(compared) && compared.name.text === field) {
        const equals = ts.isIdentifier(node.expression) && node.expression.text === 'eq' && value != null && isNamedState(checker, value);
        found = { node, expected: equals ? value.getText() : undefined };
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}
