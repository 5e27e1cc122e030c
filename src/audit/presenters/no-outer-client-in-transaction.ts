import type { OuterClientDetails } from '../../utils/plugin/report-details.js';
import { inlineCode } from '../text.js';
import { reportExcerpt, whereOf } from './shared.js';
import type { FindingInput, PresentedFinding, RulePresenter } from './types.js';

/** A query through the outer client inside an interactive transaction's callback. */
export const noOuterClientInTransactionPresenter: RulePresenter<'no-outer-client-in-transaction'> = {
  section: 'unsafe',
  finding(input: FindingInput<OuterClientDetails>): PresentedFinding {
    const { details, base } = input;
    return {
      risk: 'high',
      riskReason: 'the query escapes the transaction, and waits for a second pooled connection while the transaction holds one',
      title: `${inlineCode(details.client)} used inside ${inlineCode(details.transaction.label)} in ${whereOf(base)}`,
      excerpt: reportExcerpt(input, [details.transaction.line]),
    };
  },
};
