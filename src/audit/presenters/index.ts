import type { Observation, ReportDetails, RuleDetails, RuleName } from '../../utils/plugin/report-details.js';
import type { Finding, SafePattern } from '../report.js';
import { noNetworkAwaitInTransactionPresenter } from './no-network-await-in-transaction.js';
import { noOuterClientInTransactionPresenter } from './no-outer-client-in-transaction.js';
import { noStaleDerivedWritePresenter } from './no-stale-derived-write.js';
import { noStaleSavePresenter } from './no-stale-save.js';
import { requireLockReleaseInFinallyPresenter } from './require-lock-release-in-finally.js';
import { requireStateGuardPresenter } from './require-state-guard.js';
import type { FindingInput, PresentedFinding, PresenterContext, RuleObservation, RulePresenter } from './types.js';

/**
 * The registry: one presenter per rule, keyed by the `rule` discriminant of the rules' typed
 * details (src/utils/plugin/report-details.ts). A rule added to the contract without a presenter
 * here does not type-check.
 */
const PRESENTERS: { readonly [Rule in RuleName]: RulePresenter<Rule> } = {
  'no-network-await-in-transaction': noNetworkAwaitInTransactionPresenter,
  'no-outer-client-in-transaction': noOuterClientInTransactionPresenter,
  'no-stale-derived-write': noStaleDerivedWritePresenter,
  'no-stale-save': noStaleSavePresenter,
  'require-lock-release-in-finally': requireLockReleaseInFinallyPresenter,
  'require-state-guard': requireStateGuardPresenter,
};

export function sectionOf(details: ReportDetails): Finding['section'] {
  return PRESENTERS[details.rule].section;
}

export function presentFinding(details: ReportDetails, input: Omit<FindingInput<never>, 'details'>): PresentedFinding {
  return presentWith(details.rule, details, input);
}

function presentWith<Rule extends RuleName>(rule: Rule, details: RuleDetails<Rule>, input: Omit<FindingInput<never>, 'details'>): PresentedFinding {
  const presenter: RulePresenter<Rule> = PRESENTERS[rule];
  return presenter.finding({ ...input, details });
}

/** What a rule observed, as a safe pattern, by the presenter of the rule that observed it. */
export function presentSafePattern(observation: Observation, file: string, context: PresenterContext): SafePattern | undefined {
  return safePatternWith(observation.rule, observation, file, context);
}

function safePatternWith<Rule extends RuleName>(rule: Rule, observation: RuleObservation<Rule>, file: string, context: PresenterContext): SafePattern | undefined {
  const presenter: RulePresenter<Rule> = PRESENTERS[rule];
  return presenter.safePattern?.({ observation, file, context });
}
