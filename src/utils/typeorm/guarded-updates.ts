import ts from 'typescript';

import type { ColumnMetadata, EntityMetadata } from './entity-metadata.js';
import { argumentForParameter, criteriaColumns, updatedEntity } from './repository-updates.js';
import { conditionGuards, entityOfReceiver, propertyName, type GuardRole, type StateColumnOptions } from './state-columns.js';
import { classifyTypeormCall } from './typeorm-calls.js';
import { isUpdateQueryBuilderExecute } from './update-query-builders.js';
import { callChain, columnsCheckedByChain } from './where-chains.js';

/**
 * An update whose condition checks a column besides the primary key — a state, the version, or
 * another guard such as `last_message_id` — so that a concurrent change makes it match no row:
 * what it writes and what guards it. Whatever it writes, not only state transitions.
 */
export interface GuardedUpdate {
  metadata: EntityMetadata;
  /** The columns its values set by name. */
  written: ColumnMetadata[];
  guards: { column: ColumnMetadata; role: GuardRole }[];
}

/** `repository.update(criteria, { … })`, `manager.update(E, criteria, { … })`, `E.update(criteria, { … })`. */
export function guardedRepositoryUpdate(checker: ts.TypeChecker, call: ts.CallExpression, options: StateColumnOptions): GuardedUpdate | undefined {
  const typeorm = classifyTypeormCall(checker, call);
  if (typeorm?.kind !== 'atomic-write' || typeorm.method !== 'update') return undefined;
  if (typeorm.api !== 'Repository' && typeorm.api !== 'EntityManager' && typeorm.api !== 'BaseEntity static') return undefined;
  const metadata = updatedEntity(checker, call, typeorm.api);
  const partial = argumentForParameter(checker, call, 'partialEntity');
  const names = criteriaColumns(checker, argumentForParameter(checker, call, 'criteria'));
  if (metadata == null || names == null) return undefined;
  return guardedUpdateOf(metadata, partial, names, options);
}

/** `qb.update(E).set({ … }).where(…).andWhere(…).execute()`; `call` is the `execute()`. */
export function guardedQueryBuilderUpdate(checker: ts.TypeChecker, call: ts.CallExpression, options: StateColumnOptions): GuardedUpdate | undefined {
  const chain = callChain(call.expression);
  const setIndex = chain.findIndex((link) => link.name === 'set');
  const setCall = chain[setIndex];
  if (setCall == null || !isUpdateQueryBuilderExecute(checker, call, chain, setIndex)) return undefined;
  const metadata = entityOfReceiver(checker, setCall.call.expression.expression);
  const names = columnsCheckedByChain(chain);
  if (metadata == null || names == null) return undefined;
  return guardedUpdateOf(metadata, setCall.call.arguments[0], names, options);
}

function guardedUpdateOf(metadata: EntityMetadata, values: ts.Expression | undefined, names: ReadonlySet<string>, options: StateColumnOptions): GuardedUpdate | undefined {
  const guards = conditionGuards(metadata, names, options);
  if (guards.length === 0 || values == null || !ts.isObjectLiteralExpression(values)) return undefined;
  const written: ColumnMetadata[] = [];
  for (const property of values.properties) {
    const name = propertyName(property);
    const column = name == null ? undefined : metadata.byProperty.get(name);
    if (column != null && !written.includes(column)) written.push(column);
  }
  return written.length === 0 ? undefined : { metadata, written, guards };
}
