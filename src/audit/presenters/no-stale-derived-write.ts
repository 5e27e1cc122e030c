import { kindText } from '../../utils/calls/call-labels.js';
import type { StaleDerivedWriteDetails } from '../../utils/plugin/report-details.js';
import type { Risk } from '../report.js';
import { inlineCode } from '../text.js';
import { reportExcerpt, whereOf } from './shared.js';
import type { FindingInput, PresentedFinding, RulePresenter } from './types.js';

const TITLES: Readonly<Record<StaleDerivedWriteDetails['messageId'], string>> = {
  staleDerivedWrite: 'Write derived from a stale row',
  staleSpreadWrite: 'Stale row spread into a write',
  derivedWrite: 'Read-modify-write without a guard',
};

/** A value written from a row read before a window: the read, the window and the write, with the atomic form. */
export const noStaleDerivedWritePresenter: RulePresenter<'no-stale-derived-write'> = {
  section: 'unsafe',
  finding(input: FindingInput<StaleDerivedWriteDetails>): PresentedFinding {
    const { details, base } = input;
    const { window } = details;
    let risk: Risk;
    let riskReason: string;
    if (window == null) {
      risk = 'low';
      riskReason = 'no await separates the read from the write, but another process can change the row in between';
    } else {
      risk = window.kind === 'network' ? 'high' : 'medium';
      riskReason = `${kindText(window.kind)} holds the window open: any change made to the row meanwhile is lost`;
    }
    const subject = details.field === '…' ? inlineCode(`...${details.source}`) : inlineCode(details.field);
    return {
      risk,
      riskReason,
      title: `${TITLES[details.messageId]} (${subject}) in ${whereOf(base)}`,
      excerpt: reportExcerpt(input, [details.read.line, window?.line]),
      load: details.read,
      ...(window == null ? {} : { window: { kind: window.kind, call: window.label, line: window.line, chain: window.chain } }),
      writtenFields: details.field === '…' ? [] : [{ property: details.field }],
    };
  },
};
