import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import type { AwaitSite } from '../entity-flow/entity-events.js';

export type { AwaitSite };

export type Variable = TSESLint.Scope.Variable;

/** Where a variable gets a row, or a value read from one: an awaited call that may read rows. */
export interface ReadSite {
  id: number;
  /** The call awaited (`prisma.wallet.findUnique(…)`, the last call of a select chain). */
  call: TSESTree.CallExpression;
  line: number;
}

/**
 * A use of a tracked variable in the values a call writes: `wallet.balance` (`field` is
 * `balance`), a value copied from a row (`balance`, whose field its binding says), or a spread
 * of the row (`...wallet`).
 */
export interface ValueUse {
  variable: Variable;
  /** The property read (`wallet.balance`); undefined when the variable itself is used. */
  field: string | undefined;
  node: TSESTree.Node;
  spread: boolean;
}

/** A call given values that use tracked variables: possibly a write (resolved when a use is stale). */
export interface WriteCandidate {
  /** The call the values are given to: Prisma's `update(…)`, a builder's `set(…)`, `update(criteria, …)`. */
  call: TSESTree.CallExpression;
  uses: readonly ValueUse[];
}

/**
 * What happens to rows read into variables, in evaluation order, for the flow over one function.
 * A `read` or `alias` with a `field` binds a value copied out of the row (`const { balance } = …`).
 */
export type RowEvent =
  | { type: 'read'; variable: Variable; read: ReadSite; field?: string }
  | { type: 'alias'; variable: Variable; source: Variable; field?: string }
  | { type: 'kill'; variable: Variable }
  /**
   * `x.field = value` on a row: the field holds what the code set from now on, unless the value
   * is computed from rows read (`x.points += 1`, `x.total = x.price * n`): `derived`.
   */
  | { type: 'assign'; variable: Variable; field: string; derived: boolean }
  | { type: 'await'; site: AwaitSite }
  /** A callback created here and handed to a call: it starts in the state it is created in. */
  | { type: 'closure'; fn: TSESTree.Node }
  | { type: 'write'; write: WriteCandidate };
