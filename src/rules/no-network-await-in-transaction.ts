import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import { getAwaitClassifier, windowKindsOf, type AwaitKind } from '../utils/calls/await-classification.js';
import { awaitedChain, chainText, kindText } from '../utils/calls/call-labels.js';
import { cannotBeThenable, isKnownThenable } from '../utils/calls/thenables.js';
import { CodePathEventLog, mergeListeners, type RecordedCodePath } from '../flow/event-log.js';
import { handlersReached, type Handler } from '../flow/exceptions.js';
import { FactTable } from '../flow/facts.js';
import { factSetLattice, withFact, type FactSet } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { skipWrappers } from '../utils/ast/expressions.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { awaitClassificationSchema } from '../utils/plugin/option-schemas.js';
import { recordReportDetails, type NetworkAwaitDetails } from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';
import { isTransactionRunnerCall, transactionOfFunction, type FunctionTransaction } from '../utils/transactions/function-transactions.js';
import { runnerTransactionCall } from '../utils/transactions/query-runner-transactions.js';
import { rowLockOf, type RowLock } from '../utils/transactions/row-locks.js';

export interface NoNetworkAwaitInTransactionOptions {
  windowKinds?: AwaitKind[];
  networkModules?: string[];
  localModules?: string[];
}

type Options = [NoNetworkAwaitInTransactionOptions];
/** The reports' message ids, as the contract (report-details) knows them. */
export type MessageIds = NetworkAwaitDetails['messageId'];

/** A query runner's `startTransaction()`; `id` orders the starts of one function. */
interface TransactionStart extends FunctionTransaction {
  id: number;
  /** The query runner, as written (`this.queryRunner`): its end is matched by it. */
  runner: string;
}

/** A read that takes row locks until its transaction ends; `id` orders the locks of one function. */
interface LockInfo extends RowLock {
  id: number;
}

/** An await, a `for await` iterable, or a promise a transaction callback returns (awaited for it). */
interface AwaitSite {
  node: TSESTree.Node;
  /** The awaited expression. */
  operand: TSESTree.Node;
  /** A returned promise: only a transaction callback or `@Transactional()` method waits for it. */
  returned: boolean;
}

type HoldEvent =
  | { type: 'start'; start: TransactionStart }
  | { type: 'end'; runner: string }
  | { type: 'lock'; lock: LockInfo }
  | { type: 'await'; site: AwaitSite }
  /** An await may reject here: these catch clauses start in the current state too. */
  | { type: 'throw-point'; handlers: readonly Handler[] };

/**
 * What may be held at a point: the transaction the whole function runs in, a query runner's
 * transaction, or a row lock — released when the query runner's transaction that took it ends
 * (`owner`), or without one, when the function's transaction ends.
 */
type Hold =
  | { kind: 'function-transaction' }
  | { kind: 'runner-transaction'; start: TransactionStart }
  | { kind: 'row-lock'; lock: LockInfo; owner: TransactionStart | undefined };

type HoldState = FactSet<Hold>;

const FUNCTION_TRANSACTION: Hold = { kind: 'function-transaction' };

interface Finding {
  messageId: MessageIds;
  data: Record<string, string>;
  details: () => NetworkAwaitDetails;
}

const DEFAULT_WINDOW_KINDS: AwaitKind[] = ['network'];

const ADVICE =
  'Make the call first, outside the transaction, then write its result in a short transaction with a compare-and-set update (criteria that check the state you read; test `affected`).';

export default createRule<Options, MessageIds>({
  name: 'no-network-await-in-transaction',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow awaiting a network call while a transaction or a row lock is held',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: awaitClassificationSchema(
          'Which kinds of awaited call are reported while a transaction or row lock is held.',
          'More packages whose calls are local work, never reported.',
        ),
      },
    ],
    defaultOptions: [{ windowKinds: DEFAULT_WINDOW_KINDS, networkModules: [], localModules: [] }],
    messages: {
      networkInTransaction: `{{what}} waits for {{kind}} ({{chain}}) inside the transaction opened by {{start}} at line {{startLine}}. The transaction keeps a pooled connection, and the rows it has written or locked, until the call returns. ${ADVICE}`,
      networkUnderRowLock: `{{what}} waits for {{kind}} ({{chain}}) while the row lock taken by {{lock}} at line {{lockLine}} is held. Other writers of that row wait, and the transaction keeps a pooled connection, until the call returns. ${ADVICE}`,
    },
  },
  create(context, [options]) {
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const classifier = getAwaitClassifier(services.program, {
      networkModules: options.networkModules ?? [],
      localModules: options.localModules ?? [],
    });
    const windowKinds = new Set(options.windowKinds ?? DEFAULT_WINDOW_KINDS);
    const { sourceCode } = context;
    const tsNode = <N extends TSESTree.Node>(node: N) => services.esTreeNodeToTSNodeMap.get(node);

    let nextId = 0;
    const holds = {
      runner: new FactTable((start: TransactionStart): Hold => ({ kind: 'runner-transaction', start })),
      lock: new FactTable((lock: LockInfo, owner: TransactionStart | undefined): Hold => ({ kind: 'row-lock', lock, owner })),
    };
    const log = new CodePathEventLog<HoldEvent>(context.sourceCode.ast, analyse);

    function analyse(recorded: RecordedCodePath<HoldEvent>): void {
      const events = recorded.allEvents;
      if (!events.some((event) => event.type === 'await')) return;
      // Most functions are callbacks like `(row) => ({ id: row.id })` whose only "await" is a
      // returned value that cannot be a promise. Finding out whether the call they are handed to
      // runs a transaction is a type query; it is only worth asking if something could be reported.
      const reportable = events.some((event) => event.type === 'start' || event.type === 'lock' || (event.type === 'await' && !(event.site.returned && cannotBeThenable(event.site.operand))));
      if (!reportable) return;
      const functionContext = transactionOfFunction(services, sourceCode, recorded.node);
      if (functionContext == null && !events.some((event) => event.type === 'start' || event.type === 'lock')) return;
      const initial: HoldState = functionContext == null ? new Set() : new Set([FUNCTION_TRANSACTION]);

      const findings = new Map<TSESTree.Node, Finding>();
      solveFlow<HoldEvent, HoldState>(recorded, {
        lattice: factSetLattice(),
        initial,
        // A transaction is open in a finally block on the paths that complete its try or catch
        // block; ESLint also enters it from their start, as if they threw there, which would only
        // matter when a commit or rollback itself fails.
        finallyEntry: 'completions',
        transfer(state, event, step) {
          switch (event.type) {
            case 'start':
              return withFact(state, holds.runner.of(event.start));
            case 'end':
              return endRunner(state, event.runner);
            case 'lock': {
              if (!event.lock.impliesTransaction && state.size === 0) return state;
              return withFact(state, holds.lock.of(event.lock, latestRunnerStart(state)));
            }
            case 'await':
              if (step.replaying && state.size > 0) inspect(event.site, state, functionContext, findings);
              return state;
            case 'throw-point':
              step.throwTo(event.handlers, state);
              return state;
          }
        },
      });
      for (const [node, finding] of findings) {
        recordReportDetails(context, node, finding.messageId, finding.details);
        context.report({ node, messageId: finding.messageId, data: finding.data });
      }
    }

    function inspect(site: AwaitSite, state: HoldState, functionContext: FunctionTransaction | undefined, findings: Map<TSESTree.Node, Finding>): void {
      const existing = findings.get(site.node);
      if (existing?.messageId === 'networkUnderRowLock') return;
      if (site.returned && (!state.has(FUNCTION_TRANSACTION) || !isKnownThenable(checker, tsNode(site.operand)))) return;
      // `await manager.transaction(cb)` nested in another transaction: cb's own awaits are reported.
      const operand = skipWrappers(site.operand, { awaits: false });
      if (operand.type === AST_NODE_TYPES.CallExpression && isTransactionRunnerCall(services, operand)) return;
      const summary = classifier.classifyAwaited(tsNode(site.operand) as ts.Expression);
      const kind = windowKindsOf(summary, windowKinds)[0];
      if (kind == null) return;
      const chain = summary.get(kind) ?? [];
      const common = {
        what: site.returned ? 'The promise returned here (the transaction waits for it)' : 'This await',
        kind: kindText(kind),
        chain: chainText(site.operand, chain),
      };
      const detailsBase = () => {
        const awaited = awaitedChain(site.operand, chain);
        return {
          rule: 'no-network-await-in-transaction' as const,
          advice: ADVICE,
          awaited: { label: awaited.label, line: site.node.loc.start.line, kind, chain: awaited.chain, returned: site.returned },
        };
      };
      const lock = firstLock(state);
      if (lock != null) {
        findings.set(site.node, {
          messageId: 'networkUnderRowLock',
          data: { ...common, lock: lock.label, lockLine: String(lock.line) },
          details: () => ({ ...detailsBase(), messageId: 'networkUnderRowLock', holder: { kind: 'row-lock', label: lock.call, mode: lock.mode, line: lock.line } }),
        });
        return;
      }
      if (existing != null) return;
      const start = state.has(FUNCTION_TRANSACTION) ? functionContext : firstRunnerStart(state);
      if (start == null) return;
      findings.set(site.node, {
        messageId: 'networkInTransaction',
        data: { ...common, start: start.label, startLine: String(start.line) },
        details: () => ({ ...detailsBase(), messageId: 'networkInTransaction', holder: { kind: 'transaction', label: start.text, line: start.line } }),
      });
    }

    function endRunner(state: HoldState, runner: string): HoldState {
      const next = new Set<Hold>();
      for (const hold of state) {
        const start = hold.kind === 'runner-transaction' ? hold.start : hold.kind === 'row-lock' ? hold.owner : undefined;
        if (start?.runner === runner) continue;
        next.add(hold);
      }
      return next.size === state.size ? state : next;
    }

    function firstLock(state: HoldState): LockInfo | undefined {
      let first: LockInfo | undefined;
      for (const hold of state) if (hold.kind === 'row-lock' && (first == null || hold.lock.id < first.id)) first = hold.lock;
      return first;
    }

    function firstRunnerStart(state: HoldState): TransactionStart | undefined {
      let first: TransactionStart | undefined;
      for (const hold of state) if (hold.kind === 'runner-transaction' && (first == null || hold.start.id < first.id)) first = hold.start;
      return first;
    }

    function latestRunnerStart(state: HoldState): TransactionStart | undefined {
      let latest: TransactionStart | undefined;
      for (const hold of state) if (hold.kind === 'runner-transaction' && (latest == null || hold.start.id > latest.id)) latest = hold.start;
      return latest;
    }

    function recordAwait(node: TSESTree.Node, operand: TSESTree.Node, returned: boolean): void {
      log.record({ type: 'await', site: { node, operand, returned } });
    }

    return mergeListeners(log.listeners(), {
      AwaitExpression(node: TSESTree.AwaitExpression) {
        const handlers = handlersReached(node, 'every-catch');
        if (handlers.length > 0) log.record({ type: 'throw-point', handlers });
      },
      'AwaitExpression:exit'(node: TSESTree.AwaitExpression) {
        recordAwait(node, node.argument, false);
      },
      'VariableDeclaration:exit'(node: TSESTree.VariableDeclaration) {
        const loop = node.parent;
        if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await && loop.left === node) {
          const handlers = handlersReached(loop, 'every-catch');
          if (handlers.length > 0) log.record({ type: 'throw-point', handlers });
          recordAwait(loop.right, loop.right, false);
        }
      },
      'ReturnStatement:exit'(node: TSESTree.ReturnStatement) {
        if (node.argument != null && skipWrappers(node.argument, { awaits: false }).type !== AST_NODE_TYPES.AwaitExpression) recordAwait(node.argument, node.argument, true);
      },
      'ArrowFunctionExpression:exit'(node: TSESTree.ArrowFunctionExpression) {
        if (node.body.type !== AST_NODE_TYPES.BlockStatement && skipWrappers(node.body, { awaits: false }).type !== AST_NODE_TYPES.AwaitExpression) recordAwait(node.body, node.body, true);
      },
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        const callee = node.callee;
        if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return;
        const method = callee.property.name;
        const runnerCall = runnerTransactionCall(services, sourceCode, node, method);
        if (runnerCall?.effect === 'start') {
          const { runner, label, text, line } = runnerCall;
          log.record({ type: 'start', start: { id: nextId++, label, text, line, runner } });
        } else if (runnerCall?.effect === 'end') {
          log.record({ type: 'end', runner: runnerCall.runner });
        } else {
          const lock = rowLockOf(services, node, method);
          if (lock != null) log.record({ type: 'lock', lock: { ...lock, id: nextId++ } });
        }
      },
    });
  },
});
