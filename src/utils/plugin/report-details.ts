import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import type { AwaitKind } from '../calls/await-classification.js';
import type { ColumnKind, ColumnMetadata, EntityMetadata, RelationKind } from '../typeorm/entity-metadata.js';

/*
 * The contract between the rules and the tools that present their reports (the `race-guard audit`
 * CLI). ESLint's `LintMessage` carries only the rendered text; a tool that runs the rules in the
 * same process installs an observer and receives, for every report, its typed `details` — what the
 * report is about, in fields rather than words, with the rule's advice as a sentence of its own —
 * and the rules' `observations`: facts a report does not carry (a lock released in `finally`, a
 * guarded update). Without an observer nothing is computed and rules see their own context unchanged.
 */

// ---- shared shapes ------------------------------------------------------------------------------

export interface EntityRef {
  name: string;
  /** The file declaring the entity class. */
  file: string;
  /** 1-based line of the class declaration. */
  line: number;
}

export interface ColumnRef {
  property: string;
  /** The column name in SQL; for an owning relation, its join column. */
  column: string;
  kind: ColumnKind;
  relationKind?: RelationKind;
  stateLike: boolean;
}

/** A call or statement as the rule's message names it (`this.llm.complete(…)`), and its 1-based line. */
export interface CodeRef {
  label: string;
  line: number;
}

/** An awaited call, what it waits for, and the calls that show why (`LlmClient.complete`, `openai.chat.completions.create`). */
export interface AwaitedCall extends CodeRef {
  kind: AwaitKind;
  chain: string[];
}

/** A column in a condition, and what it guards: the state itself, the version, or another guard column. */
export interface GuardRef {
  property: string;
  column: string;
  role: 'state' | 'version' | 'guard';
}

/** Every payload names its rule and message, and carries the rule's advice: the sentence that ends its message. */
interface DetailsOf<Rule extends string, MessageId extends string> {
  rule: Rule;
  messageId: MessageId;
  advice: string;
}

// ---- no-stale-save ------------------------------------------------------------------------------

/**
 * `staleSave`/`staleRemove`: the entity was read from the database; `…OfEventPayload`: it arrived
 * with an event, and `load` names the event (`the PaymentMethodEvent`) and the handler's parameter.
 */
export interface StaleSaveDetails extends DetailsOf<'no-stale-save', 'staleSave' | 'staleRemove' | 'staleSaveOfEventPayload' | 'staleRemoveOfEventPayload'> {
  variable: string;
  /** Undefined when the saved object's type is not a known entity class. */
  entity?: EntityRef;
  load: CodeRef;
  /** The await that opened the window; `callback` when it is the receiver of a `.then()` (`.catch()`, `.finally()`) callback instead. */
  window: AwaitedCall & { callback?: 'then' | 'catch' | 'finally' };
  write: { method: string; line: number };
  writtenFields: { property: string; column?: string }[];
  /** Every field write was a direct `x.field = …` and the entity was handed to no other code. */
  fieldsExact: boolean;
  /** Written fields set from their own stale value (`x.points += 10`): a concurrent change to them is lost. */
  derivedFields: string[];
  /** Columns the save writes back stale; undefined when the entity is unknown (every loaded column). */
  columnsAtRisk?: ColumnRef[];
}

// ---- no-stale-derived-write ---------------------------------------------------------------------

export interface StaleDerivedWriteDetails extends DetailsOf<'no-stale-derived-write', 'staleDerivedWrite' | 'staleSpreadWrite' | 'derivedWrite'> {
  /** The field written (`…` for a spread of the row). */
  field: string;
  /** What it is written from, as the code says it: `wallet.balance`, `balance`, `wallet` (spread). */
  source: string;
  /** The read of the row: `prisma.wallet.findUnique(…)`. */
  read: CodeRef;
  /** The await between the read and the write; absent when there is none (the `withoutWindow` option). */
  window?: AwaitedCall;
  /** The write: `prisma.wallet.update(…)`, `db.update(…).set(…).where(…)`. */
  write: CodeRef;
  /** The ORM's atomic form of the change, when the value is the field read plus or minus an amount. */
  atomic?: string;
  /** The condition that makes the write a compare-and-set on the value read, when one applies. */
  compareAndSet?: string;
}

// ---- no-network-await-in-transaction ------------------------------------------------------------

interface NetworkAwaitBase<MessageId extends string> extends DetailsOf<'no-network-await-in-transaction', MessageId> {
  /** The awaited call; `returned` when it is a promise a transaction callback returns rather than awaits. */
  awaited: AwaitedCall & { returned: boolean };
}

export type NetworkAwaitDetails =
  | (NetworkAwaitBase<'networkInTransaction'> & {
      /** The transaction held: a runner's callback, a `@Transactional()` method, a query runner's `startTransaction()`. */
      holder: { kind: 'transaction'; label: string; line: number };
    })
  | (NetworkAwaitBase<'networkUnderRowLock'> & {
      /** The read that took the row lock, and its lock mode (`pessimistic_write`, `FOR UPDATE`). */
      holder: { kind: 'row-lock'; label: string; mode: string; line: number };
    });

// ---- no-outer-client-in-transaction -------------------------------------------------------------

export interface OuterClientDetails extends DetailsOf<'no-outer-client-in-transaction', 'outerClientInTransaction'> {
  /** The query made through the outer client: `prisma.wallet.update(…)`. */
  call: CodeRef;
  /** The outer client, as written: `prisma`, `this.db`. */
  client: string;
  /** The call that opened the transaction: `prisma.$transaction()`. */
  transaction: CodeRef;
}

// ---- require-lock-release-in-finally ------------------------------------------------------------

/** What was acquired: a lock service's or package's lock, a PostgreSQL advisory lock, or a TypeORM query runner. */
export type LockResource = 'lock' | 'advisory-lock' | 'query-runner';

export interface LockRef extends CodeRef {
  resource: LockResource;
}

/** The path a leak report names: a `return`, a `throw`, an exception from a call, or the end of the function. */
export type LeakPath =
  | { kind: 'return' | 'throw' | 'end'; line: number }
  | { kind: 'exception'; label: string; line: number };

type LockDetailsOf<MessageId extends string, Extra> = DetailsOf<'require-lock-release-in-finally', MessageId> & { lock: LockRef } & Extra;

export type LockReleaseDetails =
  | LockDetailsOf<'neverReleased', unknown>
  | LockDetailsOf<'notReleasedOnEveryPath' | 'releaseOnlyInTry' | 'releaseOnlyInCatch', { release: CodeRef; path: LeakPath }>
  | LockDetailsOf<'throwBeforeTry', { release: CodeRef; throwing: CodeRef }>
  | LockDetailsOf<
      'releaseWithoutCheck',
      {
        release: CodeRef;
        /** Why the acquisition may have failed unnoticed; `variable` is the unchecked result. */
        unchecked: { kind: 'acquired-inside-try' | 'result-ignored' } | { kind: 'result-unchecked'; variable: string };
      }
    >;

// ---- require-state-guard ------------------------------------------------------------------------

interface StateWrite<MessageId extends string> extends DetailsOf<'require-state-guard', MessageId> {
  entity: EntityRef;
  /** The state column written. */
  column: ColumnRef;
  /** The write: `update()`, `save()`, `This update` (a query builder), and where it starts. */
  write: { method: string; line: number };
}

export type StateGuardDetails =
  | (StateWrite<'unguardedTransition'> & { value?: string; expected?: string })
  | (StateWrite<'checkThenAct'> & { value?: string; expected?: string; check: { text: string; line: number } })
  | (StateWrite<'uncheckedOutcome'> & { guards: GuardRef[] })
  | (StateWrite<'presenceCheckOnly'> & { guards: GuardRef[]; check: { text: string; line: number } })
  | (DetailsOf<'require-state-guard', 'whereOverrides'> & {
      /** The `.where()` that replaces the condition, and the method that keeps it instead. */
      method: string;
      line: number;
      replacement: string;
      replaced: { method: string; text: string; line: number };
      /** The entity the builder works on, and the columns of the dropped condition, when known. */
      entity?: EntityRef;
      droppedColumns: ColumnRef[];
    });

// ---- the contract -------------------------------------------------------------------------------

/** The details of every report of every rule: a union discriminated by `rule`, then `messageId`. */
export type ReportDetails = StaleSaveDetails | StaleDerivedWriteDetails | NetworkAwaitDetails | OuterClientDetails | LockReleaseDetails | StateGuardDetails;

export type RuleName = ReportDetails['rule'];

/** The details of one rule's reports. */
export type RuleDetails<Rule extends RuleName> = Extract<ReportDetails, { rule: Rule }>;

/** What a rule observed besides its reports: the safe patterns a report never shows. */
export type Observation =
  | {
      rule: 'require-lock-release-in-finally';
      kind: 'lock-released-in-finally';
      /** No path leaves the lock held, and it is released in the `finally` of the `try` at `tryLine`. */
      lock: LockRef;
      tryLine: number;
      finallyLine: number;
      release: CodeRef;
    }
  | {
      rule: 'require-state-guard';
      kind: 'guarded-update';
      /** An update whose condition checks a column besides the key, and whose `affected` count is read. */
      entity: EntityRef;
      /** The update call: how messages name it (`update()`, `This update`), where it starts (1-based column) and ends. */
      write: { method: string; line: number; column: number; endLine: number };
      columns: ColumnRef[];
      guards: GuardRef[];
    };

/** One report as the observer sees it. `column` is 1-based, as in ESLint's `LintMessage`. */
export interface ObservedReport {
  filename: string;
  ruleId: string;
  messageId: string;
  line: number;
  column: number;
  data: Readonly<Record<string, string>>;
  details?: ReportDetails;
}

export interface ObservedFact {
  filename: string;
  observation: Observation;
}

export interface ReportObserver {
  report(report: ObservedReport): void;
  observation(fact: ObservedFact): void;
}

let observer: ReportObserver | undefined;
/** Details handed over just before their report, waiting for it by key. */
const pendingDetails = new Map<string, ReportDetails[]>();

/** Installs (or with `undefined` removes) the observer. Lint with concurrency off: workers have their own module state. */
export function setReportObserver(next: ReportObserver | undefined): void {
  observer = next;
  pendingDetails.clear();
}

type AnyRuleModule = TSESLint.RuleModule<string, readonly unknown[]>;
type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
type Position = TSESTree.Position;

/**
 * Wraps a rule so that, while an observer is installed when the rule starts on a file, each of
 * its reports also goes to the observer. The check runs once per file, not per report.
 */
export function observedRule<Rule extends AnyRuleModule>(rule: Rule): Rule {
  return {
    ...rule,
    create(context) {
      const current = observer;
      if (current == null) return rule.create(context);
      const observed = Object.create(context, {
        report: {
          value(descriptor: TSESLint.ReportDescriptor<string>) {
            context.report(descriptor);
            const start = startOf(descriptor);
            if (start == null) return;
            const key = keyOf(context.filename, descriptor.messageId, start);
            const details = pendingDetails.get(key)?.shift();
            current.report({
              filename: context.filename,
              ruleId: context.id,
              messageId: descriptor.messageId,
              line: start.line,
              column: start.column + 1,
              data: Object.fromEntries(Object.entries(descriptor.data ?? {}).map(([name, value]) => [name, String(value)])),
              ...(details == null ? {} : { details }),
            });
          },
        },
      }) as typeof context;
      return rule.create(observed);
    },
  };
}

/**
 * Hands the observer the details of the next report of `messageId` that starts where `at` starts
 * (the report's node, or the start of its `loc`). The details are computed only when an observer
 * is installed; their `messageId` must be the report's.
 */
export function recordReportDetails<Details extends ReportDetails>(
  context: AnyContext,
  at: TSESTree.Node | Position,
  messageId: Details['messageId'],
  details: () => Details,
): void {
  if (observer == null) return;
  const key = keyOf(context.filename, messageId, 'type' in at ? at.loc.start : at);
  const list = pendingDetails.get(key) ?? [];
  list.push(details());
  pendingDetails.set(key, list);
}

/** Hands the observer a fact the rule established in this file; computed only when an observer is installed. */
export function recordObservation(context: AnyContext, observation: () => Observation | undefined): void {
  if (observer == null) return;
  const found = observation();
  if (found != null) observer.observation({ filename: context.filename, observation: found });
}

/**
 * A message template (or the advice that ends one) with its `{{placeholders}}` filled as ESLint
 * fills them, so the advice a payload carries is the sentence the message ends with.
 */
export function fillTemplate(template: string, data: Readonly<Record<string, string>>): string {
  return template.replaceAll(/\{\{([^{}]+?)\}\}/g, (whole, name: string) => data[name.trim()] ?? whole);
}

export function entityRefOf(metadata: EntityMetadata): EntityRef {
  const declaration = metadata.declaration;
  const sourceFile = declaration.getSourceFile();
  return {
    name: metadata.className,
    file: sourceFile.fileName,
    line: sourceFile.getLineAndCharacterOfPosition(declaration.getStart()).line + 1,
  };
}

/** An entity named otherwise than by a TypeORM class: a Prisma model, a drizzle table, by its declaration. */
export function entityRefAt(name: string, declaration: ts.Node): EntityRef {
  const sourceFile = declaration.getSourceFile();
  return { name, file: sourceFile.fileName, line: sourceFile.getLineAndCharacterOfPosition(declaration.getStart()).line + 1 };
}

export function columnRefOf(column: ColumnMetadata): ColumnRef {
  return {
    property: column.propertyName,
    column: column.databaseName,
    kind: column.kind,
    ...(column.relationKind == null ? {} : { relationKind: column.relationKind }),
    stateLike: column.isStateLike,
  };
}

function startOf(descriptor: TSESLint.ReportDescriptor<string>): Position | undefined {
  if ('node' in descriptor) return descriptor.node.loc.start;
  const loc = descriptor.loc;
  return 'start' in loc ? loc.start : loc;
}

function keyOf(filename: string, messageId: string, start: Position): string {
  return `${filename}\0${messageId}\0${String(start.line)}:${String(start.column)}`;
}
