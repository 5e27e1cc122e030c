import type { TSESTree } from '@typescript-eslint/utils';

import { tryPartsAround } from '../../flow/exceptions.js';
import { isInside } from '../ast/expressions.js';
import { codePathOwnerOf } from '../ast/functions.js';
import type { Acquisition } from './lock-acquisitions.js';

// Where an acquisition's releases sit among the `try` statements of its function.

/** The `try` whose `finally` holds `node`, in the same function. */
export function finallyTryAround(node: TSESTree.Node): TSESTree.TryStatement | undefined {
  return tryPartsAround(node).find((entry) => entry.part === 'finalizer')?.tryStatement;
}

/** Whether the `finally` of `tryStatement` releases the acquisition, from the acquiring function itself. */
export function finallyReleases(tryStatement: TSESTree.TryStatement, acquisition: Acquisition): boolean {
  const finalizer = tryStatement.finalizer;
  return finalizer != null && acquisition.releases.some((release) => isInside(release, finalizer) && codePathOwnerOf(release) === acquisition.fn);
}

/** The release in the `finally` of the first `try` that starts after the acquisition, and that `try`. */
export function firstFinallyRelease(acquisition: Acquisition): { call: TSESTree.CallExpression; tryStatement: TSESTree.TryStatement } | undefined {
  return acquisition.releases
    .map((call) => ({ call, tryStatement: finallyTryAround(call) }))
    .filter((entry): entry is { call: TSESTree.CallExpression; tryStatement: TSESTree.TryStatement } => entry.tryStatement != null && entry.tryStatement.range[0] > acquisition.call.range[1])
    .sort((a, b) => a.tryStatement.range[0] - b.tryStatement.range[0])[0];
}

/**
 * `block` when every release is directly in a `try` block, `handler` when every one is directly in
 * a `catch` clause (by its innermost `try`), undefined otherwise.
 */
export function releasesOnlyIn(acquisition: Acquisition): 'block' | 'handler' | undefined {
  const parts = acquisition.releases.map((call) => tryPartsAround(call)[0]?.part);
  if (parts.every((part) => part === 'block')) return 'block';
  if (parts.every((part) => part === 'handler')) return 'handler';
  return undefined;
}
