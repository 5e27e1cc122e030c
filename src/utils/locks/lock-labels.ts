import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { labelOf, type LabelStyle } from '../calls/call-labels.js';
import { sqlFreesAdvisoryLock } from './advisory-locks.js';

/** Lock messages name statements as written, so the user can find them: `await lock?.release()`. */
const LOCK_LABEL: LabelStyle = { optionalChains: true, awaits: true };

/** An acquisition, a release or a throwing statement, as a lock message names it. */
export function lockLabel(node: TSESTree.Node): string {
  return labelOf(node, LOCK_LABEL);
}

/** `qr.query(pg_advisory_lock…)` for an advisory lock, whose SQL is what tells it apart. */
export function acquisitionLabel(call: TSESTree.CallExpression, advisory: boolean): string {
  if (!advisory) return lockLabel(call);
  return `${lockLabel(call.callee)}(pg_advisory_lock…)`;
}

/** `qr.query(pg_advisory_unlock…)` for an advisory unlock, the call itself otherwise. */
export function releaseLabel(call: TSESTree.CallExpression): string {
  if (call.callee.type === AST_NODE_TYPES.MemberExpression && sqlFreesAdvisoryLock(call)) {
    return `${lockLabel(call.callee)}(pg_advisory_unlock…)`;
  }
  return lockLabel(call);
}
