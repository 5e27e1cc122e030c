import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import { getAwaitClassifier, windowKindsOf, type AwaitKind } from '../utils/calls/await-classification.js';
import { callLabel, chainText, kindText } from '../utils/calls/call-labels.js';
import { CodePathEventLog, mergeListeners, type RecordedCodePath } from '../flow/event-log.js';
import { handlersReached, type Handler } from '../flow/exceptions.js';
import { FactTable } from '../flow/facts.js';
import { factSetLattice, withFact, type FactSet } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { skipWrappers } from '../utils/ast/expressions.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { awaitClassificationSchema } from '../utils/plugin/option-schemas.js';
import { takesPessimisticLock } from '../utils/typeorm/entity-flow-summaries.js';
import { getTypeServices } from '../utils/plugin/type-information.js';
import { transactionalDecoratorOf, transactionRunnerNames, transactionRunnerOf } from '../utils/transactions/transaction-scopes.js';
import { classifyTypeormCall } from '../utils/typeorm/typeorm-calls.js';

export interface NoNetworkAwaitInTransactionOptions {
  windowKinds?: AwaitKind[];
  networkModules?: string[];
  localModules?: string[];
}

type Options = [NoNetworkAwaitInTransactionOptions];
type MessageIds = 'networkInTransaction' | 'networkUnderRowLock';

/** What opened a transaction: a callback's `transaction()` call, `@Transactional()`, or `startTransaction()`. */
interface TransactionStart {
  id: number;
  /** `` `manager.transaction()` ``, `` `@Transactional()` on `OrderService.capture` ``. */
  label: string;
  line: number;
  /** For `queryRunner.startTransaction()`: the query runner, as written (`this.queryRunner`). */
  runner?: string;
}

/** A read that takes row locks until its transaction ends. */
interface LockInfo {
  id: number;
  label: string;
  line: number;
  /**
   * TypeORM refuses a pessimistic lock outside a transaction, so such a load proves one is open;
   * raw `SELECT … FOR UPDATE` in autocommit mode only locks for the statement.
   */
  impliesTransaction: boolean;
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
}

const DEFAULT_WINDOW_KINDS: AwaitKind[] = ['network'];

/** `QueryRunner` methods that open or close its transaction. `release()` hands the connection back. */
const RUNNER_STARTS = new Set(['startTransaction']);
const RUNNER_ENDS = new Set(['commitTransaction', 'rollbackTransaction', 'release']);

/** TypeORM reads that run a SELECT, so a lock in their options or query builder is taken by them. */
const LOCKING_READS = new Set([
  'findOne', 'findOneOrFail', 'find', 'findAndCount', 'getOne', 'getOneOrFail', 'getMany', 'getManyAndCount',
  'getRawOne', 'getRawMany', 'getRawAndEntities', 'getCount', 'getExists', 'stream',
]);

const LOCK_MODE = /pessimistic_[a-z_]+|for_no_key_update|for_key_share/;
const SQL_LOCK = /\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i;

const ADVICE =
  'Make the call first, outside the transaction, then write its result in a short transaction with a compare-and-set update (criteria that check the state you read; test `affected`).';

/**
 * Expressions that evaluate to a primitive, a function, an array or an object literal without a
 * `then`: never a promise, whatever the types say.
 */
function cannotBeThenable(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.UpdateExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
      return true;
    case AST_NODE_TYPES.ObjectExpression:
      return node.properties.every(
        (property) =>
          property.type === AST_NODE_TYPES.Property &&
          !property.computed &&
          !(property.key.type === AST_NODE_TYPES.Identifier ? property.key.name === 'then' : property.key.value === 'then'),
      );
    default:
      return false;
  }
}

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
    const log = new CodePathEventLog<HoldEvent>(analyse);

    function analyse(recorded: RecordedCodePath<HoldEvent>): void {
      const events = recorded.allEvents;
      if (!events.some((event) => event.type === 'await')) return;
      // Most functions are callbacks like `(row) => ({ id: row.id })` whose only "await" is a
      // returned value that cannot be a promise. Finding out whether the call they are handed to
      // runs a transaction is a type query; it is only worth asking if something could be reported.
      const reportable = events.some((event) => event.type === 'start' || event.type === 'lock' || (event.type === 'await' && !(event.site.returned && cannotBeThenable(event.site.operand))));
      if (!reportable) return;
      const functionContext = contextOf(recorded.node);
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
      for (const [node, finding] of findings) context.report({ node, messageId: finding.messageId, data: finding.data });
    }

    /**
     * The transaction a whole function runs in: a callback that a transaction runner runs
     * (`manager.transaction(cb)`, a wrapper of the project), or a `@Transactional()` method.
     */
    function contextOf(fn: TSESTree.Node): TransactionStart | undefined {
      if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression) return undefined;
      const parent = fn.parent;
      if (parent.type === AST_NODE_TYPES.CallExpression) {
        const index = parent.arguments.indexOf(fn);
        if (index < 0) return undefined;
        const runner = transactionRunnerOf(checker, tsNode(parent), 0, transactionRunnerNames(services.program));
        if (runner?.callbackIndexes.has(index) !== true) return undefined;
        const call = `\`${callLabel(parent.callee)}()\``;
        const label = runner.chain.length > 1 ? `${call} (${runner.chain.join(' → ')}())` : call;
        return { id: -1, label, line: parent.loc.start.line };
      }
      if (parent.type === AST_NODE_TYPES.MethodDefinition && parent.value === fn && parent.decorators.length > 0) {
        const method = tsNode(parent);
        const decorators = ts.canHaveDecorators(method) ? (ts.getDecorators(method) ?? []) : [];
        const decorator = transactionalDecoratorOf(checker, decorators);
        if (decorator == null) return undefined;
        const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
        return {
          id: -1,
          label: `\`@${expression.getText().replace(/\s+/g, '')}()\` on \`${methodName(parent)}\``,
          line: sourceCode.getLocFromIndex(decorator.getStart()).line,
        };
      }
      return undefined;
    }

    function inspect(site: AwaitSite, state: HoldState, functionContext: TransactionStart | undefined, findings: Map<TSESTree.Node, Finding>): void {
      const existing = findings.get(site.node);
      if (existing?.messageId === 'networkUnderRowLock') return;
      if (site.returned && (!state.has(FUNCTION_TRANSACTION) || !isThenable(site.operand))) return;
      // `await manager.transaction(cb)` nested in another transaction: cb's own awaits are reported.
      const operand = skipWrappers(site.operand, { awaits: false });
      if (operand.type === AST_NODE_TYPES.CallExpression && transactionRunnerOf(checker, tsNode(operand), 0, transactionRunnerNames(services.program)) != null) return;
      const summary = classifier.classifyAwaited(tsNode(site.operand) as ts.Expression);
      const kind = windowKindsOf(summary, windowKinds)[0];
      if (kind == null) return;
      const common = {
        what: site.returned ? 'The promise returned here (the transaction waits for it)' : 'This await',
        kind: kindText(kind),
        chain: chainText(site.operand, summary.get(kind) ?? []),
      };
      const lock = firstLock(state);
      if (lock != null) {
        findings.set(site.node, { messageId: 'networkUnderRowLock', data: { ...common, lock: lock.label, lockLine: String(lock.line) } });
        return;
      }
      if (existing != null) return;
      const start = state.has(FUNCTION_TRANSACTION) ? functionContext : firstRunnerStart(state);
      if (start == null) return;
      findings.set(site.node, { messageId: 'networkInTransaction', data: { ...common, start: start.label, startLine: String(start.line) } });
    }

    function isThenable(node: TSESTree.Node): boolean {
      const type = checker.getTypeAtLocation(tsNode(node));
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
      return type.getProperty('then') != null;
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

    function lockOf(call: TSESTree.CallExpression, method: string): LockInfo | undefined {
      if (method !== 'query' && !LOCKING_READS.has(method)) return undefined;
      const tsCall = tsNode(call);
      // The syntactic test first: most reads take no lock, and then no type query is needed.
      if (method === 'query') {
        const sql = call.arguments[0];
        const text = sql?.type === AST_NODE_TYPES.Literal && typeof sql.value === 'string'
          ? sql.value
          : sql?.type === AST_NODE_TYPES.TemplateLiteral ? sql.quasis.map((quasi) => quasi.value.cooked ?? '').join(' ') : undefined;
        const match = text == null ? null : SQL_LOCK.exec(text);
        if (match == null || classifyTypeormCall(checker, tsCall) == null) return undefined;
        return { id: nextId++, label: `\`${callLabel(call)}\` (${match[0].replace(/\s+/g, ' ').toUpperCase()})`, line: call.loc.start.line, impliesTransaction: false };
      }
      if (!takesPessimisticLock(tsCall) || classifyTypeormCall(checker, tsCall) == null) return undefined;
      const mode = LOCK_MODE.exec(tsCall.getText())?.[0] ?? 'pessimistic';
      return { id: nextId++, label: `\`${callLabel(call)}\` (${mode})`, line: call.loc.start.line, impliesTransaction: true };
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
        if (RUNNER_STARTS.has(method) || RUNNER_ENDS.has(method)) {
          if (classifyTypeormCall(checker, tsNode(node)) == null) return;
          const runner = sourceCode.getText(callee.object).replace(/\s+/g, '');
          if (RUNNER_STARTS.has(method)) {
            const start: TransactionStart = { id: nextId++, label: `\`${callLabel(node)}\``, line: node.loc.start.line, runner };
            log.record({ type: 'start', start });
          } else {
            log.record({ type: 'end', runner });
          }
          return;
        }
        const lock = lockOf(node, method);
        if (lock != null) log.record({ type: 'lock', lock });
      },
    });
  },
});







/** `OrderService.capture` for a class method. */
function methodName(method: TSESTree.MethodDefinition): string {
  const key = method.key;
  const own = !method.computed && key.type === AST_NODE_TYPES.Identifier ? key.name : key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : '…';
  const className = method.parent.parent.id?.name;
  return className == null ? own : `${className}.${own}`;
}

