import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import type { Handler } from '../../flow/exceptions.js';
import type { AwaitSummary } from '../calls/await-classification.js';
import type { LoaderSummary } from '../typeorm/entity-flow-summaries.js';
import type { LoadedColumnsSpec } from '../typeorm/loaded-columns.js';
import type { TypeormCall } from '../typeorm/typeorm-calls.js';

export type Variable = TSESLint.Scope.Variable;

/**
 * Where code got an entity (or a list of them) as the row was then: a read of the database, or
 * an event's payload, which the publisher read before it published the event.
 */
export type LoadSite = ReadLoadSite | PayloadLoadSite;

interface LoadSiteBase {
  id: number;
  /** The read call, or the parameter (or destructured property) the handler receives it in. */
  node: TSESTree.Node;
  line: number;
  columns: LoadedColumnsSpec;
}

export interface ReadLoadSite extends LoadSiteBase {
  kind: 'read';
  loader: LoaderSummary;
}

export interface PayloadLoadSite extends LoadSiteBase {
  kind: 'event-payload';
  /** The event as a message names it: `the PaymentMethodEvent`, `the 'order.paid' event`. */
  event: string;
  /**
   * Handed over by a request's parameter decorator (`@CurrentUser()`): what its factory returns is
   * not known to be a whole row (an auth strategy may return the token's claims), so no rewrite
   * keyed on its primary key is offered.
   */
  request?: true;
}

/** Where the code waits: an `await`, a `for await` loop, a `.then()` receiver, a saver's own awaits. */
export interface AwaitSite {
  /** Numbered in the order the sites are met: the earliest of equally telling windows is named. */
  id: number;
  node: TSESTree.Node;
  /** The awaited expression; a `for await` loop's iterable. */
  operand: TSESTree.Expression;
  /** The catch clauses and finally blocks an exception here reaches. */
  handlers: readonly Handler[];
  /**
   * Not an `await`: the window a `.then()`/`.catch()`/`.finally()` callback opens on its receiver,
   * which runs once the receiver has settled.
   */
  callback?: 'then' | 'catch' | 'finally';
}

/** A tracked variable a write carries, and the expression that carries it. */
export interface WriteTarget {
  variable: Variable;
  expression: TSESTree.Expression;
  /** Spread into an object literal: `save({ ...conv, snippet })`. */
  viaSpread: boolean;
  /**
   * A relation loaded with the variable's entity (`save(order.customer)`): as old as its owner.
   * `expression` is then the relation's member expression, or the owner itself when a saver of the
   * project takes the owner and writes its relation (`updateRole(order)` saving `order.customer`).
   */
  relation?: string;
}

/** A call that writes a loaded entity back: a diffing write, a project saver, or a closure that does. */
export interface WriteSite {
  call: TSESTree.CallExpression;
  targets: WriteTarget[];
  typeorm?: TypeormCall;
  /** `save()`, or the project function's chain (`UserService.persist() (persist → save())`). */
  method: string;
  /** The TypeORM write it comes down to: `save`, or `remove`/`softRemove`/`recover`, which revert no column. */
  diffingMethod: string;
  /** A window the callee opens itself before it writes (a saver of the project). */
  innerWindow?: { summary: AwaitSummary; label: string };
  /** For a saver of the project: the TypeORM write inside it that the entity reaches. */
  saverWrite?: ts.CallExpression;
  /** For a saver of the project: the fields it sets on the entity before that write (written, not reverted). */
  saverFieldsSet?: readonly string[];
}

/** What happens to loaded entities, in evaluation order, for the flow over a function's code path. */
export type EntityEvent =
  | { type: 'load'; variable: Variable; load: LoadSite }
  | { type: 'alias'; variable: Variable; source: Variable }
  | { type: 'kill'; variable: Variable }
  | { type: 'reload'; variable: Variable }
  | { type: 'await'; site: AwaitSite }
  /**
   * A callback created here and handed to a call (`transaction(cb)`, `promise.then(cb)`): it runs
   * with the state it is created in — after the receiver's window for `.then`.
   */
  | { type: 'closure'; fn: TSESTree.Node; receiverWindow?: AwaitSite }
  | { type: 'write'; write: WriteSite };
