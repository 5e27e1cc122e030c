import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { CodePathEventLog, mergeListeners, type RecordedCodePath } from '../flow/event-log.js';
import { tryPartsAround, type TryPart } from '../flow/exceptions.js';
import { FactTable } from '../flow/facts.js';
import { factMapLattice, mapFacts, withFacts, type FactMap } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { isInside, skipWrappers } from '../utils/ast/expressions.js';
import { codePathOwnerOf } from '../utils/ast/functions.js';
import { tryFinallyWrapFix } from '../utils/fixes/try-finally-wrap.js';
import { LockRecogniser, type Acquisition } from '../utils/locks/lock-acquisitions.js';
import type { LockPair } from '../utils/locks/lock-apis.js';
import { conditionOf, isCheckedBefore, releaseRunsOnlyWhenHeld } from '../utils/locks/lock-conditions.js';
import { lockLabel, releaseLabel } from '../utils/locks/lock-labels.js';
import { finallyReleases, finallyTryAround, firstFinallyRelease, releasesOnlyIn } from '../utils/locks/release-placement.js';
import { isQuietCall } from '../utils/calls/quiet-calls.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { fillTemplate, recordObservation, recordReportDetails, type LeakPath, type LockRef, type RuleDetails } from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';

export type { LockPair } from '../utils/locks/lock-apis.js';

export interface RequireLockReleaseInFinallyOptions {
  locks?: LockPair[];
}

type Options = [RequireLockReleaseInFinallyOptions];
type LockReportDetails = RuleDetails<'require-lock-release-in-finally'>;
/** The reports' message ids are the contract's (report-details), and the suggestion's. */
export type MessageIds = LockReportDetails['messageId'] | 'wrapInTryFinally';

/** The sentence each report ends with: what to do. The audit shows it as the recommendation. */
const ADVICE: Readonly<Record<LockReportDetails['messageId'], string>> = {
  neverReleased: 'Release it in a `finally` after the acquisition.',
  notReleasedOnEveryPath: 'Put the code after the acquisition in `try { … } finally { {{release}} }`.',
  releaseOnlyInTry: 'Move the release into a `finally`.',
  releaseOnlyInCatch: 'Move the release into a `finally`.',
  throwBeforeTry: 'Start the `try` right after the acquisition.',
  releaseWithoutCheck: "Releasing a lock you do not hold can free another holder's; check that it was obtained first.",
};

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
      neverReleased: `\`{{lock}}\` (line {{line}}) is acquired but never released in this function: nothing frees it{{expiry}}, and its handle is not returned, stored, or handed to code that releases or keeps it. ${ADVICE.neverReleased}`,
      wrapInTryFinally: 'Wrap the statements after the acquisition in `try { … } finally { {{release}} }`.',
      notReleasedOnEveryPath: `\`{{lock}}\` (line {{line}}) is not released on every path: {{path}} leaves it held{{expiry}}, and \`{{release}}\` (line {{releaseLine}}) is not in a \`finally\` that covers it. ${ADVICE.notReleasedOnEveryPath}`,
      releaseOnlyInTry: `\`{{lock}}\` (line {{line}}) is released only in the \`try\` block (\`{{release}}\`, line {{releaseLine}}): {{path}} skips the release and leaves it held{{expiry}}. ${ADVICE.releaseOnlyInTry}`,
      releaseOnlyInCatch: `\`{{lock}}\` (line {{line}}) is released only in a \`catch\` block (\`{{release}}\`, line {{releaseLine}}): {{path}} never reaches it and leaves it held{{expiry}}. ${ADVICE.releaseOnlyInCatch}`,
      throwBeforeTry: `\`{{lock}}\` (line {{line}}) is released in the \`finally\` at line {{releaseLine}}, but \`{{statement}}\` (line {{throwLine}}) runs before that \`try\` and can throw, leaving it held{{expiry}}. ${ADVICE.throwBeforeTry}`,
      releaseWithoutCheck: `\`{{release}}\` in the \`finally\` at line {{releaseLine}} runs even when \`{{lock}}\` (line {{line}}) did not obtain the lock: {{why}}. ${ADVICE.releaseWithoutCheck}`,
    },
  },
  create(context, [options]) {
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const { sourceCode } = context;
    const variableOf = (identifier: TSESTree.Identifier): TSESLint.Scope.Variable | undefined =>
      ASTUtils.findVariable(sourceCode.getScope(identifier), identifier) ?? undefined;
    const locks = new LockRecogniser({
      checker,
      sourceCode,
      toTsNode: (node) => services.esTreeNodeToTSNodeMap.get(node),
      lockPairs: options.locks ?? [],
      variableOf,
    });
    /** `if (lock) { … }` statements that confirm acquisitions, for the `confirm-end` at their end. */
    const confirmingIfs = new Map<TSESTree.IfStatement, Acquisition[]>();
    const log = new CodePathEventLog<FlowEvent>(context.sourceCode.ast, analyse);

    function record(node: TSESTree.Node, event: FlowEvent): void {
      // The log writes to the innermost function being walked: only record what belongs to it.
      if ('acquisition' in event && codePathOwnerOf(node) !== event.acquisition.fn) return;
      log.record(event);
    }

    function acquireAt(call: TSESTree.CallExpression, target: TSESTree.Node | undefined, anchor: TSESTree.Node): void {
      const acquisition = locks.acquisitionAt(call, target, anchor);
      if (acquisition != null) record(anchor, { type: 'acquire', acquisition });
    }

    function throwPoint(node: TSESTree.Node): void {
      if (!locks.acquiresIn(codePathOwnerOf(node))) return;
      // `map.has(k)`, `Array.from(ids)`, `new Set()`, `this.getPlatform()`: these do not throw in practice.
      if ((node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) && isQuietCall(checker, services.esTreeNodeToTSNodeMap.get(node))) return;
      record(node, { type: 'throw-point', node });
    }

    /** A call that is not itself an acquisition, a release or QueryRunner set-up. */
    function isPlainCall(node: TSESTree.Node): boolean {
      const inner = skipWrappers(node, { awaits: true });
      if (inner.type !== AST_NODE_TYPES.CallExpression) return true;
      return !locks.isAcquisition(inner) && !locks.isRelease(inner) && !locks.isQueryRunnerSetup(inner);
    }

    /**
     * `lock?.release()`, `lock && lock.release()`: the path that skips the call had no lock to release,
     * so the release is recorded again where the paths join.
     */
    function guardedReleaseAt(node: TSESTree.Node): void {
      const inner = skipWrappers(node, { awaits: true });
      if (inner.type !== AST_NODE_TYPES.CallExpression) return;
      for (const acquisition of locks.releasedBy(inner)) record(node, { type: 'release', acquisition });
    }

    /** The branches of an `if` that tests an acquisition: `failed` where it was not obtained, `confirm` where it was. */
    function onBranch(node: TSESTree.Node): void {
      const parent = node.parent;
      if (parent?.type !== AST_NODE_TYPES.IfStatement) return;
      for (const acquisition of locks.inFunction(codePathOwnerOf(node))) {
        if (acquisition.variable == null || parent.range[0] < acquisition.call.range[1]) continue;
        const condition = conditionOf(parent.test, acquisition.variable, variableOf);
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

    function analyse(recorded: RecordedCodePath<FlowEvent>): void {
      for (const acquisition of locks.inFunction(recorded.node)) {
        if (acquisition.escapes || acquisition.releases.length > 0) continue;
        // A lock service's release needs arguments (the key, the lock id) that an unused result cannot give.
        if (acquisition.variable == null && acquisition.userService === true) continue;
        const data = { lock: acquisition.label, line: String(acquisition.call.loc.start.line), expiry: expiryText(acquisition) };
        recordReportDetails(context, acquisition.call, 'neverReleased', () => detailsBase(acquisition, 'neverReleased', data));
        context.report({ node: acquisition.call, messageId: 'neverReleased', data });
      }
      const own = locks.inFunction(recorded.node).filter((acquisition) => !acquisition.escapes && acquisition.releases.length > 0);
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
        else if (!checkReleaseGuard(acquisition)) observeReleaseInFinally(acquisition);
      }
    }

    /** The start of every lock report's details: the rule, the message, its advice and the lock. */
    function detailsBase<Id extends LockReportDetails['messageId']>(acquisition: Acquisition, messageId: Id, data: Readonly<Record<string, string>>) {
      return { rule: 'require-lock-release-in-finally' as const, messageId, advice: fillTemplate(ADVICE[messageId], data), lock: lockRef(acquisition) };
    }

    /** No path leaves the lock held: the audit lists its release in `finally` as a safe pattern. */
    function observeReleaseInFinally(acquisition: Acquisition): void {
      recordObservation(context, () => {
        const release = firstFinallyRelease(acquisition);
        const finalizer = release?.tryStatement.finalizer;
        if (release == null || finalizer == null) return undefined;
        return {
          rule: 'require-lock-release-in-finally',
          kind: 'lock-released-in-finally',
          lock: lockRef(acquisition),
          tryLine: release.tryStatement.loc.start.line,
          finallyLine: finalizer.loc.start.line,
          release: { label: releaseLabel(release.call), line: release.call.loc.start.line },
        };
      });
    }

    /** Where an exception thrown at a point goes: to a catch, through a releasing finally, or out. */
    function routeOfThrow(routes: readonly TryPart[], acquisition: Acquisition): TSESTree.TryStatement | 'absorbed' | 'leak' {
      for (const { tryStatement, part } of routes) {
        if (part === 'block' && tryStatement.handler != null) return tryStatement;
        if (tryStatement.finalizer != null && finallyReleases(tryStatement, acquisition)) return 'absorbed';
      }
      return 'leak';
    }

    /**
     * Reports an acquisition some path leaves held, naming one such path: a `return` or `throw`
     * first, then an exception from an awaited call (I/O, the likeliest to fail; one whose
     * rejection is already caught, `await save().catch(noop)`, only rejects if its handler throws),
     * then one from a synchronous call, then the end of the function.
     */
    function reportLeak(acquisition: Acquisition, witnesses: (TSESTree.Node | 'end')[]): void {
      const rank = (witness: TSESTree.Node | 'end'): number =>
        witness === 'end'
          ? 3
          : witness.type === AST_NODE_TYPES.ReturnStatement || witness.type === AST_NODE_TYPES.ThrowStatement
            ? 0
            : witness.type === AST_NODE_TYPES.AwaitExpression && !awaitsCaughtPromise(witness)
              ? 1
              : 2;
      const isException = (witness: TSESTree.Node | 'end'): witness is TSESTree.Node => rank(witness) === 1 || rank(witness) === 2;
      const position = (witness: TSESTree.Node | 'end'): number => (witness === 'end' ? Number.MAX_SAFE_INTEGER : witness.range[0]);
      const sorted = [...witnesses].sort((a, b) => rank(a) - rank(b) || position(a) - position(b));
      const witness = sorted[0] ?? 'end';
      const [release] = acquisition.releases;
      if (release == null) return;
      const base = {
        lock: acquisition.label,
        line: String(acquisition.call.loc.start.line),
        expiry: expiryText(acquisition),
      };
      const finallyRelease = firstFinallyRelease(acquisition);
      // A throwing statement between the acquisition and the try whose finally releases.
      const gapThrow = finallyRelease == null
        ? undefined
        : sorted.find((candidate): candidate is TSESTree.Node => isException(candidate) && candidate.range[0] > acquisition.call.range[1] && candidate.range[1] <= finallyRelease.tryStatement.range[0]);
      if (finallyRelease != null && gapThrow != null && rank(witness) !== 0) {
        const data = {
          lock: base.lock,
          line: base.line,
          expiry: base.expiry,
          releaseLine: String(finallyRelease.call.loc.start.line),
          statement: lockLabel(gapThrow),
          throwLine: String(gapThrow.loc.start.line),
        };
        recordReportDetails(context, acquisition.call, 'throwBeforeTry', () => ({
          ...detailsBase(acquisition, 'throwBeforeTry', data),
          release: { label: releaseLabel(finallyRelease.call), line: finallyRelease.call.loc.start.line },
          throwing: { label: data.statement, line: gapThrow.loc.start.line },
        }));
        context.report({ node: acquisition.call, messageId: 'throwBeforeTry', data });
        return;
      }
      const data = {
        lock: base.lock,
        line: base.line,
        expiry: base.expiry,
        release: releaseLabel(release),
        releaseLine: String(release.loc.start.line),
        path: pathText(witness, acquisition.fn),
      };
      const leakDetails = (messageId: 'notReleasedOnEveryPath' | 'releaseOnlyInTry' | 'releaseOnlyInCatch') => () => ({
        ...detailsBase(acquisition, messageId, data),
        release: { label: data.release, line: release.loc.start.line },
        path: leakPath(witness, acquisition.fn),
      });
      const onlyIn = finallyRelease == null ? releasesOnlyIn(acquisition) : undefined;
      if (onlyIn != null) {
        const messageId = onlyIn === 'block' ? 'releaseOnlyInTry' : 'releaseOnlyInCatch';
        recordReportDetails(context, acquisition.call, messageId, leakDetails(messageId));
        context.report({ node: acquisition.call, messageId, data });
        return;
      }
      const fix = tryFinallyWrapFix(acquisition, sourceCode, variableOf);
      recordReportDetails(context, acquisition.call, 'notReleasedOnEveryPath', leakDetails('notReleasedOnEveryPath'));
      context.report({
        node: acquisition.call,
        messageId: 'notReleasedOnEveryPath',
        data,
        ...(fix == null ? {} : { suggest: [{ messageId: 'wrapInTryFinally', data: { release: data.release }, fix }] }),
      });
    }

    /** A release in `finally` of a lock that may not have been obtained, with no check first; whether it was reported. */
    function checkReleaseGuard(acquisition: Acquisition): boolean {
      for (const release of acquisition.releases) {
        const tryStatement = finallyTryAround(release);
        if (tryStatement == null) continue;
        const insideTry = isInside(acquisition.call, tryStatement.block);
        if (!insideTry && (!acquisition.mayFail || tryStatement.range[0] < acquisition.call.range[1])) continue;
        if (releaseRunsOnlyWhenHeld(release, tryStatement, acquisition, variableOf)) continue;
        if (!insideTry && isCheckedBefore(tryStatement, acquisition)) continue;
        const { variable } = acquisition;
        const why = insideTry
          ? `the acquisition is inside the same \`try\`, so a failed or throwing \`${acquisition.label}\` still runs this \`finally\``
          : variable == null
            ? `\`${acquisition.label}\` can return null or false, and its result is ignored`
            : `\`${acquisition.label}\` can return null or false, and nothing checks \`${variable.name}\` before the \`try\``;
        const data = {
          lock: acquisition.label,
          line: String(acquisition.call.loc.start.line),
          release: releaseLabel(release),
          releaseLine: String(release.loc.start.line),
          why,
        };
        recordReportDetails(context, acquisition.call, 'releaseWithoutCheck', () => ({
          ...detailsBase(acquisition, 'releaseWithoutCheck', data),
          release: { label: data.release, line: release.loc.start.line },
          unchecked: insideTry
            ? { kind: 'acquired-inside-try' as const }
            : variable == null
              ? { kind: 'result-ignored' as const }
              : { kind: 'result-unchecked' as const, variable: variable.name },
        }));
        context.report({ node: acquisition.call, messageId: 'releaseWithoutCheck', data });
        return true;
      }
      return false;
    }

    return mergeListeners(log.listeners(), {
      'VariableDeclarator:exit'(node: TSESTree.VariableDeclarator) {
        if (node.parent.kind === 'using' || node.parent.kind === 'await using' || node.init == null) return;
        const call = skipWrappers(node.init, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression) acquireAt(call, node.id, node);
      },
      'AssignmentExpression:exit'(node: TSESTree.AssignmentExpression) {
        if (node.operator !== '=' || node.left.type !== AST_NODE_TYPES.Identifier) return;
        const call = skipWrappers(node.right, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression) acquireAt(call, node.left, node);
      },
      'ExpressionStatement:exit'(node: TSESTree.ExpressionStatement) {
        const call = skipWrappers(node.expression, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression && !locks.isAcquisition(call)) acquireAt(call, undefined, node);
      },
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        for (const acquisition of locks.recordReleases(node)) record(node, { type: 'release', acquisition });
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
        if (locks.acquiresIn(codePathOwnerOf(node))) record(node, { type: 'exit', node });
      },
      'ThrowStatement:exit'(node: TSESTree.ThrowStatement) {
        if (locks.acquiresIn(codePathOwnerOf(node))) record(node, { type: 'exit', node });
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

/**
 * What a leak costs when the lock expires on its own: it is held until then, not forever (the
 * message's `{{expiry}}`; empty for a lock that never expires).
 */
function expiryText({ expiry }: Acquisition): string {
  if (expiry == null) return '';
  return expiry.value == null
    ? ` until it expires on its own (after the default \`${expiry.parameter}\`)`
    : ` until it expires on its own (its \`${expiry.parameter}\` is \`${expiry.value}\`)`;
}

/** `await x().catch(…)`: a rejection is handled before the await sees it. */
function awaitsCaughtPromise(node: TSESTree.AwaitExpression): boolean {
  const operand = skipWrappers(node.argument, { awaits: false });
  return (
    operand.type === AST_NODE_TYPES.CallExpression &&
    operand.callee.type === AST_NODE_TYPES.MemberExpression &&
    !operand.callee.computed &&
    operand.callee.property.type === AST_NODE_TYPES.Identifier &&
    operand.callee.property.name === 'catch'
  );
}

/** The lock as the details name it, with what kind of resource it is. */
function lockRef(acquisition: Acquisition): LockRef {
  return {
    label: acquisition.label,
    line: acquisition.call.loc.start.line,
    resource: acquisition.advisory ? 'advisory-lock' : acquisition.queryRunner ? 'query-runner' : 'lock',
  };
}

/** The path a report names, as fields. */
function leakPath(witness: TSESTree.Node | 'end', fn: TSESTree.Node): LeakPath {
  if (witness === 'end') return { kind: 'end', line: fn.loc.end.line };
  const line = witness.loc.start.line;
  if (witness.type === AST_NODE_TYPES.ReturnStatement) return { kind: 'return', line };
  if (witness.type === AST_NODE_TYPES.ThrowStatement) return { kind: 'throw', line };
  return { kind: 'exception', label: lockLabel(witness), line };
}

/** The path a report names: `the \`return\` at line 12`, `an exception from \`doWork()\` at line 9`. */
function pathText(witness: TSESTree.Node | 'end', fn: TSESTree.Node): string {
  if (witness === 'end') return `the path that reaches the end of the function (line ${String(fn.loc.end.line)})`;
  const line = String(witness.loc.start.line);
  if (witness.type === AST_NODE_TYPES.ReturnStatement) return `the \`return\` at line ${line}`;
  if (witness.type === AST_NODE_TYPES.ThrowStatement) return `the \`throw\` at line ${line}`;
  return `an exception from \`${lockLabel(witness)}\` at line ${line}`;
}
