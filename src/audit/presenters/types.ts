import type { Linter } from 'eslint';

import type { Observation, RuleDetails, RuleName } from '../../utils/plugin/report-details.js';
import type { ProjectIndex } from '../project-index.js';
import type { Finding, SafePattern } from '../report.js';
import type { SourceCache } from '../sources.js';
import type { FindingPlace } from '../writers.js';

/** What every presenter works with: the project index, the audited sources, and how paths are shown. */
export interface PresenterContext {
  index: ProjectIndex;
  sources: SourceCache;
  /** A path relative to the audited directory, with `/` separators. */
  relative: (file: string) => string;
}

/** The fields of a finding every rule's finding has, filled before its presenter runs. */
export type FindingBase = Pick<Finding, 'ruleId' | 'messageId' | 'severity' | 'message' | 'location' | 'function' | 'data'>;

export interface FindingInput<Details> {
  details: Details;
  message: Linter.LintMessage;
  /** The linted file, absolute. */
  file: string;
  /** The file and the function the report is in: not a concurrent writer of itself. */
  place: FindingPlace;
  base: FindingBase;
  context: PresenterContext;
}

/** What a presenter adds to the base: its risk, title and excerpt, and the fields its rule knows. */
export type PresentedFinding = Omit<Finding, keyof FindingBase | 'id' | 'section' | 'recommendation'>;

export type RuleObservation<Rule extends RuleName> = Extract<Observation, { rule: Rule }>;

export interface SafePatternInput<Rule extends RuleName> {
  observation: RuleObservation<Rule>;
  /** The linted file, absolute. */
  file: string;
  context: PresenterContext;
}

/** How one rule's reports, and what it observed, read in the audit. */
export interface RulePresenter<Rule extends RuleName> {
  /** Where its findings go: unsafe patterns, or error handling. */
  section: Finding['section'];
  finding(input: FindingInput<RuleDetails<Rule>>): PresentedFinding;
  /** A safe pattern the rule observed; its id is given once all are sorted. */
  safePattern?(input: SafePatternInput<Rule>): SafePattern | undefined;
}

/** Handlers for each message of a rule, keyed by message id. */
export type MessageHandlers<Details extends { messageId: string }, Result> = {
  readonly [MessageId in Details['messageId']]: (details: Extract<Details, { messageId: MessageId }>) => Result;
};

/** Runs the handler of a payload's message: a typed dispatch on the `messageId` discriminant. */
export function byMessage<Details extends { messageId: string }, Result>(handlers: MessageHandlers<Details, Result>, details: Details): Result {
  const handler = handlers[details.messageId as Details['messageId']] as (details: Details) => Result;
  return handler(details);
}
