import ts from 'typescript';

import { skipOuterExpressions } from '../calls/await-classification.js';
import { entityMetadataOfType, type EntityMetadata } from '../typeorm/entity-metadata.js';
import { takesPessimisticLock } from '../typeorm/entity-flow-summaries.js';
import { argumentForParameter, updatedEntity } from '../typeorm/repository-updates.js';
import { entityOfReceiver } from '../typeorm/state-columns.js';
import { classifyTypeormCall } from '../typeorm/typeorm-calls.js';
import { callChain } from '../typeorm/where-chains.js';
import type { RowRead, RowWrite } from './row-model.js';
import { addPropertyEdit, plainWrittenValues } from './written-values.js';

/**
 * TypeORM's single-statement updates in the row model: `update(criteria, values)` on a
 * repository, a manager or an entity class, and a query builder's `.set(values)`. (Its diffing
 * `save()` is no-stale-save's.) The atomic change of a number column is `increment()` /
 * `decrement()`, which write that one column; a compare-and-set repeats the value read in the
 * criteria or an `andWhere()`, and the code checks `affected` (docs/orm-facts.md).
 */

export function typeormRowRead(checker: ts.TypeChecker, call: ts.CallExpression): RowRead | undefined {
  const typeorm = classifyTypeormCall(checker, call);
  if (typeorm?.kind !== 'load' || (typeorm.loadShape !== 'one' && typeorm.loadShape !== 'many') || takesPessimisticLock(call)) return undefined;
  const metadata = entityMetadataOfType(checker, checker.getAwaitedType(checker.getTypeAtLocation(call)) ?? checker.getTypeAtLocation(call));
  return { call, shape: typeorm.loadShape, target: metadata?.className, identityFields: new Set(metadata?.primaryColumns.map((column) => column.propertyName) ?? []) };
}

export function typeormRowWrite(checker: ts.TypeChecker, call: ts.CallExpression): RowWrite | undefined {
  const typeorm = classifyTypeormCall(checker, call);
  if (typeorm == null) return undefined;
  if (typeorm.method === 'set' && typeorm.api === 'UpdateQueryBuilder') return queryBuilderWrite(checker, call);
  if (typeorm.method !== 'update' || typeorm.kind !== 'atomic-write' || typeorm.api.endsWith('QueryBuilder')) return undefined;
  const criteria = argumentForParameter(checker, call, 'criteria');
  const partial = argumentForParameter(checker, call, 'partialEntity');
  const values = partial == null ? undefined : skipOuterExpressions(partial);
  if (criteria == null || values == null || !ts.isObjectLiteralExpression(values)) return undefined;
  const written = plainWrittenValues(values);
  const callee = skipOuterExpressions(call.expression);
  const criteriaObject = skipOuterExpressions(criteria);
  return {
    call,
    target: updatedEntity(checker, call, typeorm.api)?.className,
    values: written,
    conditions: [criteria],
    atomicChange(value, change) {
      const method = change.operator === '+' ? 'increment' : 'decrement';
      const { field } = value;
      const target = typeorm.api === 'EntityManager' ? `${call.arguments[0]?.getText() ?? ''}, ` : '';
      const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression.getText() : undefined;
      const text = `${receiver ?? '…'}.${method}(${target}${criteria.getText()}, '${field}', ${change.amount.getText()})`;
      // `decrement(criteria, 'balance', amount)` writes that one column: a rewrite only when it
      // is the only one written, by a repository or a manager (BaseEntity has no such static).
      const rewritable = receiver != null && written.length === 1 && value.replaceable && (typeorm.api === 'Repository' || typeorm.api === 'EntityManager');
      return { text, edits: rewritable ? [{ range: [call.getStart(), call.getEnd()], text }] : undefined };
    },
    compareAndSet(field, expected) {
      const edit = ts.isObjectLiteralExpression(criteriaObject) ? addPropertyEdit(criteriaObject, field, expected) : undefined;
      return { text: `update({ …, ${field}: ${expected} }, …)`, edits: edit == null ? undefined : [edit] };
    },
  };
}

const WHERE_METHODS: ReadonlySet<string> = new Set(['where', 'andWhere', 'orWhere']);

/** `qb.update(E).set(values).where(…).andWhere(…)`: the statement from its `set()` call. */
function queryBuilderWrite(checker: ts.TypeChecker, set: ts.CallExpression): RowWrite | undefined {
  const values = set.arguments[0] == null ? undefined : skipOuterExpressions(set.arguments[0]);
  if (values == null || !ts.isObjectLiteralExpression(values)) return undefined;
  let statement = set;
  for (let access = statement.parent; ts.isPropertyAccessExpression(access) && access.expression === statement && ts.isCallExpression(access.parent) && access.parent.expression === access; access = statement.parent) {
    statement = access.parent;
  }
  const chain = callChain(statement);
  const wheres = chain.filter((link) => WHERE_METHODS.has(link.name));
  const lastWhere = wheres.at(-1);
  const receiver = ts.isPropertyAccessExpression(set.expression) ? set.expression.expression : undefined;
  const metadata = receiver == null ? undefined : entityOfReceiver(checker, receiver);
  return {
    call: statement,
    target: metadata?.className,
    values: plainWrittenValues(values),
    conditions: wheres.flatMap((link) => [...link.call.arguments]),
    atomicChange(value, change) {
      const column = columnName(metadata, value.field);
      // The amount goes in as a parameter of the builder; the message says what to write.
      return { text: `${value.field}: () => '${column} ${change.operator} :amount'`, edits: undefined };
    },
    compareAndSet(field, expected) {
      const column = columnName(metadata, field);
      const parameter = `${field}Read`;
      const text = `.andWhere('${column} = :${parameter}', { ${parameter}: ${expected} })`;
      // After an `orWhere()` the added condition would bind to its last operand only.
      const editable = lastWhere != null && !wheres.some((link) => link.name === 'orWhere');
      return { text, edits: editable ? [{ range: [lastWhere.call.getEnd(), lastWhere.call.getEnd()], text }] : undefined };
    },
  };
}

function columnName(metadata: EntityMetadata | undefined, field: string): string {
  return metadata?.byProperty.get(field)?.databaseName ?? field;
}

