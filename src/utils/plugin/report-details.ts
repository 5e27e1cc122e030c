import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import type { AwaitKind } from '../calls/await-classification.js';
import type { ColumnKind, ColumnMetadata, EntityMetadata, RelationKind } from '../typeorm/entity-metadata.js';

/**
 * What a report is about, in fields rather than words. ESLint's `LintMessage` carries only the
 * rendered text; a tool that runs the rules in the same process (the `race-guard audit` CLI)
 * installs an observer and receives, for each report, its `data` and these details, keyed by file
 * and position. Without an observer nothing is recorded and rules see their own context unchanged.
 */
export type ReportDetails = StaleSaveDetails;

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

export interface StaleSaveDetails {
  rule: 'no-stale-save';
  variable: string;
  /** Undefined when the saved object's type is not a known entity class. */
  entity?: EntityRef;
  load: { label: string; line: number };
  /** The await that opened the window, what it waits for, and the calls that show why. */
  window: { label: string; line: number; kind: AwaitKind; chain: string[] };
  write: { method: string; line: number };
  writtenFields: { property: string; column?: string }[];
  /** Every field write was a direct `x.field = …` and the entity was handed to no other code. */
  fieldsExact: boolean;
  /** Columns the save writes back stale; undefined when the entity is unknown (every loaded column). */
  columnsAtRisk?: ColumnRef[];
}

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

export type ReportObserver = (report: ObservedReport) => void;

let observer: ReportObserver | undefined;
/** Details handed over just before their report, waiting for it by key. */
const pendingDetails = new Map<string, ReportDetails[]>();

/** Installs (or with `undefined` removes) the observer. Lint with concurrency off: workers have their own module state. */
export function setReportObserver(next: ReportObserver | undefined): void {
  observer = next;
  pendingDetails.clear();
}

type AnyRuleModule = TSESLint.RuleModule<string, readonly unknown[]>;
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
            current({
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
 * Hands the observer the structured facts behind the next report of `messageId` at `node`. The
 * facts are computed only when an observer is installed.
 */
export function recordReportDetails(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  node: TSESTree.Node,
  messageId: string,
  details: () => ReportDetails,
): void {
  if (observer == null) return;
  const key = keyOf(context.filename, messageId, node.loc.start);
  const list = pendingDetails.get(key) ?? [];
  list.push(details());
  pendingDetails.set(key, list);
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
