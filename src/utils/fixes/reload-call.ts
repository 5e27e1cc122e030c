import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { EntityMetadata } from '../typeorm/entity-metadata.js';
import type { TypeormCall } from '../typeorm/typeorm-calls.js';
import { primaryKeyCriteria, writeReceiverOf } from './update-rewrite.js';

export interface ReloadCallInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  /** The TypeORM read that loaded the entity, and what it is. */
  load: TSESTree.CallExpression;
  typeorm: TypeormCall;
  metadata: EntityMetadata;
  /** The entity as the re-load names it: its primary key is read from it. */
  entityText: string;
  /** Whether the entity class is reachable by its name where the re-load goes. */
  classNameInScope: boolean;
  /** The load's own `relations` option text, repeated so the re-load joins the same relations. */
  relations?: string;
}

/**
 * The same row read again, from where the code loaded it, by the entity's primary key, without
 * `await`: `repo.findOneByOrFail({ id: order.id })`, `manager.findOneByOrFail(Order, { id: … })`,
 * `Order.findOneByOrFail({ id: … })` for an Active Record class, or `findOneOrFail({ where, relations })`
 * when relations are repeated. `OrFail`: a row deleted meanwhile throws rather than reads as nothing.
 * Only when the receiver can be written again without running anything twice.
 */
export function reloadCallText(input: ReloadCallInput): string | undefined {
  const { load, typeorm, metadata, relations } = input;
  const criteria = primaryKeyCriteria(metadata, input.entityText);
  if (typeorm.kind !== 'load' || criteria == null) return undefined;
  const [method, args] = relations == null ? ['findOneByOrFail', [criteria]] : ['findOneOrFail', [`{ where: ${criteria}, relations: ${relations} }`]];
  if (typeorm.api === 'BaseEntity static') {
    // `Project.find(…)`: the class loads again by its own static.
    const callee = load.callee;
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Identifier) return undefined;
    return `${callee.object.name}.${method}(${args.join(', ')})`;
  }
  const receiver = writeReceiverOf({ sourceCode: input.sourceCode, call: load, typeorm, metadata, classNameInScope: input.classNameInScope });
  if (receiver?.repeatable !== true) return undefined;
  return receiver.repositoryCall(method, args);
}
