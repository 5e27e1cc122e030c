import type { TSESLint } from '@typescript-eslint/utils';
import ts from 'typescript';

import type { WrittenColumn } from '../typeorm/state-columns.js';

/**
 * Edits that turn an unguarded transition into a compare-and-set update: the expected prior state
 * goes into the update's condition. Offered as suggestions, since the update then changes nothing
 * when the row has moved on, which the code around it must handle.
 */
export type GuardFix = (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix;

/**
 * `update(criteria, …)`: adds `status: expected` to a criteria object, or turns a bare primary key
 * (`id`, `conversation.id`) into `{ id: …, status: expected }` for an entity with a single one.
 */
export function criteriaGuardFix(criteria: ts.Expression, written: WrittenColumn, expected: string): GuardFix | undefined {
  const key = written.column.propertyName;
  if (ts.isObjectLiteralExpression(criteria)) {
    const last = criteria.properties.at(-1);
    if (last == null) return undefined;
    return (fixer) => fixer.insertTextAfterRange([last.end, last.end], `, ${key}: ${expected}`);
  }
  const [primary, ...others] = written.metadata.primaryColumns;
  if (primary == null || others.length > 0) return undefined;
  const keyText = criteria.getText() === primary.propertyName ? primary.propertyName : `${primary.propertyName}: ${criteria.getText()}`;
  return (fixer) => fixer.replaceTextRange([criteria.getStart(), criteria.end], `{ ${keyText}, ${key}: ${expected} }`);
}

/**
 * `….where(…).execute()`: adds `.andWhere('status = :expectedStatus', { expectedStatus: … })`
 * just before `.execute()`, with the column's database name in the SQL.
 */
export function andWhereGuardFix(execute: ts.CallExpression, written: WrittenColumn, expected: string): GuardFix | undefined {
  if (!ts.isPropertyAccessExpression(execute.expression)) return undefined;
  const receiverEnd = execute.expression.expression.end;
  const parameter = `expected${capitalize(written.column.propertyName)}`;
  return (fixer) =>
    fixer.insertTextAfterRange([receiverEnd, receiverEnd], `.andWhere('${written.column.databaseName} = :${parameter}', { ${parameter}: ${expected} })`);
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
