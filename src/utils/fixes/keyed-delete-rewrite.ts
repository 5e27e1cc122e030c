import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { enclosingFunction } from '../ast/functions.js';
import type { EntityMetadata } from '../typeorm/entity-metadata.js';
import { isStateColumn } from '../typeorm/state-columns.js';
import { isNullableColumn } from '../typeorm/writable-columns.js';
import { indentationOf, sitsInStatementList, statementOf, unusedName } from './statement-edits.js';
import { memberText, primaryKeyCriteria, quote, type WriteReceiver } from './update-rewrite.js';

/**
 * `remove(e)` / `softRemove(e)` of an entity loaded before a slow call deletes the row by its key
 * whatever it holds now, on a decision made from the row as it was read. The keyed form repeats
 * that decision in the statement: `delete({ id: e.id, status: e.status })` deletes only while the
 * state (or, without one, the version) is still the one loaded, and `affected` tells.
 */
export interface KeyedDeleteRewrite {
  edits: { range: [number, number]; text: string }[];
  method: 'delete' | 'softDelete';
  /** The columns that must still hold their loaded values. */
  guarded: string[];
}

export interface KeyedDeleteInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  call: TSESTree.CallExpression;
  method: string;
  receiver: WriteReceiver;
  metadata: EntityMetadata;
  entity: TSESTree.Expression;
  /** Fields the code set on the entity before removing it: they no longer hold the loaded value. */
  writtenFields: readonly string[];
}

const NO_STATE_OPTIONS = { stateColumns: [], guardColumns: [] };

export function buildKeyedDeleteRewrite(input: KeyedDeleteInput): KeyedDeleteRewrite | undefined {
  const { sourceCode, call, receiver, metadata, entity } = input;
  const method = input.method === 'remove' ? 'delete' : input.method === 'softRemove' ? 'softDelete' : undefined;
  if (method == null) return undefined;
  const unchanged = metadata.columns.filter((column) => !input.writtenFields.includes(column.propertyName) && !isNullableColumn(column));
  const states = unchanged.filter((column) => isStateColumn(column, NO_STATE_OPTIONS));
  const version = metadata.versionColumn != null && unchanged.includes(metadata.versionColumn) ? [metadata.versionColumn] : [];
  const guards = states.length > 0 ? states : version;
  if (guards.length === 0) return undefined;
  // A statement of its own, awaited, whose result nothing uses: the check goes after it.
  const statement = statementOf(call);
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
  if (enclosingFunction(call)?.async !== true) return undefined;
  const entityText = sourceCode.getText(entity);
  const criteria = primaryKeyCriteria(metadata, entityText, guards.map((column) => [column.propertyName, memberText(entityText, column.propertyName)] as const));
  if (criteria == null) return undefined;
  const guarded = guards.map((column) => column.propertyName);
  const result = unusedName(sourceCode, call, 'result');
  const indent = indentationOf(sourceCode, statement);
  const lines = [
    `const ${result} = await ${method === 'delete' ? receiver.call('delete', [criteria]) : receiver.repositoryCall('softDelete', [criteria])};`,
    `if (!${result}.affected) throw new Error(${quote(`${metadata.className} was changed by another writer since it was loaded: not deleted`)});`,
  ];
  const text = sitsInStatementList(statement) ? lines.join(`\n${indent}`) : `{\n${indent}  ${lines.join(`\n${indent}  `)}\n${indent}}`;
  return { edits: [{ range: statement.range, text }], method, guarded };
}
