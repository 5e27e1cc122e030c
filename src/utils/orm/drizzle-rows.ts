import ts from 'typescript';

import { skipOuterExpressions } from '../calls/await-classification.js';
import {
  drizzleColumnDataType,
  drizzleConditionColumns,
  drizzlePrimaryKeyColumns,
  drizzleReadOf,
  drizzleTableDeclaration,
  drizzleTableName,
  drizzleUpdateOf,
} from '../drizzle/drizzle-calls.js';
import type { RowRead, RowWrite } from './row-model.js';
import { namedImports, type TextEdit } from './text-edits.js';
import { plainWrittenValues, replaceValueEdit } from './written-values.js';

/**
 * drizzle-orm's reads and updates in the row model. `.set({ … })` writes exactly its keys; a
 * column's atomic change is `` sql`${t.col} - ${n}` ``, and a compare-and-set adds
 * `eq(t.col, read)` to the `where` (docs/orm-facts.md). A read that locks its rows
 * (`.for('update')`) is no read of a row that others may change meanwhile.
 */

export function drizzleRowRead(checker: ts.TypeChecker, expression: ts.Expression): RowRead | undefined {
  const read = drizzleReadOf(checker, expression);
  if (read == null || read.locks) return undefined;
  return { call: read.call, shape: read.shape, target: drizzleTableName(checker, read.source, read.relational), identityFields: drizzlePrimaryKeyColumns(checker, read.source, read.relational) };
}

export function drizzleRowWrite(checker: ts.TypeChecker, set: ts.CallExpression): RowWrite | undefined {
  const update = drizzleUpdateOf(checker, set);
  const values = update?.values == null ? undefined : skipOuterExpressions(update.values);
  if (update == null || values == null || !ts.isObjectLiteralExpression(values)) return undefined;
  const { table, where } = update;
  const tableText = table.getText();
  const file = set.getSourceFile();
  const imports = (names: readonly string[]) => namedImports(file, 'drizzle-orm', names, (name) => isNameTaken(checker, set, name));
  const condition = where?.arguments.length === 1 ? where.arguments[0] : undefined;
  return {
    call: update.statement,
    target: drizzleTableName(checker, table, false),
    values: plainWrittenValues(values),
    conditions: condition == null ? [] : [condition],
    atomicChange(value, change) {
      const found = value.replaceable ? imports(['sql']) : undefined;
      const sql = found?.locals.get('sql') ?? 'sql';
      const text = `${sql}\`\${${tableText}.${value.field}} ${change.operator} \${${change.amount.getText()}}\``;
      const edit = found == null ? undefined : replaceValueEdit(value, text);
      return { text, edits: found == null || edit == null ? undefined : [...found.edits, edit] };
    },
    compareAndSet(field, expected) {
      const found = condition == null ? undefined : imports(['and', 'eq']);
      const and = found?.locals.get('and') ?? 'and';
      const eq = found?.locals.get('eq') ?? 'eq';
      const check = `${eq}(${tableText}.${field}, ${expected})`;
      const text = `.where(${and}(…, ${check}))`;
      if (found == null || condition == null) return { text, edits: undefined };
      return { text, edits: [...found.edits, joinCondition(condition, and, check)] };
    },
    state: {
      declaration: drizzleTableDeclaration(checker, table),
      fieldType: (field) => drizzleColumnDataType(checker, table, field),
      conditionFields: where == null ? new Set() : condition == null ? undefined : drizzleConditionColumns(condition, table),
      keyFields: drizzlePrimaryKeyColumns(checker, table, false),
      outcome: update.returning == null
        ? { check: 'how many rows it changed (`.returning()` hands them back)', example: 'if (rows.length === 0) return;', throwsWhenMissed: false }
        : { check: 'the rows `.returning()` hands back', example: 'if (rows.length === 0) return;', throwsWhenMissed: false },
    },
  };
}

/** `and(a, b)` gains the check as its last operand; any other condition becomes `and(condition, check)`. */
function joinCondition(condition: ts.Expression, and: string, check: string): TextEdit {
  const inner = skipOuterExpressions(condition);
  const last = ts.isCallExpression(inner) && ts.isIdentifier(inner.expression) && inner.expression.text === and ? inner.arguments.at(-1) : undefined;
  if (last != null) return { range: [last.getEnd(), last.getEnd()], text: `, ${check}` };
  return { range: [condition.getStart(), condition.getEnd()], text: `${and}(${condition.getText()}, ${check})` };
}

/** Whether `name` already means something at `node` (so an import of it would clash). */
function isNameTaken(checker: ts.TypeChecker, node: ts.Node, name: string): boolean {
  return checker.getSymbolsInScope(node, ts.SymbolFlags.Value | ts.SymbolFlags.Alias).some((symbol) => symbol.name === name);
}
