import { AST_NODE_TYPES, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { callLabel } from '../calls/call-labels.js';
import { classifyTypeormCall } from '../typeorm/typeorm-calls.js';

/** `QueryRunner` methods that open or close its transaction. `release()` hands the connection back. */
const RUNNER_STARTS: ReadonlySet<string> = new Set(['startTransaction']);
const RUNNER_ENDS: ReadonlySet<string> = new Set(['commitTransaction', 'rollbackTransaction', 'release']);

/**
 * A TypeORM query runner call that opens or closes its transaction. The runner is its receiver as
 * written, without whitespace (`this.queryRunner`): a start and an end are paired by that text,
 * since which runner object a variable holds is not followed.
 */
export type RunnerTransactionCall =
  /** `queryRunner.startTransaction()`, named for a message (`` `queryRunner.startTransaction()` ``). */
  | { effect: 'start'; runner: string; label: string; text: string; line: number }
  | { effect: 'end'; runner: string };

/**
 * What `receiver.method()` does to a query runner's transaction, if it is one of TypeORM's
 * `QueryRunner` methods that open or close it. The name is tested first, so other calls cost no
 * type query.
 */
export function runnerTransactionCall(
  services: ParserServicesWithTypeInformation,
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
  method: string,
): RunnerTransactionCall | undefined {
  const starts = RUNNER_STARTS.has(method);
  if ((!starts && !RUNNER_ENDS.has(method)) || call.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (classifyTypeormCall(services.program.getTypeChecker(), services.esTreeNodeToTSNodeMap.get(call)) == null) return undefined;
  const runner = sourceCode.getText(call.callee.object).replace(/\s+/g, '');
  if (!starts) return { effect: 'end', runner };
  const text = callLabel(call);
  return { effect: 'start', runner, label: `\`${text}\``, text, line: call.loc.start.line };
}
