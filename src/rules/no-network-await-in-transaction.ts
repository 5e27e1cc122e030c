import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import { getAwaitClassifier, windowKindsOf, type AwaitKind } from '../utils/await-classification.js';
import { callLabel, chainText, kindText } from '../utils/call-labels.js';
import { CodePathEventLog, solveForward, type RecordedCodePath } from '../utils/code-path-events.js';
import { createRule } from '../utils/create-rule.js';
import { awaitClassificationSchema } from '../utils/option-schemas.js';
import { takesPessimisticLock } from '../utils/entity-flow-summaries.js';
import { getTypeServices } from '../utils/type-information.js';
import { transactionalDecoratorOf, transactionRunnerNames, transactionRunnerOf } from '../utils/transaction-scopes.js';
import { classifyTypeormCall } from '../utils/typeorm-calls.js';

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
  /** An await may reject here: the catch clauses of these `try`s start in the current state too. */
  | { type: 'throw-point'; tries: readonly TSESTree.TryStatement[] }
  | { type: 'handler-entry'; tryStatement: TSESTree.TryStatement }
  /** The end of a try block or of its catch clause: the state its `finally` block continues with. */
  | { type: 'try-exit'; tryStatement: TSESTree.TryStatement }
  | { type: 'finally-entry'; tryStatement: TSESTree.TryStatement };

/**
 * What is held on some path to a point: `C` (the whole function runs in a transaction), `Q<start>`
 * (a query runner's transaction is open), `L<lock>:<start>` (a row lock, released when that query
 * runner's transaction ends; no start: held until the function's transaction ends).
 */
type HoldState = ReadonlySet<string>;

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
    const starts = new Map<number, TransactionStart>();
    const locks = new Map<number, LockInfo>();
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
      const initial: HoldState = functionContext == null ? new Set() : new Set(['C']);

      const findings = new Map<TSESTree.Node, Finding>();
      const pendingHandlers = new Map<TSESTree.TryStatement, HoldState>();
      const finallyEntries = new Map<TSESTree.TryStatement, HoldState>();
      let reporting = false;
      const transfer = (state: HoldState, event: HoldEvent): HoldState => {
        switch (event.type) {
          case 'start':
            return withToken(state, `Q${String(event.start.id)}`);
          case 'end':
            return endRunner(state, event.runner);
          case 'lock': {
            if (!event.lock.impliesTransaction && state.size === 0) return state;
            const owner = latestRunnerStart(state);
            return withToken(state, `L${String(event.lock.id)}:${owner == null ? '' : String(owner)}`);
          }
          case 'await':
            if (reporting && state.size > 0) inspect(event.site, state, functionContext, findings);
            return state;
          case 'throw-point':
            for (const tryStatement of event.tries) {
              const before = pendingHandlers.get(tryStatement);
              pendingHandlers.set(tryStatement, before == null ? state : union(before, state));
            }
            return state;
          case 'handler-entry': {
            const pending = pendingHandlers.get(event.tryStatement);
            return pending == null ? state : union(state, pending);
          }
          case 'try-exit': {
            const before = finallyEntries.get(event.tryStatement);
            finallyEntries.set(event.tryStatement, before == null ? state : union(before, state));
            return state;
          }
          case 'finally-entry':
            // ESLint also enters a finally block from the start of its try and catch blocks (as if
            // they threw there). A transaction is open on those paths only when a commit or rollback
            // itself fails: the finally block is judged by the paths that complete its try or catch.
            return finallyEntries.get(event.tryStatement) ?? state;
        }
      };
      let entries = solveForward<HoldEvent, HoldState>(recorded, initial, transfer, union, setsEqual);
      // States handed to catch and finally blocks feed back into the solution: re-solve until they settle.
      for (let round = 0; round < 4 && pendingHandlers.size + finallyEntries.size > 0; round++) {
        const settled = [new Map(pendingHandlers), new Map(finallyEntries)] as const;
        entries = solveForward<HoldEvent, HoldState>(recorded, initial, transfer, union, setsEqual);
        if (sameStates(settled[0], pendingHandlers) && sameStates(settled[1], finallyEntries)) break;
      }
      reporting = true;
      for (const [segment, entry] of entries) {
        let state = entry;
        for (const event of recorded.eventsBySegment.get(segment) ?? []) state = transfer(state, event);
      }
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
      if (site.returned && (!state.has('C') || !isThenable(site.operand))) return;
      // `await manager.transaction(cb)` nested in another transaction: cb's own awaits are reported.
      const operand = unwrap(site.operand);
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
      const start = state.has('C') ? functionContext : firstRunnerStart(state);
      if (start == null) return;
      findings.set(site.node, { messageId: 'networkInTransaction', data: { ...common, start: start.label, startLine: String(start.line) } });
    }

    function isThenable(node: TSESTree.Node): boolean {
      const type = checker.getTypeAtLocation(tsNode(node));
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
      return type.getProperty('then') != null;
    }

    function endRunner(state: HoldState, runner: string): HoldState {
      const next = new Set<string>();
      for (const token of state) {
        const startId = token.startsWith('Q') ? token.slice(1) : token.startsWith('L') ? token.split(':')[1] : undefined;
        if (startId != null && startId !== '' && starts.get(Number(startId))?.runner === runner) continue;
        next.add(token);
      }
      return next.size === state.size ? state : next;
    }

    function firstLock(state: HoldState): LockInfo | undefined {
      const ids = [...state].filter((token) => token.startsWith('L')).map((token) => Number(token.slice(1).split(':')[0]));
      return ids.length === 0 ? undefined : locks.get(Math.min(...ids));
    }

    function firstRunnerStart(state: HoldState): TransactionStart | undefined {
      const ids = runnerStartIds(state);
      return ids.length === 0 ? undefined : starts.get(Math.min(...ids));
    }

    function latestRunnerStart(state: HoldState): number | undefined {
      const ids = runnerStartIds(state);
      return ids.length === 0 ? undefined : Math.max(...ids);
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

    return {
      ...log.listeners(),
      AwaitExpression(node: TSESTree.AwaitExpression) {
        const tries = enclosingTries(node);
        if (tries.length > 0) log.record({ type: 'throw-point', tries });
      },
      'AwaitExpression:exit'(node: TSESTree.AwaitExpression) {
        recordAwait(node, node.argument, false);
      },
      'VariableDeclaration:exit'(node: TSESTree.VariableDeclaration) {
        const loop = node.parent;
        if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await && loop.left === node) {
          const tries = enclosingTries(loop);
          if (tries.length > 0) log.record({ type: 'throw-point', tries });
          recordAwait(loop.right, loop.right, false);
        }
      },
      'ReturnStatement:exit'(node: TSESTree.ReturnStatement) {
        if (node.argument != null && unwrap(node.argument).type !== AST_NODE_TYPES.AwaitExpression) recordAwait(node.argument, node.argument, true);
      },
      'ArrowFunctionExpression:exit'(node: TSESTree.ArrowFunctionExpression) {
        if (node.body.type !== AST_NODE_TYPES.BlockStatement && unwrap(node.body).type !== AST_NODE_TYPES.AwaitExpression) recordAwait(node.body, node.body, true);
      },
      CatchClause(node: TSESTree.CatchClause) {
        log.record({ type: 'handler-entry', tryStatement: node.parent });
      },
      'CatchClause:exit'(node: TSESTree.CatchClause) {
        if (node.parent.finalizer != null) log.record({ type: 'try-exit', tryStatement: node.parent });
      },
      BlockStatement(node: TSESTree.BlockStatement) {
        if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.finalizer === node) {
          log.record({ type: 'finally-entry', tryStatement: node.parent });
        }
      },
      'BlockStatement:exit'(node: TSESTree.BlockStatement) {
        if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.block === node && node.parent.finalizer != null) {
          log.record({ type: 'try-exit', tryStatement: node.parent });
        }
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
            starts.set(start.id, start);
            log.record({ type: 'start', start });
          } else {
            log.record({ type: 'end', runner });
          }
          return;
        }
        const lock = lockOf(node, method);
        if (lock != null) {
          locks.set(lock.id, lock);
          log.record({ type: 'lock', lock });
        }
      },
    };
  },
});

function runnerStartIds(state: HoldState): number[] {
  return [...state].filter((token) => token.startsWith('Q')).map((token) => Number(token.slice(1)));
}

function withToken(state: HoldState, token: string): HoldState {
  if (state.has(token)) return state;
  return new Set([...state, token]);
}

function union(a: HoldState, b: HoldState): HoldState {
  if (b.size === 0 || a === b) return a;
  if (a.size === 0) return b;
  const next = new Set(a);
  for (const token of b) next.add(token);
  return next.size === a.size ? a : next;
}

function sameStates<K>(a: ReadonlyMap<K, HoldState>, b: ReadonlyMap<K, HoldState>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, state] of a) {
    const other = b.get(key);
    if (other == null || !setsEqual(state, other)) return false;
  }
  return true;
}

function setsEqual(a: HoldState, b: HoldState): boolean {
  if (a.size !== b.size) return false;
  for (const token of a) if (!b.has(token)) return false;
  return true;
}

function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion ||
    current.type === AST_NODE_TYPES.ChainExpression
  ) {
    current = current.expression;
  }
  return current;
}

/** `OrderService.capture` for a class method. */
function methodName(method: TSESTree.MethodDefinition): string {
  const key = method.key;
  const own = !method.computed && key.type === AST_NODE_TYPES.Identifier ? key.name : key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : '…';
  const className = method.parent.parent.id?.name;
  return className == null ? own : `${className}.${own}`;
}

/** `try { … await … } catch`: the try statements whose catch clause an await there can reach. */
function enclosingTries(node: TSESTree.Node): TSESTree.TryStatement[] {
  const tries: TSESTree.TryStatement[] = [];
  let child: TSESTree.Node = node;
  for (let current = node.parent; current != null; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.FunctionExpression || current.type === AST_NODE_TYPES.ArrowFunctionExpression) break;
    if (current.type === AST_NODE_TYPES.TryStatement && current.block === child && current.handler != null) tries.push(current);
  }
  return tries;
}
