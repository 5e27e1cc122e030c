import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import { isInside, skipWrappers } from '../ast/expressions.js';
import { codePathOwnerOf } from '../ast/functions.js';
import { sqlFreesAdvisoryLock } from './advisory-locks.js';
import { calleeTakesOwnership } from './callee-ownership.js';
import { lockApiOf, receiverKeyOf, type LockApi, type LockFile } from './lock-apis.js';
import { lockExpiryOf, type LockExpiry } from './lock-expiry.js';
import { acquisitionMayFail } from './lock-calls.js';
import { handleLeavesFunction } from './lock-hand-offs.js';
import { acquisitionLabel } from './lock-labels.js';

type Variable = TSESLint.Scope.Variable;

/** The variable an identifier refers to, if it resolves. */
export type VariableLookup = (identifier: TSESTree.Identifier) => Variable | undefined;

/** One call that acquires a lock, and what has been found to release it so far. */
export interface Acquisition extends Omit<LockApi, 'mayFailByName'> {
  /** Unique within the file: the key of the acquisition in flow states. */
  id: number;
  call: TSESTree.CallExpression;
  /** The function (or Program) the acquisition runs in. */
  fn: TSESTree.Node;
  /** The variable holding the result: a handle, a release function, a lock id or a flag. */
  variable?: Variable;
  /** The lock may not be obtained: the call can come back null, undefined or false. */
  mayFail: boolean;
  label: string;
  /** The calls found to release it (in `fn` or in functions inside it), in the order the walk leaves them. */
  releases: TSESTree.CallExpression[];
  /** The lock expires on its own after a lifetime its acquisition sets (or defaults). */
  expiry?: LockExpiry;
  /** Ownership moves: the handle is returned, stored, handed to code that takes it over, or released in another function. */
  escapes: boolean;
}

export interface LockRecogniserOptions extends LockFile {
  variableOf: VariableLookup;
}

/** QueryRunner set-up calls that run between createQueryRunner() and the try in TypeORM's own docs. */
const QUERY_RUNNER_SETUP = new Set(['connect', 'startTransaction']);

/**
 * The locks one file acquires and the calls that release them, found while ESLint walks the file:
 * an acquisition is known from its call on; a release is a later call that frees something
 * acquired before it. Created once per file.
 */
export class LockRecogniser {
  private readonly acquisitions: Acquisition[] = [];
  private readonly byFunction = new Map<TSESTree.Node, Acquisition[]>();
  private readonly byVariable = new Map<Variable, Acquisition>();
  private readonly acquiringCalls = new Set<TSESTree.CallExpression>();
  private readonly releasing = new Map<TSESTree.CallExpression, Acquisition[]>();
  private nextId = 0;

  constructor(private readonly file: LockRecogniserOptions) {}

  /**
   * The lock `call` acquires, with its result bound to `target` (an identifier, the `[, release]`
   * of async-mutex's `Semaphore#acquire()`, or nothing for a bare statement), in the statement or
   * declarator `anchor`. From then on it is tracked: its releases are looked for.
   */
  acquisitionAt(call: TSESTree.CallExpression, target: TSESTree.Node | undefined, anchor: TSESTree.Node): Acquisition | undefined {
    const api = lockApiOf(call, this.file);
    if (api == null) return undefined;
    let variable: Variable | undefined;
    if (target?.type === AST_NODE_TYPES.Identifier) {
      variable = this.file.variableOf(target);
    } else if (target?.type === AST_NODE_TYPES.ArrayPattern) {
      // async-mutex `Semaphore#acquire()` resolves to `[value, release]`.
      const second = target.elements[1];
      if (!api.handleCallable || second?.type !== AST_NODE_TYPES.Identifier) return undefined;
      variable = this.file.variableOf(second);
    } else if (target != null) {
      return undefined;
    }
    if (target != null && variable == null) return undefined;
    // A bare statement can only be released through its receiver (or a plain function).
    if (variable == null && api.receiverReleases == null && !api.advisory && api.plainRelease == null) return undefined;
    const fn = codePathOwnerOf(anchor);
    const { mayFailByName, ...rest } = api;
    const expiry = rest.advisory || rest.queryRunner ? undefined : lockExpiryOf(this.file.checker, this.file.toTsNode(call) as ts.CallExpression);
    const acquisition: Acquisition = {
      ...rest,
      id: this.nextId++,
      call,
      fn,
      ...(variable == null ? {} : { variable }),
      ...(expiry == null ? {} : { expiry }),
      // An advisory lock waits until it is granted; a query runner is always handed out.
      mayFail: !rest.advisory && !rest.queryRunner && (mayFailByName === true || acquisitionMayFail(this.file.checker, this.file.toTsNode(call) as ts.CallExpression)),
      label: acquisitionLabel(call, rest.advisory),
      releases: [],
      escapes: false,
    };
    acquisition.escapes =
      variable != null &&
      handleLeavesFunction(
        variable,
        fn,
        anchor,
        (candidate) => this.isReleaseOf(candidate, acquisition),
        (receiver, index) => calleeTakesOwnership(this.file.checker, this.file.toTsNode(receiver) as ts.CallExpression | ts.NewExpression, index, acquisition),
      );
    this.acquisitions.push(acquisition);
    this.acquiringCalls.add(call);
    const list = this.byFunction.get(fn) ?? [];
    list.push(acquisition);
    this.byFunction.set(fn, list);
    if (variable != null) this.byVariable.set(variable, acquisition);
    return acquisition;
  }

  /**
   * Notes `call` as a release of every tracked acquisition it releases, and returns those it releases
   * from the acquisition's own function. A release from a function inside it (a callback, a closure)
   * hands the lock off: the acquisition escapes.
   */
  recordReleases(call: TSESTree.CallExpression): Acquisition[] {
    if (this.acquisitions.length === 0) return [];
    const fn = codePathOwnerOf(call);
    const released: Acquisition[] = [];
    for (const acquisition of this.acquisitions) {
      if (!isInside(call, acquisition.fn) || !this.isReleaseOf(call, acquisition)) continue;
      acquisition.releases.push(call);
      const list = this.releasing.get(call) ?? [];
      list.push(acquisition);
      this.releasing.set(call, list);
      if (fn === acquisition.fn) released.push(acquisition);
      else acquisition.escapes = true;
    }
    return released;
  }

  /** The acquisitions tracked in a function (or Program), in source order. */
  inFunction(fn: TSESTree.Node): readonly Acquisition[] {
    return this.byFunction.get(fn) ?? [];
  }

  /** Whether `fn` acquires anything tracked. */
  acquiresIn(fn: TSESTree.Node): boolean {
    return this.byFunction.has(fn);
  }

  isAcquisition(call: TSESTree.CallExpression): boolean {
    return this.acquiringCalls.has(call);
  }

  /** Whether `call` was found to release a tracked acquisition. */
  isRelease(call: TSESTree.CallExpression): boolean {
    return this.releasing.has(call);
  }

  /** The tracked acquisitions `call` was found to release. */
  releasedBy(call: TSESTree.CallExpression): readonly Acquisition[] {
    return this.releasing.get(call) ?? [];
  }

  /** `queryRunner.connect()`, `queryRunner.startTransaction()` on a tracked query runner. */
  isQueryRunnerSetup(call: TSESTree.CallExpression): boolean {
    const callee = call.callee;
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return false;
    if (!QUERY_RUNNER_SETUP.has(callee.property.name) || callee.object.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = this.file.variableOf(callee.object);
    const acquisition = variable == null ? undefined : this.byVariable.get(variable);
    return acquisition?.queryRunner === true;
  }

  /**
   * Whether `call` releases what `acquisition` acquired: the handle's release method, the release
   * function it returned, a plain release function, or the release method on the same receiver.
   */
  private isReleaseOf(call: TSESTree.CallExpression, acquisition: Acquisition): boolean {
    if (call === acquisition.call || call.range[0] < acquisition.call.range[1]) return false;
    const callee = skipWrappers(call.callee, { awaits: true });
    const { variable } = acquisition;
    if (callee.type === AST_NODE_TYPES.Identifier) {
      if (variable != null && this.file.variableOf(callee) === variable) return acquisition.handleCallable;
      return acquisition.plainRelease === callee.name;
    }
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return false;
    const name = callee.property.name;
    const object = skipWrappers(callee.object, { awaits: true });
    if (variable != null && object.type === AST_NODE_TYPES.Identifier && this.file.variableOf(object) === variable) {
      return acquisition.handleReleases?.test(name) === true;
    }
    if (acquisition.receiverKey == null || receiverKeyOf(this.file.sourceCode, object) !== acquisition.receiverKey) return false;
    if (acquisition.advisory) return name === 'query' && sqlFreesAdvisoryLock(call);
    return acquisition.receiverReleases?.test(name) === true;
  }
}
