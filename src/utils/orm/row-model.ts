import type ts from 'typescript';

import type { TextEdit } from './text-edits.js';

/**
 * One model of reads and writes of rows, whichever ORM the code uses. Each ORM has a recogniser
 * (prisma-rows.ts, drizzle-rows.ts, typeorm-rows.ts) that answers in these terms, and rules ask
 * rows.ts, never a recogniser: what they say and fix comes from here, in the ORM's own forms,
 * without a rule knowing which ORM it was. The facts behind each form are in docs/orm-facts.md.
 */

/** A read that returns rows (one, or a list). */
export interface RowRead {
  /** The call that reads: what is awaited. */
  call: ts.CallExpression;
  shape: 'one' | 'many';
  /** The model, table or entity read, when known: a write of the same one writes such rows. */
  target: string | undefined;
  /**
   * Fields that name the row (its primary key, Prisma's unique fields): their value read earlier
   * is still the row's, so a write that uses it derives nothing from a stale row.
   */
  identityFields: ReadonlySet<string>;
}

/** How a written value changes a numeric column from the value read: `balance - amount`. */
export interface RelativeChange {
  operator: '+' | '-';
  /** The amount, as written. */
  amount: ts.Expression;
}

/** One field a write sets, and the expression it writes. */
export interface WrittenValue {
  field: string;
  /** The property of the values object (`balance: wallet.balance - amount`). */
  property: ts.ObjectLiteralElementLike;
  /** The value written; for a spread (`...wallet`), what is spread. */
  value: ts.Expression;
  spread: boolean;
  /**
   * Whether `value` is the plain new value of the column, which a change relative to its current
   * value may replace (not an operation like Prisma's `{ increment }`, nor a relation write).
   */
  replaceable: boolean;
}

/** A rewrite a write offers: what to show in a message and the edits, when it can make them. */
export interface WriteRewrite {
  text: string;
  edits: TextEdit[] | undefined;
}

/** A statement that writes given values to rows. */
export interface RowWrite {
  /** The statement's outermost call: what is awaited. */
  call: ts.CallExpression;
  /** The model, table or entity written, when known (compared with a read's). */
  target: string | undefined;
  values: readonly WrittenValue[];
  /** What selects the rows written: a field of a row read earlier in here is a compare-and-set on it. */
  conditions: readonly ts.Expression[];
  /** The ORM's form of `change` applied by the database to `field`, replacing `value.value`. */
  atomicChange(value: WrittenValue, change: RelativeChange): WriteRewrite | undefined;
  /** The write made to apply only while `field` still holds `expected` (its value as read). */
  compareAndSet(field: string, expected: string): WriteRewrite | undefined;
  /**
   * What the write says about the rows' state machine, for ORMs whose columns are read from the
   * write's types (Prisma, drizzle); TypeORM's state columns come from its entity metadata.
   */
  state?: StateSupport;
}

/** The types and condition a state transition is judged by, and how its outcome is learnt. */
export interface StateSupport {
  /** The model's or table's declaration, which reports name. */
  declaration: ts.Node | undefined;
  /** The type of the values a field of the rows holds. */
  fieldType(field: string): ts.Type | undefined;
  /** The fields the write's condition checks; undefined when the condition cannot be read. */
  conditionFields: ReadonlySet<string> | undefined;
  /** The fields that name one row (the primary key, Prisma's unique fields); empty when unknown. */
  keyFields: ReadonlySet<string>;
  outcome: WriteOutcome;
}

/** How code learns whether a write matched a row. */
export interface WriteOutcome {
  /** What to check, as advice says it: `` `count` ``, `` the length of `.returning()` ``. */
  check: string;
  /** A statement that checks it: `if (count === 0) return;`. */
  example: string;
  /** The write throws when its condition matches no row (Prisma's `update`): nothing more to check. */
  throwsWhenMissed: boolean;
}
