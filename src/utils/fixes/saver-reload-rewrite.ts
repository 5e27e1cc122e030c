import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { endOfExitingBlock } from '../ast/exiting-blocks.js';
import { isInside } from '../ast/expressions.js';
import { enclosingFunction } from '../ast/functions.js';
import type { Variable } from '../entity-flow/entity-events.js';

/**
 * A stale entity handed to the project's own saver (`GiftService.process(giftFlow)`, whose body
 * changes it and calls `save()`), where this code changes nothing itself and the slow call came
 * before the hand-off: the saver gets the row re-loaded by its primary key right there, so what
 * it changes and saves starts from the row as it is then. The saver itself — in another file, or
 * shared by other callers — is left as it is.
 */
export interface SaverReloadRewriteInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  /** The call of the saver. */
  call: TSESTree.CallExpression;
  /** The entity as the call passes it. */
  entity: TSESTree.Expression;
  /** Its names: none may be used after the call, which would see the old object… */
  aliases: readonly Variable[];
  /** …except to read its primary key, which the re-loaded row shares. */
  primaryKeys: ReadonlySet<string>;
  /** The re-load, without `await`: `repo.findOneByOrFail({ id: giftFlow.id })`. */
  reload: string;
}

const LOOPS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement,
  AST_NODE_TYPES.DoWhileStatement,
]);

/** `saver(giftFlow)` → `saver(await repo.findOneByOrFail({ id: giftFlow.id }))`. */
export function buildSaverReloadRewrite(input: SaverReloadRewriteInput): { edits: { range: [number, number]; text: string }[] } | undefined {
  const { call, entity, aliases } = input;
  if (entity.type !== AST_NODE_TYPES.Identifier || !call.arguments.includes(entity)) return undefined;
  const fn = enclosingFunction(call);
  if (fn?.async !== true) return undefined;
  // After the call the code would hold the object as loaded, not the one the saver changed.
  const reachableEnd = endOfExitingBlock(call) ?? Number.POSITIVE_INFINITY;
  for (const alias of aliases) {
    for (const reference of alias.references) {
      const at = reference.identifier.range[0];
      if (at >= call.range[1] && at < reachableEnd && !readsPrimaryKey(reference.identifier, input.primaryKeys)) return undefined;
    }
    // In a loop the variable outlives, a later turn would reach the old object again.
    const declared = alias.defs[0]?.node;
    if (declared == null) return undefined;
    for (let current: TSESTree.Node | undefined = call.parent; current != null && current !== fn; current = current.parent) {
      if (LOOPS.has(current.type) && !isInside(declared, current)) return undefined;
    }
  }
  return { edits: [{ range: entity.range, text: `await ${input.reload}` }] };
}

/** `giftFlow.id`, read. */
function readsPrimaryKey(identifier: TSESTree.Identifier | TSESTree.JSXIdentifier, primaryKeys: ReadonlySet<string>): boolean {
  const parent = identifier.parent;
  if (parent.type !== AST_NODE_TYPES.MemberExpression || parent.object !== identifier || parent.computed || parent.property.type !== AST_NODE_TYPES.Identifier) return false;
  if (!primaryKeys.has(parent.property.name)) return false;
  const user = parent.parent;
  return !((user.type === AST_NODE_TYPES.AssignmentExpression && user.left === parent) || user.type === AST_NODE_TYPES.UpdateExpression);
}
