import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import { CodePathEventLog, mergeListeners, type RecordedCodePath } from '../flow/event-log.js';
import { tryPartsAround, type TryPart } from '../flow/exceptions.js';
import { FactTable } from '../flow/facts.js';
import { factMapLattice, mapFacts, withFacts, type FactMap } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { labelOf, type LabelStyle } from '../utils/calls/call-labels.js';
import { isInside, isNullish, skipWrappers } from '../utils/ast/expressions.js';
import { codePathOwnerOf, isFunctionNode } from '../utils/ast/functions.js';
import { createRule } from '../utils/plugin/create-rule.js';
import {
  acquisitionMayFail,
  hasMethodMatching,
  isCallableResult,
  isOpaqueType,
  packageOfCall,
  typeNameOf,
} from '../utils/locks/lock-calls.js';
import { getTypeServices } from '../utils/plugin/type-information.js';

type Variable = TSESLint.Scope.Variable;
type FunctionLike = TSESTree.Node;

export interface LockPair {
  acquire: string;
  release: string;
  receiver?: string;
}

export interface RequireLockReleaseInFinallyOptions {
  locks?: LockPair[];
}

type Options = [RequireLockReleaseInFinallyOptions];
type MessageIds = 'notReleasedOnEveryPath' | 'neverReleased' | 'wrapInTryFinally' | 'releaseOnlyInTry' | 'releaseOnlyInCatch' | 'throwBeforeTry' | 'releaseWithoutCheck';

/** The method names of a user's own lock service, and the names its locks go by. */
const ACQUIRE_NAME = /^(?:acquire|lock|trylock|obtain|take)/i;
/** The acquiring methods of the lock packages `recognise` knows. */
const PACKAGE_ACQUIRE_METHODS = new Set(['createQueryRunner', 'acquire', 'lock']);
const RELEASE_NAME = /^(?:release|unlock|free)/i;
const LOCK_NAME = /(?:^|[^A-Za-z])(?:lock|mutex|semaphore)|Lock|Mutex|Semaphore|LOCK|MUTEX|SEMAPHORE/;
const ADVISORY_LOCK = /\bpg_advisory_lock(?:_shared)?\s*\(/i;
const ADVISORY_UNLOCK = /\bpg_advisory_unlock(?:_shared|_all)?\s*\(/i;
/** QueryRunner set-up calls that run between createQueryRunner() and the try in TypeORM's own docs. */
const QUERY_RUNNER_SETUP = new Set(['connect', 'startTransaction']);

interface Acquisition {
  id: number;
  call: TSESTree.CallExpression;
  /** The function (or Program) the acquisition runs in. */
  fn: FunctionLike;
  /** The variable holding the result: a handle, a release function, a lock id or a flag. */
  variable?: Variable;
  /** Normalised source text of the receiver (`this.visitorLockService`). */
  receiverKey?: string;
  /** Methods on the same receiver that release (`releaseLock`, `mutex.release`). */
  receiverReleases?: RegExp;
  /** Methods on the returned handle that release (`lock.unlock()`). */
  handleReleases?: RegExp;
  /** The result is a release function (`release()`). */
  handleCallable: boolean;
  /** An option pair without a receiver: a plain function that releases. */
  plainRelease?: string;
  advisory: boolean;
  queryRunner: boolean;
  /** Recognised by name only: a user's own lock service. */
  userService?: boolean;
  mayFail: boolean;
  label: string;
  releases: TSESTree.CallExpression[];
  /** Ownership moves: the handle is returned, stored or handed on, or released in another function. */
  escapes: boolean;
}

type Recognised = Omit<Acquisition, 'id' | 'call' | 'fn' | 'variable' | 'releases' | 'escapes' | 'mayFail' | 'label'> & { failName?: boolean };

type ExitNode = TSESTree.ReturnStatement | TSESTree.ThrowStatement;

type FlowEvent =
  | { type: 'acquire'; acquisition: Acquisition }
  | { type: 'release'; acquisition: Acquisition }
  /** The start of a branch taken when the acquisition failed (`if (!lockId) return;`). */
  | { type: 'failed'; acquisition: Acquisition }
  /** `if (lock) { … }` without `else`: the consequent knows it holds the lock… */
  | { type: 'confirm'; acquisition: Acquisition }
  /** …and after the `if`, whatever did not go through the consequent never held it. */
  | { type: 'confirm-end'; acquisition: Acquisition }
  | { type: 'throw-point'; node: TSESTree.Node }
  | { type: 'exit'; node: ExitNode };

/**
 * One way an acquisition may still be held: `confirmed` inside an `if` that tested it, and with
 * the `return`, `throw` or throwing call it has since passed (`witness`), which a report names.
 */
interface Held {
  confirmed: boolean;
  witness: TSESTree.Node | undefined;
}

/** Per acquisition id, the ways it may still be held. */
type FlowState = FactMap<number, Held>;

export default createRule<Options, MessageIds>({
  name: 'require-lock-release-in-finally',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every acquired lock to be released in a finally block on every path',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          locks: {
            type: 'array',
            description: 'More lock APIs: a method that acquires and the method that releases what it acquired.',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                acquire: { type: 'string', minLength: 1, description: 'Name of the method (or function) that acquires the lock.' },
                release: { type: 'string', minLength: 1, description: 'Name of the method (or function) that releases it: on the same receiver, on the returned handle, or a plain function.' },
                receiver: { type: 'string', minLength: 1, description: 'Only calls on this receiver: a regular expression source matched against its source text or type name.' },
              },
              required: ['acquire', 'release'],
            },
          },
        },
      },
    ],
    defaultOptions: [{ locks: [] }],
    messages: {
      neverReleased:
        '`{{lock}}` (line {{line}}) is acquired but never released in this function: nothing frees it, and its handle is not returned, stored or handed on. Release it in a `finally` after the acquisition.',
      wrapInTryFinally: 'Wrap the statements after the acquisition in `try { … } finally { {{release}} }`.',
      notReleasedOnEveryPath:
        '`{{lock}}` (line {{line}}) is not released on every path: {{path}} leaves it held, and `{{release}}` (line {{releaseLine}}) is not in a `finally` that covers it. Put the code after the acquisition in `try { … } finally { {{release}} }`.',
      releaseOnlyInTry:
        '`{{lock}}` (line {{line}}) is released only in the `try` block (`{{release}}`, line {{releaseLine}}): {{path}} skips the release and leaves it held. Move the release into a `finally`.',
      releaseOnlyInCatch:
        '`{{lock}}` (line {{line}}) is released only in a `catch` block (`{{release}}`, line {{releaseLine}}): {{path}} never reaches it and leaves it held. Move the release into a `finally`.',
      throwBeforeTry:
        '`{{lock}}` (line {{line}}) is released in the `finally` at line {{releaseLine}}, but `{{statement}}` (line {{throwLine}}) runs before that `try` and can throw, leaving it held. Start the `try` right after the acquisition.',
      releaseWithoutCheck:
        '`{{release}}` in the `finally` at line {{releaseLine}} runs even when `{{lock}}` (line {{line}}) did not obtain the lock: {{why}}. Releasing a lock you do not hold can free another holder\'s; check that it was obtained first.',
    },
  },
  create(context, [options]) {
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const { sourceCode } = context;
    const tsNode = (node: TSESTree.Node): ts.Node => services.esTreeNodeToTSNodeMap.get(node);
    const optionPairs = options.locks ?? [];

    const acquisitions: Acquisition[] = [];
    const byFunction = new Map<FunctionLike, Acquisition[]>();
    const byVariable = new Map<Variable, Acquisition>();
    const acquisitionCalls = new Set<TSESTree.CallExpression>();
    const releaseCalls = new Map<TSESTree.CallExpression, Acquisition[]>();
    const confirmingIfs = new Map<TSESTree.IfStatement, Acquisition[]>();
    let nextId = 0;

    const log = new CodePathEventLog<FlowEvent>(analyse);

    function variableOf(identifier: TSESTree.Identifier): Variable | undefined {
      return ASTUtils.findVariable(sourceCode.getScope(identifier), identifier) ?? undefined;
    }

    function keyOf(node: TSESTree.Node): string {
      return sourceCode.getText(node).replace(/\s+/g, '').replaceAll('?.', '.').replaceAll('!', '');
    }

    function record(node: TSESTree.Node, event: FlowEvent): void {
      // The log writes to the innermost function being walked: only record what belongs to it.
      if ('acquisition' in event && codePathOwnerOf(node) !== event.acquisition.fn) return;
      log.record(event);
    }

    // ---- recognising acquisitions --------------------------------------------------------------

    function recognise(call: TSESTree.CallExpression): Recognised | undefined {
      if (call.arguments.some(isFunctionArgument)) return undefined;
      const callee = call.callee;
      let method: string;
      let receiver: TSESTree.Expression | undefined;
      if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier) {
        method = callee.property.name;
        receiver = callee.object;
      } else if (callee.type === AST_NODE_TYPES.Identifier) {
        method = callee.name;
      } else {
        return undefined;
      }
      const base = { handleCallable: false, advisory: false, queryRunner: false } as const;
      if (receiver != null && method === 'query' && ADVISORY_LOCK.test(sqlText(call.arguments[0]))) {
        return { ...base, advisory: true, receiverKey: keyOf(receiver) };
      }
      const tsCall = tsNode(call) as ts.CallExpression;
      for (const pair of optionPairs) {
        if (pair.acquire !== method || !receiverMatches(pair.receiver, receiver)) continue;
        const exact = new RegExp(`^${escapeRegExp(pair.release)}$`);
        return receiver == null
          ? { ...base, handleReleases: exact, plainRelease: pair.release }
          : { ...base, receiverKey: keyOf(receiver), receiverReleases: exact, handleReleases: exact };
      }
      // Every package lock below and every lock service is named by its method: the call's
      // signature (costly to resolve) is only needed for those names.
      if (!PACKAGE_ACQUIRE_METHODS.has(method) && (receiver == null || !ACQUIRE_NAME.test(method))) return undefined;
      const pkg = packageOfCall(checker, tsCall);
      switch (pkg) {
        case 'typeorm':
          return method === 'createQueryRunner' ? { ...base, queryRunner: true, handleReleases: /^release$/ } : undefined;
        case 'async-mutex':
          return method === 'acquire' && receiver != null ? { ...base, handleCallable: true, receiverKey: keyOf(receiver), receiverReleases: /^release$/ } : undefined;
        case 'redlock':
          return (method === 'acquire' || method === 'lock') && receiver != null
            ? { ...base, handleReleases: /^(?:release|unlock)$/, receiverKey: keyOf(receiver), receiverReleases: /^(?:release|unlock)$/ }
            : undefined;
        case 'proper-lockfile':
          return method === 'lock' ? { ...base, handleCallable: true, ...(receiver == null ? {} : { receiverKey: keyOf(receiver), receiverReleases: /^unlock$/ }) } : undefined;
        default:
          break;
      }
      if (receiver == null || !ACQUIRE_NAME.test(method)) return undefined;
      const receiverType = checker.getTypeAtLocation(tsNode(receiver));
      const names = [lastNameOf(receiver), isOpaqueType(receiverType) ? undefined : typeNameOf(receiverType)];
      if (!names.some((name) => name != null && LOCK_NAME.test(name))) return undefined;
      if (!isOpaqueType(receiverType)) {
        // A lock service has something that releases: on itself, or on what it hands back.
        const resultType = checker.getTypeAtLocation(tsCall);
        const evidence = hasMethodMatching(checker, receiverType, RELEASE_NAME)
          || (!isOpaqueType(resultType) && (hasMethodMatching(checker, resultType, RELEASE_NAME) || isCallableResult(checker, resultType)));
        if (!evidence) return undefined;
      }
      return { ...base, userService: true, handleCallable: true, handleReleases: RELEASE_NAME, receiverKey: keyOf(receiver), receiverReleases: RELEASE_NAME, failName: /^try/i.test(method) };
    }

    function receiverMatches(pattern: string | undefined, receiver: TSESTree.Expression | undefined): boolean {
      if (pattern == null) return true;
      if (receiver == null) return false;
      const candidates = [keyOf(receiver), lastNameOf(receiver), typeNameOf(checker.getTypeAtLocation(tsNode(receiver)))];
      let regex: RegExp | undefined;
      try {
        regex = new RegExp(pattern);
      } catch {
        regex = undefined;
      }
      return candidates.some((candidate) => candidate != null && (candidate === pattern || regex?.test(candidate) === true));
    }

    /** Starts tracking an acquisition found at `call`, bound to `target` (or to nothing). */
    function acquire(call: TSESTree.CallExpression, target: TSESTree.Node | undefined, anchor: TSESTree.Node): void {
      const recognised = recognise(call);
      if (recognised == null) return;
      let variable: Variable | undefined;
      if (target?.type === AST_NODE_TYPES.Identifier) {
        variable = variableOf(target);
      } else if (target?.type === AST_NODE_TYPES.ArrayPattern) {
        // async-mutex `Semaphore#acquire()` resolves to `[value, release]`.
        const second = target.elements[1];
        if (!recognised.handleCallable || second?.type !== AST_NODE_TYPES.Identifier) return;
        variable = variableOf(second);
      } else if (target != null) {
        return;
      }
      if (target != null && variable == null) return;
      // A bare statement can only be released through its receiver (or a plain function).
      if (variable == null && recognised.receiverReleases == null && !recognised.advisory && recognised.plainRelease == null) return;
      const fn = codePathOwnerOf(anchor);
      const { failName, ...rest } = recognised;
      const acquisition: Acquisition = {
        ...rest,
        id: nextId++,
        call,
        fn,
        ...(variable == null ? {} : { variable }),
        mayFail: !rest.advisory && !rest.queryRunner && (failName === true || acquisitionMayFail(checker, tsNode(call) as ts.CallExpression)),
        label: acquisitionLabel(call, rest.advisory),
        releases: [],
        escapes: false,
      };
      acquisition.escapes = variable != null && escapes(variable, acquisition, anchor);
      acquisitions.push(acquisition);
      acquisitionCalls.add(call);
      const list = byFunction.get(fn) ?? [];
      list.push(acquisition);
      byFunction.set(fn, list);
      if (variable != null) byVariable.set(variable, acquisition);
      record(anchor, { type: 'acquire', acquisition });
    }

    /** Whether the lock's handle (or id) leaves this function's hands. */
    function escapes(variable: Variable, acquisition: Acquisition, anchor: TSESTree.Node): boolean {
      if (variable.scope.variableScope.block !== acquisition.fn) return true;
      for (const reference of variable.references) {
        const identifier = reference.identifier;
        if (isInside(identifier, anchor)) continue;
        if (codePathOwnerOf(identifier) !== acquisition.fn) return true;
        if (!reference.isRead()) continue;
        const parent = identifier.parent;
        switch (parent.type) {
          case AST_NODE_TYPES.CallExpression:
            if (parent.arguments.includes(identifier as TSESTree.CallExpressionArgument) && !isReleaseOf(parent, acquisition)) return true;
            break;
          case AST_NODE_TYPES.NewExpression:
            if (parent.arguments.includes(identifier as TSESTree.CallExpressionArgument)) return true;
            break;
          case AST_NODE_TYPES.ReturnStatement:
          case AST_NODE_TYPES.YieldExpression:
          case AST_NODE_TYPES.Property:
          case AST_NODE_TYPES.ArrayExpression:
          case AST_NODE_TYPES.SpreadElement:
          case AST_NODE_TYPES.ArrowFunctionExpression:
            return true;
          case AST_NODE_TYPES.AssignmentExpression:
            if (parent.right === identifier) return true;
            break;
          case AST_NODE_TYPES.VariableDeclarator:
            if (parent.init === identifier) return true;
            break;
          default:
            break;
        }
      }
      return false;
    }

    /** Whether `call` releases what `acquisition` acquired. */
    function isReleaseOf(call: TSESTree.CallExpression, acquisition: Acquisition): boolean {
      if (call === acquisition.call || call.range[0] < acquisition.call.range[1]) return false;
      const callee = skipWrappers(call.callee, { awaits: true });
      const { variable } = acquisition;
      if (callee.type === AST_NODE_TYPES.Identifier) {
        if (variable != null && variableOf(callee) === variable) return acquisition.handleCallable;
        return acquisition.plainRelease === callee.name;
      }
      if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return false;
      const name = callee.property.name;
      const object = skipWrappers(callee.object, { awaits: true });
      if (variable != null && object.type === AST_NODE_TYPES.Identifier && variableOf(object) === variable) {
        return acquisition.handleReleases?.test(name) === true;
      }
      if (acquisition.receiverKey == null || keyOf(object) !== acquisition.receiverKey) return false;
      if (acquisition.advisory) return name === 'query' && ADVISORY_UNLOCK.test(sqlText(call.arguments[0]));
      return acquisition.receiverReleases?.test(name) === true;
    }

    function isSetupCall(call: TSESTree.CallExpression): boolean {
      const callee = call.callee;
      if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return false;
      if (!QUERY_RUNNER_SETUP.has(callee.property.name) || callee.object.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = variableOf(callee.object);
      const acquisition = variable == null ? undefined : byVariable.get(variable);
      return acquisition?.queryRunner === true;
    }

    // ---- branch conditions -----------------------------------------------------------------------

    /** What a condition says about an acquisition when it is true and when it is false. */
    function conditionOf(test: TSESTree.Node, variable: Variable): { whenTrue?: 'held' | 'failed'; whenFalse?: 'held' | 'failed' } {
      const node = skipWrappers(test, { awaits: true });
      if (node.type === AST_NODE_TYPES.Identifier) {
        return variableOf(node) === variable ? { whenTrue: 'held', whenFalse: 'failed' } : {};
      }
      if (node.type === AST_NODE_TYPES.UnaryExpression && node.operator === '!') {
        const inner = conditionOf(node.argument, variable);
        return { ...(inner.whenFalse == null ? {} : { whenTrue: inner.whenFalse }), ...(inner.whenTrue == null ? {} : { whenFalse: inner.whenTrue }) };
      }
      if (node.type === AST_NODE_TYPES.BinaryExpression && ['==', '===', '!=', '!=='].includes(node.operator)) {
        const [subject, other] = isNullish(node.right) ? [node.left, node.right] : [node.right, node.left];
        if (!isNullish(other) && !isFalse(other)) return {};
        const inner = skipWrappers(subject, { awaits: true });
        if (inner.type !== AST_NODE_TYPES.Identifier || variableOf(inner) !== variable) return {};
        return node.operator.startsWith('=') ? { whenTrue: 'failed', whenFalse: 'held' } : { whenTrue: 'held', whenFalse: 'failed' };
      }
      if (node.type === AST_NODE_TYPES.LogicalExpression && (node.operator === '&&' || node.operator === '||')) {
        const left = conditionOf(node.left, variable);
        const right = conditionOf(node.right, variable);
        if (node.operator === '&&') {
          const whenTrue = left.whenTrue ?? right.whenTrue;
          return whenTrue == null ? {} : { whenTrue };
        }
        const whenFalse = left.whenFalse ?? right.whenFalse;
        return whenFalse == null ? {} : { whenFalse };
      }
      return {};
    }

    function onBranch(node: TSESTree.Node): void {
      const parent = node.parent;
      if (parent?.type !== AST_NODE_TYPES.IfStatement) return;
      const fn = codePathOwnerOf(node);
      for (const acquisition of byFunction.get(fn) ?? []) {
        if (acquisition.variable == null || parent.range[0] < acquisition.call.range[1]) continue;
        const condition = conditionOf(parent.test, acquisition.variable);
        if (parent.consequent === node) {
          if (condition.whenTrue === 'failed') record(node, { type: 'failed', acquisition });
          else if (condition.whenFalse === 'failed' && parent.alternate == null) {
            record(node, { type: 'confirm', acquisition });
            const list = confirmingIfs.get(parent) ?? [];
            list.push(acquisition);
            confirmingIfs.set(parent, list);
          }
        } else if (parent.alternate === node && condition.whenFalse === 'failed') {
          record(node, { type: 'failed', acquisition });
        }
      }
    }

    // ---- the flow ----------------------------------------------------------------------------------

    function analyse(recorded: RecordedCodePath<FlowEvent>): void {
      for (const acquisition of byFunction.get(recorded.node) ?? []) {
        if (acquisition.escapes || acquisition.releases.length > 0) continue;
        // A lock service's release needs arguments (the key, the lock id) that an unused result cannot give.
        if (acquisition.variable == null && acquisition.userService === true) continue;
        context.report({
          node: acquisition.call,
          messageId: 'neverReleased',
          data: { lock: acquisition.label, line: String(acquisition.call.loc.start.line) },
        });
      }
      const own = (byFunction.get(recorded.node) ?? []).filter((acquisition) => !acquisition.escapes && acquisition.releases.length > 0);
      if (own.length === 0) return;
      const tracked = new Set(own.map((acquisition) => acquisition.id));
      const byId = new Map(own.map((acquisition) => [acquisition.id, acquisition]));
      const held = new FactTable((confirmed: boolean, witness: TSESTree.Node | undefined): Held => ({ confirmed, witness }));
      const leaks = new Map<number, Set<TSESTree.Node | 'end'>>();
      let reporting = false;
      const leak = (id: number, witness: TSESTree.Node | 'end'): void => {
        if (!reporting) return;
        const set = leaks.get(id) ?? new Set();
        set.add(witness);
        leaks.set(id, set);
      };

      const solution = solveFlow<FlowEvent, FlowState>(recorded, {
        lattice: factMapLattice(),
        initial: new Map(),
        finallyEntry: 'every-path',
        transfer(state, event, step) {
          reporting = step.replaying;
          switch (event.type) {
            case 'acquire':
              return tracked.has(event.acquisition.id) ? withFacts(state, event.acquisition.id, new Set([held.of(false, undefined)])) : state;
            case 'release':
            case 'failed':
              return withFacts(state, event.acquisition.id, undefined);
            case 'confirm':
              return mapFacts(state, event.acquisition.id, (fact) => held.of(true, fact.witness));
            case 'confirm-end': {
              const current = state.get(event.acquisition.id);
              if (current == null) return state;
              const kept = new Set([...current].filter((fact) => fact.confirmed).map((fact) => held.of(false, fact.witness)));
              return withFacts(state, event.acquisition.id, kept);
            }
            case 'exit': {
              let next = state;
              for (const id of state.keys()) next = mapFacts(next, id, (fact) => held.of(fact.confirmed, event.node));
              return next;
            }
            case 'throw-point': {
              if (state.size === 0) return state;
              const routes = tryPartsAround(event.node);
              let catchTry: TSESTree.TryStatement | undefined;
              const toCatch = new Map<number, ReadonlySet<Held>>();
              for (const [id, values] of state) {
                const acquisition = byId.get(id);
                if (acquisition == null) continue;
                const route = routeOfThrow(routes, acquisition);
                if (route === 'absorbed') continue;
                if (route === 'leak') {
                  leak(id, event.node);
                  continue;
                }
                catchTry = route;
                toCatch.set(id, new Set([...values].map((fact) => held.of(fact.confirmed, event.node))));
              }
              if (catchTry != null) step.throwTo([{ tryStatement: catchTry, clause: 'catch' }], toCatch);
              return state;
            }
          }
        },
      });
      reporting = true;
      const finals = new Set(recorded.codePath.finalSegments);
      for (const [segment, state] of solution.exits) {
        if (!finals.has(segment)) continue;
        for (const [id, values] of state) {
          for (const value of values) leak(id, value.witness ?? 'end');
        }
      }

      for (const acquisition of own) {
        const found = leaks.get(acquisition.id);
        if (found != null && found.size > 0) reportLeak(acquisition, [...found]);
        else checkReleaseGuard(acquisition);
      }
    }

    /** Where an exception thrown at a point goes: to a catch, through a releasing finally, or out. */
    function routeOfThrow(routes: readonly TryPart[], acquisition: Acquisition): TSESTree.TryStatement | 'absorbed' | 'leak' {
      for (const { tryStatement, part } of routes) {
        if (part === 'block' && tryStatement.handler != null) return tryStatement;
        if (tryStatement.finalizer != null && finallyReleases(tryStatement, acquisition)) return 'absorbed';
      }
      return 'leak';
    }

    function finallyReleases(tryStatement: TSESTree.TryStatement, acquisition: Acquisition): boolean {
      const finalizer = tryStatement.finalizer;
      return finalizer != null && acquisition.releases.some((release) => isInside(release, finalizer) && codePathOwnerOf(release) === acquisition.fn);
    }

    // ---- reports ---------------------------------------------------------------------------------

    function reportLeak(acquisition: Acquisition, witnesses: (TSESTree.Node | 'end')[]): void {
      const rank = (witness: TSESTree.Node | 'end'): number =>
        witness === 'end' ? 2 : witness.type === AST_NODE_TYPES.ReturnStatement || witness.type === AST_NODE_TYPES.ThrowStatement ? 0 : 1;
      const position = (witness: TSESTree.Node | 'end'): number => (witness === 'end' ? Number.MAX_SAFE_INTEGER : witness.range[0]);
      const sorted = [...witnesses].sort((a, b) => rank(a) - rank(b) || position(a) - position(b));
      const witness = sorted[0] ?? 'end';
      const [release] = acquisition.releases;
      if (release == null) return;
      const base = {
        lock: acquisition.label,
        line: String(acquisition.call.loc.start.line),
      };
      const finallyTry = acquisition.releases
        .map((call) => ({ call, tryStatement: enclosingFinallyTry(call) }))
        .filter((entry): entry is { call: TSESTree.CallExpression; tryStatement: TSESTree.TryStatement } => entry.tryStatement != null && entry.tryStatement.range[0] > acquisition.call.range[1])
        .sort((a, b) => a.tryStatement.range[0] - b.tryStatement.range[0])[0];
      // A throwing statement between the acquisition and the try whose finally releases.
      const gapThrow = finallyTry == null
        ? undefined
        : sorted.find((candidate): candidate is TSESTree.Node => candidate !== 'end' && rank(candidate) === 1 && candidate.range[0] > acquisition.call.range[1] && candidate.range[1] <= finallyTry.tryStatement.range[0]);
      if (finallyTry != null && gapThrow != null && rank(witness) !== 0) {
        context.report({
          node: acquisition.call,
          messageId: 'throwBeforeTry',
          data: {
            lock: base.lock,
            line: base.line,
            releaseLine: String(finallyTry.call.loc.start.line),
            statement: throwLabel(gapThrow),
            throwLine: String(gapThrow.loc.start.line),
          },
        });
        return;
      }
      const data = {
        lock: base.lock,
        line: base.line,
        release: releaseLabel(release),
        releaseLine: String(release.loc.start.line),
        path: pathText(witness, acquisition.fn),
      };
      if (finallyTry == null) {
        const parts = acquisition.releases.map((call) => tryPartsAround(call)[0]?.part);
        if (parts.every((part) => part === 'block')) {
          context.report({ node: acquisition.call, messageId: 'releaseOnlyInTry', data });
          return;
        }
        if (parts.every((part) => part === 'handler')) {
          context.report({ node: acquisition.call, messageId: 'releaseOnlyInCatch', data });
          return;
        }
      }
      const fix = wrapFix(acquisition);
      context.report({
        node: acquisition.call,
        messageId: 'notReleasedOnEveryPath',
        data,
        ...(fix == null ? {} : { suggest: [{ messageId: 'wrapInTryFinally', data: { release: data.release }, fix }] }),
      });
    }

    /** The statement directly in a block (or the program) that holds `node`. */
    function statementInBlock(node: TSESTree.Node): TSESTree.Statement | undefined {
      let current: TSESTree.Node = node;
      for (let parent = node.parent; parent != null; current = parent, parent = parent.parent) {
        if (isFunctionNode(parent)) return undefined;
        if (parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.Program) return current as TSESTree.Statement;
      }
      return undefined;
    }

    /** `try { …the rest of the block… } finally { <release> }`, when the release is unambiguous. */
    function wrapFix(acquisition: Acquisition): TSESLint.ReportFixFunction | undefined {
      if (acquisition.releases.length !== 1) return undefined;
      const [release] = acquisition.releases;
      if (release == null) return undefined;
      const releaseStatement = release.parent.type === AST_NODE_TYPES.AwaitExpression ? release.parent.parent : release.parent;
      if (releaseStatement.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      const acquireStatement = statementInBlock(acquisition.call);
      const block = acquireStatement?.parent;
      if (acquireStatement == null || releaseStatement.parent !== block) return undefined;
      if (block.type !== AST_NODE_TYPES.BlockStatement && block.type !== AST_NODE_TYPES.Program) return undefined;
      const body = block.body as TSESTree.Node[];
      let start = body.indexOf(acquireStatement) + 1;
      if (start === 0 || body.indexOf(releaseStatement) < start) return undefined;
      if (acquisition.mayFail) {
        // `if (!lockId) return;` stays before the try: nothing is held on that path.
        const check = body[start];
        const { variable } = acquisition;
        if (variable == null || check?.type !== AST_NODE_TYPES.IfStatement || check.alternate != null) return undefined;
        if (conditionOf(check.test, variable).whenTrue !== 'failed' || !alwaysExits(check.consequent)) return undefined;
        start++;
      }
      const moved = body.slice(start).filter((statement) => statement !== releaseStatement);
      const first = body[start];
      const last = body.at(-1);
      if (moved.length === 0 || first == null || last == null) return undefined;
      // Comments between statements would be lost; a release using a name declared after the acquisition
      // would lose it in the `finally`.
      if (sourceCode.getAllComments().some((comment) => comment.range[0] >= first.range[0] && comment.range[1] <= last.range[1] && !moved.some((statement) => isInside(comment, statement)))) return undefined;
      for (const statement of moved) {
        for (const variable of sourceCode.getDeclaredVariables(statement)) {
          if (variable.references.some((reference) => isInside(reference.identifier, releaseStatement))) return undefined;
        }
      }
      const line = sourceCode.lines[acquireStatement.loc.start.line - 1] ?? '';
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      const inner = `${indent}  `;
      const text = [
        'try {',
        ...moved.map((statement) => `${inner}${indented(sourceCode.getText(statement))}`),
        `${indent}} finally {`,
        `${inner}${sourceCode.getText(releaseStatement)}`,
        `${indent}}`,
      ].join('\n');
      return (fixer) => fixer.replaceTextRange([first.range[0], last.range[1]], text);
    }

    /** Later lines move in by two spaces too, unless a template literal could span them. */
    function indented(text: string): string {
      if (text.includes('`')) return text;
      return text.split('\n').map((line, index) => (index === 0 || line.trim() === '' ? line : `  ${line}`)).join('\n');
    }

    function alwaysExits(node: TSESTree.Node): boolean {
      if (node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement) return true;
      if (node.type === AST_NODE_TYPES.BlockStatement) {
        const lastStatement = node.body.at(-1);
        return lastStatement != null && alwaysExits(lastStatement);
      }
      return false;
    }

    /** A release in `finally` of a lock that may not have been obtained, with no check first. */
    function checkReleaseGuard(acquisition: Acquisition): void {
      for (const release of acquisition.releases) {
        const tryStatement = enclosingFinallyTry(release);
        if (tryStatement == null) continue;
        const insideTry = isInside(acquisition.call, tryStatement.block);
        if (!insideTry && (!acquisition.mayFail || tryStatement.range[0] < acquisition.call.range[1])) continue;
        if (isGuarded(release, tryStatement, acquisition)) continue;
        if (!insideTry && checkedBefore(tryStatement, acquisition)) continue;
        const why = insideTry
          ? `the acquisition is inside the same \`try\`, so a failed or throwing \`${acquisition.label}\` still runs this \`finally\``
          : acquisition.variable == null
            ? `\`${acquisition.label}\` can return null or false, and its result is ignored`
            : `\`${acquisition.label}\` can return null or false, and nothing checks \`${acquisition.variable.name}\` before the \`try\``;
        context.report({
          node: acquisition.call,
          messageId: 'releaseWithoutCheck',
          data: {
            lock: acquisition.label,
            line: String(acquisition.call.loc.start.line),
            release: releaseLabel(release),
            releaseLine: String(release.loc.start.line),
            why,
          },
        });
        return;
      }
    }

    /** `if (lock) lock.release()`, `lock && …`, `lock?.release()`, `release?.()`: only runs when obtained. */
    function isGuarded(release: TSESTree.CallExpression, tryStatement: TSESTree.TryStatement, acquisition: Acquisition): boolean {
      const { variable } = acquisition;
      let child: TSESTree.Node = release;
      for (let current: TSESTree.Node | undefined = release.parent; current != null && current !== tryStatement; child = current, current = current.parent) {
        if (current.type === AST_NODE_TYPES.IfStatement && current.test !== child) {
          if (variable == null) return true;
          const condition = conditionOf(current.test, variable);
          if ((current.consequent === child && condition.whenTrue === 'held') || (current.alternate === child && condition.whenFalse === 'held')) return true;
        }
        if (current.type === AST_NODE_TYPES.ConditionalExpression && current.test !== child) {
          if (variable == null) return true;
          const condition = conditionOf(current.test, variable);
          if ((current.consequent === child && condition.whenTrue === 'held') || (current.alternate === child && condition.whenFalse === 'held')) return true;
        }
        if (current.type === AST_NODE_TYPES.LogicalExpression && current.right === child) {
          if (variable == null) return true;
          const condition = conditionOf(current.left, variable);
          if ((current.operator === '&&' && condition.whenTrue === 'held') || (current.operator !== '&&' && condition.whenFalse === 'held')) return true;
        }
      }
      if (variable == null) return false;
      // `lock?.release()`, `release?.()`.
      const callee = release.callee;
      if (release.optional && callee.type === AST_NODE_TYPES.Identifier) return true;
      return callee.type === AST_NODE_TYPES.MemberExpression && callee.optional && callee.object.type === AST_NODE_TYPES.Identifier && variableOf(callee.object) === variable;
    }

    /** `if (!lockId) return;` before the try, or the try inside `if (lockId) { … }`. */
    function checkedBefore(tryStatement: TSESTree.TryStatement, acquisition: Acquisition): boolean {
      const { variable } = acquisition;
      if (variable == null) return false;
      for (const reference of variable.references) {
        const identifier = reference.identifier;
        if (identifier.range[0] < acquisition.call.range[1] || identifier.range[0] > tryStatement.range[0]) continue;
        for (let current: TSESTree.Node | undefined = identifier.parent; current != null; current = current.parent) {
          if (current.type === AST_NODE_TYPES.IfStatement || current.type === AST_NODE_TYPES.ConditionalExpression || current.type === AST_NODE_TYPES.LogicalExpression) {
            if (isInside(identifier, current.type === AST_NODE_TYPES.LogicalExpression ? current.left : current.test)) return true;
          }
          if (isStatement(current)) break;
        }
      }
      return false;
    }

    function pathText(witness: TSESTree.Node | 'end', fn: FunctionLike): string {
      if (witness === 'end') return `the path that reaches the end of the function (line ${String(fn.loc.end.line)})`;
      const line = String(witness.loc.start.line);
      if (witness.type === AST_NODE_TYPES.ReturnStatement) return `the \`return\` at line ${line}`;
      if (witness.type === AST_NODE_TYPES.ThrowStatement) return `the \`throw\` at line ${line}`;
      return `an exception from \`${throwLabel(witness)}\` at line ${line}`;
    }

    // ---- listeners -----------------------------------------------------------------------------

    function throwPoint(node: TSESTree.Node): void {
      const fn = codePathOwnerOf(node);
      if (!byFunction.has(fn)) return;
      record(node, { type: 'throw-point', node });
    }

    /** A call that is not itself an acquisition, a release or QueryRunner set-up. */
    function isPlainCall(node: TSESTree.Node): boolean {
      const inner = skipWrappers(node, { awaits: true });
      if (inner.type !== AST_NODE_TYPES.CallExpression) return true;
      return !acquisitionCalls.has(inner) && !releaseCalls.has(inner) && !isSetupCall(inner);
    }

    function guardedReleaseAt(node: TSESTree.Node): void {
      const inner = skipWrappers(node, { awaits: true });
      if (inner.type !== AST_NODE_TYPES.CallExpression) return;
      for (const acquisition of releaseCalls.get(inner) ?? []) record(node, { type: 'release', acquisition });
    }

    return mergeListeners(log.listeners(), {
      'VariableDeclarator:exit'(node: TSESTree.VariableDeclarator) {
        if (node.parent.kind === 'using' || node.parent.kind === 'await using' || node.init == null) return;
        const call = skipWrappers(node.init, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression) acquire(call, node.id, node);
      },
      'AssignmentExpression:exit'(node: TSESTree.AssignmentExpression) {
        if (node.operator !== '=' || node.left.type !== AST_NODE_TYPES.Identifier) return;
        const call = skipWrappers(node.right, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression) acquire(call, node.left, node);
      },
      'ExpressionStatement:exit'(node: TSESTree.ExpressionStatement) {
        const call = skipWrappers(node.expression, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression && !acquisitionCalls.has(call)) acquire(call, undefined, node);
      },
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        if (acquisitions.length > 0) {
          const fn = codePathOwnerOf(node);
          for (const acquisition of acquisitions) {
            if (!isInside(node, acquisition.fn) || !isReleaseOf(node, acquisition)) continue;
            acquisition.releases.push(node);
            const list = releaseCalls.get(node) ?? [];
            list.push(acquisition);
            releaseCalls.set(node, list);
            if (fn === acquisition.fn) record(node, { type: 'release', acquisition });
            else acquisition.escapes = true;
          }
        }
        if (node.parent.type !== AST_NODE_TYPES.AwaitExpression && isPlainCall(node)) throwPoint(node);
      },
      'NewExpression:exit'(node: TSESTree.NewExpression) {
        throwPoint(node);
      },
      'AwaitExpression:exit'(node: TSESTree.AwaitExpression) {
        if (isPlainCall(node.argument)) throwPoint(node);
      },
      'ChainExpression:exit'(node: TSESTree.ChainExpression) {
        guardedReleaseAt(node);
      },
      'LogicalExpression:exit'(node: TSESTree.LogicalExpression) {
        guardedReleaseAt(node.right);
      },
      'ReturnStatement:exit'(node: TSESTree.ReturnStatement) {
        if (byFunction.has(codePathOwnerOf(node))) record(node, { type: 'exit', node });
      },
      'ThrowStatement:exit'(node: TSESTree.ThrowStatement) {
        if (byFunction.has(codePathOwnerOf(node))) record(node, { type: 'exit', node });
      },
      'IfStatement > .consequent'(node: TSESTree.Node) {
        onBranch(node);
      },
      'IfStatement > .alternate'(node: TSESTree.Node) {
        onBranch(node);
      },
      'IfStatement:exit'(node: TSESTree.IfStatement) {
        for (const acquisition of confirmingIfs.get(node) ?? []) record(node, { type: 'confirm-end', acquisition });
      },
    });
  },
});



function enclosingFinallyTry(node: TSESTree.Node): TSESTree.TryStatement | undefined {
  return tryPartsAround(node).find((entry) => entry.part === 'finalizer')?.tryStatement;
}




function isStatement(node: TSESTree.Node): boolean {
  return node.type.endsWith('Statement') || node.type.endsWith('Declaration');
}

function isFunctionArgument(argument: TSESTree.CallExpressionArgument): boolean {
  return argument.type === AST_NODE_TYPES.ArrowFunctionExpression || argument.type === AST_NODE_TYPES.FunctionExpression;
}



function isFalse(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal && node.value === false;
}

function sqlText(node: TSESTree.Node | undefined): string {
  if (node == null) return '';
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral) return node.quasis.map((quasi) => quasi.value.cooked ?? quasi.value.raw).join(' ');
  return '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lastNameOf(node: TSESTree.Node): string | undefined {
  const inner = skipWrappers(node, { awaits: true });
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression && !inner.computed && inner.property.type === AST_NODE_TYPES.Identifier) return inner.property.name;
  return undefined;
}

/** Lock labels name statements as written: `await lock?.release()`. */
const LOCK_LABEL: LabelStyle = { optionalChains: true, awaits: true };

function lockLabel(node: TSESTree.Node): string {
  return labelOf(node, LOCK_LABEL);
}

function acquisitionLabel(call: TSESTree.CallExpression, advisory: boolean): string {
  if (!advisory) return lockLabel(call);
  return `${lockLabel(call.callee)}(pg_advisory_lock…)`;
}

function releaseLabel(call: TSESTree.CallExpression): string {
  if (call.callee.type === AST_NODE_TYPES.MemberExpression && ADVISORY_UNLOCK.test(sqlText(call.arguments[0]))) {
    return `${lockLabel(call.callee)}(pg_advisory_unlock…)`;
  }
  return lockLabel(call);
}

function throwLabel(node: TSESTree.Node): string {
  return lockLabel(node);
}



