import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import { skipWrappers } from '../ast/expressions.js';
import { sqlTakesAdvisoryLock } from './advisory-locks.js';
import { hasMethodMatching, isCallableResult, isOpaqueType, packageOfCall, typeNameOf } from './lock-calls.js';

/** A lock API the user names in the rule's `locks` option. */
export interface LockPair {
  acquire: string;
  release: string;
  receiver?: string;
}

/** What the lock analyses read from the file being linted. */
export interface LockFile {
  checker: ts.TypeChecker;
  sourceCode: Readonly<TSESLint.SourceCode>;
  toTsNode(node: TSESTree.Node): ts.Node;
  /** The `locks` option: acquire/release pairs beyond the APIs recognised here. */
  lockPairs: readonly LockPair[];
}

/** How the lock a call acquires is released, as its API says. */
export interface LockApi {
  /** Normalised source text of the receiver (`this.visitorLockService`), see `receiverKeyOf`. */
  receiverKey?: string;
  /** Methods on the same receiver that release (`releaseLock`, `mutex.release`). */
  receiverReleases?: RegExp;
  /** Methods on the returned handle that release (`lock.unlock()`). */
  handleReleases?: RegExp;
  /** The result is a release function (`release()`). */
  handleCallable: boolean;
  /** An option pair without a receiver: a plain function that releases. */
  plainRelease?: string;
  /** `pg_advisory_lock` through `query()`: released by `pg_advisory_unlock` on the same receiver. */
  advisory: boolean;
  /** TypeORM's `createQueryRunner()`: the runner holds a pooled connection until `release()`. */
  queryRunner: boolean;
  /** Recognised by name only: a user's own lock service. */
  userService?: boolean;
  /** The method's name says it may not obtain the lock (`tryLock`, `tryAcquire`). */
  mayFailByName?: boolean;
}

/** The method names of a user's own lock service, and the names its locks go by. */
const ACQUIRE_NAME = /^(?:acquire|lock|trylock|obtain|take)/i;
/** The acquiring methods of the lock packages in `packageLockApi`. */
const PACKAGE_ACQUIRE_METHODS = new Set(['createQueryRunner', 'acquire', 'lock']);
const PACKAGES_WITH_LOCKS = new Set(['typeorm', 'async-mutex', 'redlock', 'proper-lockfile']);
const RELEASE_NAME = /^(?:release|unlock|free)/i;
const LOCK_NAME = /(?:^|[^A-Za-z])(?:lock|mutex|semaphore)|Lock|Mutex|Semaphore|LOCK|MUTEX|SEMAPHORE/;

/**
 * The lock API `call` acquires through, if any: an advisory lock in SQL, a pair from the `locks`
 * option, a lock package (TypeORM query runners, async-mutex, redlock, proper-lockfile), or a
 * user's own lock service, known by its names and by having something that releases.
 */
export function lockApiOf(call: TSESTree.CallExpression, file: LockFile): LockApi | undefined {
  // `lock.acquire(key, async () => …)` (async-lock's style): a callback API releases when the callback settles.
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
  if (receiver != null && method === 'query' && sqlTakesAdvisoryLock(call)) {
    return { ...NOTHING_RELEASES, advisory: true, receiverKey: receiverKeyOf(file.sourceCode, receiver) };
  }
  const pair = file.lockPairs.find((candidate) => candidate.acquire === method && receiverMatches(candidate.receiver, receiver, file));
  if (pair != null) {
    const exact = new RegExp(`^${escapeRegExp(pair.release)}$`);
    return receiver == null
      ? { ...NOTHING_RELEASES, handleReleases: exact, plainRelease: pair.release }
      : { ...NOTHING_RELEASES, receiverKey: receiverKeyOf(file.sourceCode, receiver), receiverReleases: exact, handleReleases: exact };
  }
  // Every package lock and every lock service is named by its method: the call's signature
  // (costly to resolve) is only needed for those names.
  if (!PACKAGE_ACQUIRE_METHODS.has(method) && (receiver == null || !ACQUIRE_NAME.test(method))) return undefined;
  const tsCall = file.toTsNode(call) as ts.CallExpression;
  const pkg = packageOfCall(file.checker, tsCall);
  if (pkg != null && PACKAGES_WITH_LOCKS.has(pkg)) return packageLockApi(pkg, method, receiver, file);
  return lockServiceApi(tsCall, method, receiver, file);
}

/** Where every `LockApi` starts: nothing known to release it yet. */
const NOTHING_RELEASES = { handleCallable: false, advisory: false, queryRunner: false } as const;

/** A call into one of `PACKAGES_WITH_LOCKS`: only its acquiring methods lock. */
function packageLockApi(pkg: string, method: string, receiver: TSESTree.Expression | undefined, file: LockFile): LockApi | undefined {
  switch (pkg) {
    case 'typeorm':
      return method === 'createQueryRunner' ? { ...NOTHING_RELEASES, queryRunner: true, handleReleases: /^release$/ } : undefined;
    case 'async-mutex':
      return method === 'acquire' && receiver != null
        ? { ...NOTHING_RELEASES, handleCallable: true, receiverKey: receiverKeyOf(file.sourceCode, receiver), receiverReleases: /^release$/ }
        : undefined;
    case 'redlock':
      return (method === 'acquire' || method === 'lock') && receiver != null
        ? { ...NOTHING_RELEASES, handleReleases: /^(?:release|unlock)$/, receiverKey: receiverKeyOf(file.sourceCode, receiver), receiverReleases: /^(?:release|unlock)$/ }
        : undefined;
    case 'proper-lockfile':
      return method === 'lock'
        ? { ...NOTHING_RELEASES, handleCallable: true, ...(receiver == null ? {} : { receiverKey: receiverKeyOf(file.sourceCode, receiver), receiverReleases: /^unlock$/ }) }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * `this.visitorLockService.acquireLock(uid)`: a user's own lock service. Its receiver's name or type
 * says lock, mutex or semaphore; and, when its type is known, something releases — a method on the
 * service, a method on what it hands back, or the handed-back value called as a function.
 */
function lockServiceApi(tsCall: ts.CallExpression, method: string, receiver: TSESTree.Expression | undefined, file: LockFile): LockApi | undefined {
  if (receiver == null || !ACQUIRE_NAME.test(method)) return undefined;
  const { checker } = file;
  const receiverType = checker.getTypeAtLocation(file.toTsNode(receiver));
  const names = [lastNameOf(receiver), isOpaqueType(receiverType) ? undefined : typeNameOf(receiverType)];
  if (!names.some((name) => name != null && LOCK_NAME.test(name))) return undefined;
  if (!isOpaqueType(receiverType)) {
    const resultType = checker.getTypeAtLocation(tsCall);
    const evidence = hasMethodMatching(checker, receiverType, RELEASE_NAME)
      || (!isOpaqueType(resultType) && (hasMethodMatching(checker, resultType, RELEASE_NAME) || isCallableResult(checker, resultType)));
    if (!evidence) return undefined;
  }
  return {
    ...NOTHING_RELEASES,
    userService: true,
    handleCallable: true,
    handleReleases: RELEASE_NAME,
    receiverKey: receiverKeyOf(file.sourceCode, receiver),
    receiverReleases: RELEASE_NAME,
    mayFailByName: /^try/i.test(method),
  };
}

/**
 * How receivers are compared: by source text without spacing, `?.` or `!`, so the `this.lockService`
 * that acquires and the `this.lockService!` that releases are the same receiver.
 */
export function receiverKeyOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  return sourceCode.getText(node).replace(/\s+/g, '').replaceAll('?.', '.').replaceAll('!', '');
}

/** An option's `receiver`: the exact text, or a regular expression, of the receiver or its type's name. */
function receiverMatches(pattern: string | undefined, receiver: TSESTree.Expression | undefined, file: LockFile): boolean {
  if (pattern == null) return true;
  if (receiver == null) return false;
  const candidates = [receiverKeyOf(file.sourceCode, receiver), lastNameOf(receiver), typeNameOf(file.checker.getTypeAtLocation(file.toTsNode(receiver)))];
  let regex: RegExp | undefined;
  try {
    regex = new RegExp(pattern);
  } catch {
    // Not a valid expression: the exact text still matches.
    regex = undefined;
  }
  return candidates.some((candidate) => candidate != null && (candidate === pattern || regex?.test(candidate) === true));
}

/** `locks` in `this.locks` or `locks`: the name a receiver goes by. */
function lastNameOf(node: TSESTree.Node): string | undefined {
  const inner = skipWrappers(node, { awaits: true });
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression && !inner.computed && inner.property.type === AST_NODE_TYPES.Identifier) return inner.property.name;
  return undefined;
}

function isFunctionArgument(argument: TSESTree.CallExpressionArgument): boolean {
  return argument.type === AST_NODE_TYPES.ArrowFunctionExpression || argument.type === AST_NODE_TYPES.FunctionExpression;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
