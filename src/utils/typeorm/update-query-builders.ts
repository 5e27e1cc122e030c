import type ts from 'typescript';

import { classifyTypeormCall } from './typeorm-calls.js';
import type { ChainLink } from './where-chains.js';

/** Methods of `UpdateQueryBuilder` (and `QueryBuilder`) that return the builder itself. */
const BUILDER_RETURNING_METHODS: ReadonlySet<string> = new Set([
  'where', 'andWhere', 'orWhere', 'whereInIds', 'andWhereInIds', 'orWhereInIds', 'whereEntity', 'set',
  'output', 'returning', 'orderBy', 'addOrderBy', 'limit', 'updateEntity', 'callListeners', 'useTransaction',
  'setParameter', 'setParameters', 'setNativeParameters', 'comment', 'setQueryRunner', 'printSql', 'disableEscaping',
]);

/**
 * Whether `….set(v).where(…).andWhere(…).execute()` executes the `UpdateQueryBuilder` whose
 * `set()` it calls: it does when every call after `set()` is one of its methods that return the
 * builder. Asking that of `set()` needs only its receiver's type; asking it of `execute()` would
 * type-check `set()`'s values against the entity's deep-partial type, the costliest step of the
 * chain. `chain` is the receiver of `execute` (see `callChain`), `setIndex` where `set()` is in it.
 */
export function isUpdateQueryBuilderExecute(
  checker: ts.TypeChecker,
  execute: ts.CallExpression,
  chain: readonly ChainLink[],
  setIndex: number,
): boolean {
  const setCall = chain[setIndex];
  if (setCall != null && chain.slice(setIndex + 1).every((link) => BUILDER_RETURNING_METHODS.has(link.name))) {
    const set = classifyTypeormCall(checker, setCall.call);
    return set?.api === 'UpdateQueryBuilder' && set.method === 'set';
  }
  const typeorm = classifyTypeormCall(checker, execute);
  return typeorm?.kind === 'atomic-write' && typeorm.api === 'UpdateQueryBuilder';
}
