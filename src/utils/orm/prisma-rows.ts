import ts from 'typescript';

import {
  PRISMA_READ_METHODS,
  PRISMA_WRITE_METHODS,
  prismaArgumentProperty,
  prismaDelegateCallOf,
  prismaFieldType,
  prismaModelDeclaration,
  prismaReadShape,
  prismaUniqueFields,
  prismaWhereFields,
  prismaWriteShape,
  propertyNameText,
  type PrismaWriteOutcome,
} from '../prisma/prisma-calls.js';
import type { RowRead, RowWrite, WriteOutcome, WrittenValue } from './row-model.js';
import { addPropertyEdit, replaceValueEdit } from './written-values.js';

/**
 * Prisma's reads and updates in the row model. An update writes exactly the keys of `data`
 * (`upsert`: `update`); a number field's atomic change is `{ increment | decrement: n }`, and
 * a compare-and-set repeats the value read in `where` — `update` then throws P2025 when the row
 * has moved on (extended unique filters, Prisma 5+), `updateMany` counts 0 (docs/orm-facts.md).
 */

export function prismaRowRead(checker: ts.TypeChecker, call: ts.CallExpression): RowRead | undefined {
  const delegate = prismaDelegateCallOf(checker, call, PRISMA_READ_METHODS);
  const shape = delegate == null ? undefined : prismaReadShape(delegate.method);
  if (delegate == null || shape == null) return undefined;
  return { call, shape, target: delegate.model, identityFields: prismaUniqueFields(delegate) };
}

/** Operations on a scalar field (`{ increment: n }`); the database applies them to the current value. */
const FIELD_OPERATIONS: ReadonlySet<string> = new Set(['increment', 'decrement', 'multiply', 'divide', 'push', 'unset']);

/** Keys of a relation write (`{ connect: … }`, `{ update: … }`): no column value of this row. */
const RELATION_OPERATIONS: ReadonlySet<string> = new Set([
  'create', 'createMany', 'connect', 'connectOrCreate', 'disconnect', 'update', 'updateMany', 'upsert', 'delete', 'deleteMany',
]);

export function prismaRowWrite(checker: ts.TypeChecker, call: ts.CallExpression): RowWrite | undefined {
  const delegate = prismaDelegateCallOf(checker, call, PRISMA_WRITE_METHODS);
  const shape = delegate == null ? undefined : prismaWriteShape(delegate.method);
  const values = shape == null ? undefined : prismaArgumentProperty(call, shape.values);
  if (delegate == null || shape == null || values == null || !ts.isObjectLiteralExpression(values)) return undefined;
  const where = prismaArgumentProperty(call, 'where');
  return {
    call,
    target: delegate.model,
    values: values.properties.flatMap(writtenValuesOf),
    conditions: where == null ? [] : [where],
    atomicChange(value, change) {
      const text = `{ ${change.operator === '+' ? 'increment' : 'decrement'}: ${change.amount.getText()} }`;
      const edit = value.replaceable ? replaceValueEdit(value, text) : undefined;
      return { text, edits: edit == null ? undefined : [edit] };
    },
    compareAndSet(field, expected) {
      // An upsert that finds no row creates one: a compare-and-set there is no guard.
      if (delegate.method === 'upsert') return undefined;
      const edit = where != null && ts.isObjectLiteralExpression(where) ? addPropertyEdit(where, field, expected) : undefined;
      return { text: `where: { …, ${field}: ${expected} }`, edits: edit == null ? undefined : [edit] };
    },
    // An upsert that matches no row creates one: no condition of it guards a transition.
    ...(delegate.method === 'upsert'
      ? {}
      : {
          state: {
            declaration: prismaModelDeclaration(delegate),
            fieldType: (field: string) => prismaFieldType(checker, delegate, field),
            conditionFields: prismaWhereFields(where),
            keyFields: prismaUniqueFields(delegate),
            outcome: OUTCOMES[shape.outcome],
          },
        }),
  };
}

/** What tells whether an update matched a row: `update` throws P2025, `updateMany` counts (docs/orm-facts.md). */
const OUTCOMES: Readonly<Record<PrismaWriteOutcome, WriteOutcome>> = {
  row: { check: 'for `P2025`, which `update` throws when no row matches', example: 'catch P2025', throwsWhenMissed: true },
  count: { check: '`count`', example: 'if (count === 0) return;', throwsWhenMissed: false },
  rows: { check: 'the rows it returns', example: 'if (rows.length === 0) return;', throwsWhenMissed: false },
};

function writtenValuesOf(property: ts.ObjectLiteralElementLike): WrittenValue[] {
  if (ts.isSpreadAssignment(property)) return [{ field: '…', property, value: property.expression, spread: true, replaceable: false }];
  if (ts.isShorthandPropertyAssignment(property)) return [{ field: property.name.text, property, value: property.name, spread: false, replaceable: true }];
  if (!ts.isPropertyAssignment(property)) return [];
  const field = propertyNameText(property.name);
  if (field == null) return [];
  const value = property.initializer;
  if (!ts.isObjectLiteralExpression(value)) return [{ field, property, value, spread: false, replaceable: true }];
  const keys = value.properties.map((operation) => (operation.name == null ? undefined : propertyNameText(operation.name)));
  if (keys.some((key) => key != null && RELATION_OPERATIONS.has(key))) return [];
  // `{ set: v }` is the new value itself; `{ increment: n }` and the like change it in the database.
  if (keys.length === 1 && keys[0] === 'set') {
    const [set] = value.properties;
    return set != null && ts.isPropertyAssignment(set) ? [{ field, property, value: set.initializer, spread: false, replaceable: true }] : [];
  }
  if (keys.every((key) => key != null && FIELD_OPERATIONS.has(key))) {
    return value.properties.flatMap((operation) => (ts.isPropertyAssignment(operation) ? [{ field, property, value: operation.initializer, spread: false, replaceable: false }] : []));
  }
  // A JSON field's object.
  return [{ field, property, value, spread: false, replaceable: false }];
}
