import { kindText } from '../../utils/calls/call-labels.js';
import type { NetworkAwaitDetails } from '../../utils/plugin/report-details.js';
import { transactionDiagram } from '../mermaid.js';
import type { Risk } from '../report.js';
import { participantOf, reportExcerpt, whereOf } from './shared.js';
import type { RulePresenter } from './types.js';

type Holder = NetworkAwaitDetails['holder']['kind'];

const TITLES: Readonly<Record<Holder, string>> = {
  transaction: 'Network call inside a transaction',
  'row-lock': 'Network call under a row lock',
};
const RISKS: Readonly<Record<Holder, { risk: Risk; reason: string }>> = {
  transaction: { risk: 'medium', reason: 'the transaction holds a pooled connection, and any rows it wrote, for the whole network call' },
  'row-lock': { risk: 'high', reason: 'other writers of the locked row wait for the whole network call' },
};

/** A slow call awaited while a transaction or a row lock is held. */
export const noNetworkAwaitInTransactionPresenter: RulePresenter<'no-network-await-in-transaction'> = {
  section: 'unsafe',
  finding(input) {
    const { details, base } = input;
    const { awaited, holder } = details;
    const held = holder.kind === 'row-lock' ? `row lock by ${holder.label} (${holder.mode}, line ${String(holder.line)})` : `BEGIN: ${holder.label} (line ${String(holder.line)})`;
    return {
      risk: RISKS[holder.kind].risk,
      riskReason: RISKS[holder.kind].reason,
      title: `${TITLES[holder.kind]} in ${whereOf(base)}`,
      excerpt: reportExcerpt(input, [holder.line]),
      window: { kind: awaited.kind, call: awaited.label, line: awaited.line, chain: awaited.chain },
      holder,
      diagram: transactionDiagram({
        functionName: participantOf(base),
        holder: held,
        call: `await ${awaited.label} (line ${String(awaited.line)})`,
        chain: awaited.chain,
        kindText: kindText(awaited.kind),
      }),
    };
  },
};
