import path from 'node:path';

import rule from '../../src/rules/require-lock-release-in-finally.js';
import { createRuleTester, fixturesDir } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Mutex, Semaphore } from 'async-mutex';
import Redlock from 'redlock';
import { DataSource, QueryRunner } from 'typeorm';
import { ExpiringLockManager, LockManager, LockRepository, VisitorLockService, doWork, validate } from './shared/locks.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** A file compiled with `strictNullChecks: false`; the lock-library typings are not part of its program. */
const LOOSE_FILE = path.join(fixturesDir, 'loose', 'file.ts');
const looseImports = imports.replaceAll("'./shared/", "'../shared/");

ruleTester.run('require-lock-release-in-finally', rule, {
  valid: [
    {
      name: "an accessor of the project that only returns a field between the acquisition and the try",
      code: `${imports}
class Platform {
  private readonly kind: string = 'cloud';
  getKind(): string {
    return this.kind;
  }
  readonly current = (): string => this.kind;
}
export async function run(locks: LockManager, platform: Platform): Promise<string> {
  const lock = await locks.acquire('platform');
  const kind = platform.getKind();
  const same = platform.current();
  try {
    return await doWork(kind + same);
  } finally {
    lock.unlock();
  }
}`,
    },
    {
      name: 'a query runner released in finally unless it was released already (`!runner.isReleased`)',
      code: `${imports}
export async function importAll(dataSource: DataSource): Promise<void> {
  let runner: QueryRunner | undefined;
  try {
    runner = dataSource.createQueryRunner();
    await runner.connect();
    await doWork('import');
  } catch (error) {
    console.error(error);
  } finally {
    if (runner && !runner.isReleased) await runner.release();
  }
}
export async function exportAll(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await doWork('export');
  } finally {
    if (!runner.isReleased) await runner.release();
  }
}`,
    },
    {
      name: 'only standard-library calls that do not throw in practice between the acquisition and the try',
      code: `${imports}
export async function count(locks: LockManager, key: string, seen: Map<string, number>, ids: Set<string>): Promise<string> {
  const lock = await locks.acquire(key);
  const known = seen.has(key);
  const list = Array.from(ids.values());
  const keys = Object.keys({ key, known });
  const label = JSON.stringify({ key, size: list.length + keys.length }).trim();
  const copy = new Set(list);
  const limit = Math.max(copy.size, lock.key.length);
  try {
    return await doWork(\`\${label}:\${String(limit)}\`);
  } finally {
    lock.unlock();
  }
}`,
    },
    {
      name: 'a query runner handed to a helper that releases it, keeps it, or hands it on to one that does',
      code: `${imports}
async function seed(runner: QueryRunner): Promise<void> {
  if (runner.isReleased) return;
  await runner.query('INSERT INTO audit_log DEFAULT VALUES');
}
async function finish(runner: QueryRunner): Promise<void> {
  try {
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}
async function finishLater(runner: QueryRunner): Promise<void> {
  await seed(runner);
  await finish(runner);
}
class Pool {
  private readonly open: QueryRunner[] = [];
  keep(runner: QueryRunner): void {
    this.open.push(runner);
  }
}
export async function importOrders(dataSource: DataSource, pool: Pool): Promise<void> {
  const first = dataSource.createQueryRunner();
  await seed(first);
  await finish(first);
  const second = dataSource.createQueryRunner();
  pool.keep(second);
  const third = dataSource.createQueryRunner();
  await finishLater(third);
}`,
    },
    {
      name: "a lock service's result unused: its release needs arguments nothing here holds",
      code: `${imports}
export async function warm(locks: VisitorLockService, uid: string): Promise<void> {
  await locks.acquireLock(uid);
}`,
    },
    {
      name: "the audit's responder: checked, then released in finally",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string, log: (e: unknown) => void): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  let reply = null;
  try {
    reply = await doWork(uid);
    if (!reply) return;
  } catch (error) {
    log(error);
  } finally {
    await locks.releaseLock(uid, lockId);
  }
}`,
    },
    {
      name: "a throw when the lock was not obtained",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (lockId === null) {
    throw new Error('busy');
  }
  try {
    await doWork(uid);
  } finally {
    await locks.releaseLock(uid, lockId);
  }
}`,
    },
    {
      name: "the try inside if (lockId)",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (lockId) {
    try {
      await doWork(uid);
    } finally {
      await locks.releaseLock(uid, lockId);
    }
  }
}`,
    },
    {
      name: "the release in finally guarded by the lock id",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  try {
    await doWork(uid);
  } finally {
    if (lockId) await locks.releaseLock(uid, lockId);
  }
}`,
    },
    {
      name: "a handle unlocked in finally",
      code: `${imports}
export async function run(locks: LockManager, key: string): Promise<void> {
  const lock = await locks.acquire(key);
  try {
    await doWork(key);
  } finally {
    lock.unlock();
  }
}`,
    },
    {
      name: "async-mutex release in finally; the acquisition inside the try with release?.()",
      code: `${imports}
export async function run(mutex: Mutex): Promise<void> {
  const release = await mutex.acquire();
  try {
    await doWork('a');
  } finally {
    release();
  }
}
export async function inside(mutex: Mutex): Promise<void> {
  let release: (() => void) | undefined;
  try {
    release = await mutex.acquire();
    await doWork('a');
  } finally {
    release?.();
  }
}`,
    },
    {
      name: "callback forms and await using",
      code: `${imports}
export async function run(mutex: Mutex, redlock: Redlock, sem: Semaphore): Promise<void> {
  await mutex.runExclusive(async () => doWork('a'));
  await redlock.using(['a'], 1000, async () => doWork('b'));
  await sem.runExclusive(async () => doWork('c'));
  await using handle = { async [Symbol.asyncDispose]() { await doWork('d'); } };
  await doWork(String(handle));
}`,
    },
    {
      name: "nothing that can throw between acquisition and release",
      code: `${imports}
export async function count(mutex: Mutex, counter: { value: number }): Promise<void> {
  const release = await mutex.acquire();
  counter.value += 1;
  release();
}`,
    },
    {
      name: "the release function is returned, stored on this, or handed to a timer",
      code: `${imports}
export async function take(mutex: Mutex): Promise<() => void> {
  const release = await mutex.acquire();
  await doWork('a');
  return release;
}
export class Holder {
  private release: (() => void) | undefined;
  async take(mutex: Mutex): Promise<void> {
    this.release = await mutex.acquire();
    await doWork('a');
  }
  async stash(locks: LockManager): Promise<void> {
    const lock = await locks.acquire('k');
    await doWork('a');
    this.schedule(lock);
  }
  schedule(lock: { unlock(): void }): void {
    setTimeout(() => { lock.unlock(); }, 10);
  }
}
export async function later(mutex: Mutex): Promise<void> {
  const release = await mutex.acquire();
  await doWork('a');
  setTimeout(() => { release(); }, 10);
}`,
    },
    {
      name: "acquire and release in separate handlers",
      code: `${imports}
export class Handlers {
  constructor(private readonly locks: VisitorLockService) {}
  async onStart(uid: string): Promise<string | null> {
    const lockId = await this.locks.acquireLock(uid);
    await doWork(uid);
    return lockId;
  }
  async onEnd(uid: string, lockId: string): Promise<void> {
    await doWork(uid);
    await this.locks.releaseLock(uid, lockId);
  }
}`,
    },
    {
      name: "name-only look-alikes: lock counters, an isLocked flag, a promise chain named lock",
      code: `${imports}
let isLocked = false;
let messageUpdateLock: Promise<unknown> = Promise.resolve();
export async function signIn(lockRepository: LockRepository, user: string): Promise<void> {
  const counter = await lockRepository.getLockCounter(user);
  await lockRepository.lockSuccessfulOtp(user, String(counter));
  await doWork(user);
  await lockRepository.resetLockCounter(user);
}
export async function refresh(): Promise<void> {
  if (isLocked) return;
  isLocked = true;
  try {
    await doWork('a');
  } finally {
    isLocked = false;
  }
}
export function queue(): void {
  messageUpdateLock = messageUpdateLock.then(() => doWork('b'));
}`,
    },
    {
      name: "TypeORM query runner: connect and startTransaction before the try, release in finally",
      code: `${imports}
export async function migrate(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  try {
    await queryRunner.query('UPDATE t SET a = 1');
    await queryRunner.commitTransaction();
  } catch (error) {
    await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await queryRunner.release();
  }
}`,
    },
    {
      name: "advisory lock released in finally",
      code: `${imports}
export async function migrate(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query('SELECT pg_advisory_lock(42)');
  try {
    await doWork('migrate');
  } finally {
    await queryRunner.query('SELECT pg_advisory_unlock(42)');
  }
}`,
    },
    {
      name: "a plain declaration between acquisition and try",
      code: `${imports}
export async function refresh(locks: LockManager, key: string): Promise<string | null> {
  const lock = await locks.acquire(key);
  let refreshed: string | null = null;
  try {
    refreshed = await doWork(key);
  } finally {
    lock.unlock();
  }
  return refreshed;
}`,
    },
    {
      name: "released in the try body and in the catch that rethrows",
      code: `${imports}
export async function run(locks: LockManager, key: string): Promise<void> {
  const lock = await locks.acquire(key);
  try {
    await doWork(key);
    lock.unlock();
  } catch (error) {
    lock.unlock();
    throw error;
  }
}`,
    },
    {
      name: "a lock service typed any, used correctly",
      code: `${imports}
export async function run(service: { lockService: any }, key: string): Promise<void> {
  const handle = await service.lockService.acquire(key);
  try {
    await doWork(key);
  } finally {
    await service.lockService.release(handle);
  }
}`,
    },
    {
      name: "the audit's responder: checked, then released in finally (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function respond(locks: VisitorLockService, uid: string, log: (e: unknown) => void): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  let reply = null;
  try {
    reply = await doWork(uid);
    if (!reply) return;
  } catch (error) {
    log(error);
  } finally {
    await locks.releaseLock(uid, lockId);
  }
}`,
    },
    {
      name: "the try inside if (lockId) (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (lockId) {
    try {
      await doWork(uid);
    } finally {
      await locks.releaseLock(uid, lockId);
    }
  }
}`,
    },
    {
      name: "the release in finally guarded by the lock id (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  try {
    await doWork(uid);
  } finally {
    if (lockId) await locks.releaseLock(uid, lockId);
  }
}`,
    },
    {
      name: "a lock service typed any, used correctly (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function run(service: { lockService: any }, key: string): Promise<void> {
  const handle = await service.lockService.acquire(key);
  try {
    await doWork(key);
  } finally {
    await service.lockService.release(handle);
  }
}`,
    },
    {
      name: 'the locks option: an acquisition that returns nothing, released in finally',
      code: `${imports}
interface Gate { enter(key: string): Promise<void>; leave(key: string): Promise<void> }
export async function run(gate: Gate, key: string): Promise<void> {
  await gate.enter(key);
  try {
    await doWork(key);
  } finally {
    await gate.leave(key);
  }
}`,
      options: [{ locks: [{ acquire: 'enter', release: 'leave', receiver: '^gate$' }] }],
    },
    {
      name: 'the locks option does not apply to other receivers',
      code: `${imports}
interface Gate { enter(key: string): Promise<void>; leave(key: string): Promise<void> }
export async function run(door: Gate, key: string): Promise<void> {
  await door.enter(key);
  await doWork(key);
  await door.leave(key);
}`,
      options: [{ locks: [{ acquire: 'enter', release: 'leave', receiver: '^gate$' }] }],
    },
  ],
  invalid: [
    {
      name: 'a lock that expires on its own: the message says a leak holds it until then',
      code: `${imports}
export async function ban(locks: ExpiringLockManager, userId: string, banned: boolean): Promise<string> {
  const lock = await locks.acquire(\`ban-\${userId}\`);
  if (banned) return 'already banned';
  lock.unlock();
  return 'banned';
}
export async function mute(locks: ExpiringLockManager, userId: string): Promise<void> {
  const lock = await locks.acquire(\`mute-\${userId}\`, 30_000);
  await doWork(userId);
  lock.unlock();
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            lock: 'locks.acquire(…)',
            line: String(L + 3),
            path: `the \`return\` at line ${String(L + 4)}`,
            expiry: ' until it expires on its own (after the default `lockTimeout`)',
            release: 'lock.unlock()',
            releaseLine: String(L + 5),
          },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 52,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: 'lock.unlock()' }, output: `${imports}
export async function ban(locks: ExpiringLockManager, userId: string, banned: boolean): Promise<string> {
  const lock = await locks.acquire(\`ban-\${userId}\`);
  try {
    if (banned) return 'already banned';
    return 'banned';
  } finally {
    lock.unlock();
  }
}
export async function mute(locks: ExpiringLockManager, userId: string): Promise<void> {
  const lock = await locks.acquire(\`mute-\${userId}\`, 30_000);
  await doWork(userId);
  lock.unlock();
}` }],
        },
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            lock: 'locks.acquire(…)',
            line: String(L + 9),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 10)}`,
            expiry: ' until it expires on its own (its `lockTimeout` is `30_000`)',
            release: 'lock.unlock()',
            releaseLine: String(L + 11),
          },
          line: L + 9,
          column: 22,
          endLine: L + 9,
          endColumn: 61,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: 'lock.unlock()' }, output: `${imports}
export async function ban(locks: ExpiringLockManager, userId: string, banned: boolean): Promise<string> {
  const lock = await locks.acquire(\`ban-\${userId}\`);
  if (banned) return 'already banned';
  lock.unlock();
  return 'banned';
}
export async function mute(locks: ExpiringLockManager, userId: string): Promise<void> {
  const lock = await locks.acquire(\`mute-\${userId}\`, 30_000);
  try {
    await doWork(userId);
  } finally {
    lock.unlock();
  }
}` }],
        },
      ],
    },
    {
      name: 'a standard-library call that runs a callback can throw before the try',
      code: `${imports}
export async function sendAll(locks: LockManager, keys: string[]): Promise<void> {
  const lock = await locks.acquire('batch');
  keys.forEach((key) => validate(key));
  try {
    await doWork(keys.join(','));
  } finally {
    lock.unlock();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'throwBeforeTry',
          data: { expiry: '', lock: 'locks.acquire(…)', line: String(L + 3), releaseLine: String(L + 8), statement: 'keys.forEach(…)', throwLine: String(L + 4) },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 44,
        },
      ],
    },
    {
      name: 'the path named is the awaited call that can fail, not a Map lookup, a synchronous call or an await whose rejection is caught',
      code: `${imports}
export async function refresh(locks: LockManager, key: string, cache: Map<string, string>): Promise<string | undefined> {
  const lock = await locks.acquire(key);
  const cached = cache.get(key);
  validate(key);
  await doWork('log').catch(() => undefined);
  const fresh = await doWork(key);
  cache.set(key, fresh);
  lock.unlock();
  return cached ?? fresh;
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: { expiry: '', lock: 'locks.acquire(…)', line: String(L + 3), path: `an exception from \`await doWork(…)\` at line ${String(L + 7)}`, release: 'lock.unlock()', releaseLine: String(L + 9) },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 40,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              data: { release: 'lock.unlock()' },
              output: `${imports}
export async function refresh(locks: LockManager, key: string, cache: Map<string, string>): Promise<string | undefined> {
  const lock = await locks.acquire(key);
  try {
    const cached = cache.get(key);
    validate(key);
    await doWork('log').catch(() => undefined);
    const fresh = await doWork(key);
    cache.set(key, fresh);
    return cached ?? fresh;
  } finally {
    lock.unlock();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a query runner handed only to a helper that uses it and never releases it: still this function\'s to release',
      code: `${imports}
async function seed(runner: QueryRunner): Promise<void> {
  if (runner.isReleased) return;
  await runner.query('INSERT INTO audit_log DEFAULT VALUES');
}
async function finish(runner: QueryRunner): Promise<void> {
  try {
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}
async function finishLater(runner: QueryRunner): Promise<void> {
  await seed(runner);
  await finish(runner);
}
class Pool {
  private readonly open: QueryRunner[] = [];
  keep(runner: QueryRunner): void {
    this.open.push(runner);
  }
}
export async function importUsers(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await seed(runner);
}`,
      output: null,
      errors: [
        {
          messageId: 'neverReleased',
          data: { expiry: '', lock: 'dataSource.createQueryRunner()', line: String(L + 24) },
          line: L + 24,
          column: 18,
          endLine: L + 24,
          endColumn: 48,
        },
      ],
    },
    {
      name: "acquired and never released",
      code: `${imports}
export async function respond(locks: VisitorLockService, manager: LockManager, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  const lock = await manager.acquire(uid);
  await doWork(uid + lock.key);
}`,
      output: null,
      errors: [
        {
          messageId: 'neverReleased',
          data: { expiry: '', lock: "locks.acquireLock(…)", line: String(L + 3) },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
        {
          messageId: 'neverReleased',
          data: { expiry: '', lock: "manager.acquire(…)", line: String(L + 5) },
          line: L + 5,
          column: 22,
          endLine: L + 5,
          endColumn: 42,
        },
      ],
    },
    {
      name: "the suggestion keeps the check for a failed acquisition before the try",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  await doWork(uid);
  await locks.releaseLock(uid, lockId);
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 5)}`,
            release: "locks.releaseLock(…)",
            releaseLine: String(L + 6),
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              data: { release: "locks.releaseLock(…)" },
              output: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  try {
    await doWork(uid);
  } finally {
    await locks.releaseLock(uid, lockId);
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "an early return that never unlocks",
      code: `${imports}
export async function ban(locks: LockManager, user: string, alreadyBanned: boolean): Promise<string> {
  const lock = await locks.acquire(user);
  if (alreadyBanned) {
    return 'already banned';
  }
  await doWork(user);
  lock.unlock();
  return 'banned';
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "locks.acquire(…)",
            line: String(L + 3),
            path: `the \`return\` at line ${String(L + 5)}`,
            release: "lock.unlock()",
            releaseLine: String(L + 8),
          },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 41,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "lock.unlock()" }, output: `${imports}
export async function ban(locks: LockManager, user: string, alreadyBanned: boolean): Promise<string> {
  const lock = await locks.acquire(user);
  try {
    if (alreadyBanned) {
      return 'already banned';
    }
    await doWork(user);
    return 'banned';
  } finally {
    lock.unlock();
  }
}` }],
        },
      ],
    },
    {
      name: "a throwing call before a release that is not in finally",
      code: `${imports}
export async function change(locks: LockManager, key: string): Promise<void> {
  const lock = await locks.acquire(key);
  await doWork(key);
  lock.unlock();
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "locks.acquire(…)",
            line: String(L + 3),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 4)}`,
            release: "lock.unlock()",
            releaseLine: String(L + 5),
          },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 40,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "lock.unlock()" }, output: `${imports}
export async function change(locks: LockManager, key: string): Promise<void> {
  const lock = await locks.acquire(key);
  try {
    await doWork(key);
  } finally {
    lock.unlock();
  }
}` }],
        },
      ],
    },
    {
      name: "a branch that forgets the release",
      code: `${imports}
export async function change(mutex: Mutex, apply: boolean): Promise<void> {
  const release = await mutex.acquire();
  if (apply) {
    release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "mutex.acquire()",
            line: String(L + 3),
            path: `the path that reaches the end of the function (line ${String(L + 7)})`,
            release: "release()",
            releaseLine: String(L + 5),
          },
          line: L + 3,
          column: 25,
          endLine: L + 3,
          endColumn: 40,
        },
      ],
    },
    {
      name: "released after a catch that only logs (a logger's method, console, the project's log module): logging does not throw; a catch that calls other code may",
      code: `${imports}import { error as logError } from './shared/log.js';
interface AppLogger {
  error(message: unknown): void;
}
export async function poll(mutex: Mutex, logger: AppLogger, uid: string): Promise<void> {
  const release = await mutex.acquire();
  try {
    await doWork(uid);
  } catch (error) {
    logger.error(error);
    console.warn('poll failed');
    logError(error);
  }
  release();
}
export async function pollAndReport(mutex: Mutex, uid: string): Promise<void> {
  const release = await mutex.acquire();
  try {
    await doWork(uid);
  } catch (error) {
    validate(String(error));
  }
  release();
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            lock: 'mutex.acquire()',
            line: String(L + 17),
            path: `an exception from \`validate(…)\` at line ${String(L + 21)}`,
            expiry: '',
            release: 'release()',
            releaseLine: String(L + 23),
          },
          line: L + 17,
          column: 25,
          endLine: L + 17,
          endColumn: 40,
          suggestions: [
            {
              messageId: 'wrapInTryFinally',
              data: { release: 'release()' },
              output: `${imports}import { error as logError } from './shared/log.js';
interface AppLogger {
  error(message: unknown): void;
}
export async function poll(mutex: Mutex, logger: AppLogger, uid: string): Promise<void> {
  const release = await mutex.acquire();
  try {
    await doWork(uid);
  } catch (error) {
    logger.error(error);
    console.warn('poll failed');
    logError(error);
  }
  release();
}
export async function pollAndReport(mutex: Mutex, uid: string): Promise<void> {
  const release = await mutex.acquire();
  try {
    try {
      await doWork(uid);
    } catch (error) {
      validate(String(error));
    }
  } finally {
    release();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "released only in the try body",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string, log: (e: unknown) => void): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  try {
    await doWork(uid);
    await locks.releaseLock(uid, lockId);
  } catch (error) {
    log(error);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseOnlyInTry',
          data: {
            expiry: '',
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            release: "locks.releaseLock(…)",
            releaseLine: String(L + 7),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 6)}`,
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
    {
      name: "released only in catch",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  try {
    await doWork(uid);
  } catch (error) {
    await locks.releaseLock(uid, lockId);
    throw error;
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseOnlyInCatch',
          data: {
            expiry: '',
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            release: "locks.releaseLock(…)",
            releaseLine: String(L + 8),
            path: `the path that reaches the end of the function (line ${String(L + 11)})`,
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
    {
      name: "a throwing call between acquisition and try",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  validate(uid);
  try {
    await doWork(uid);
  } finally {
    await locks.releaseLock(uid, lockId);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'throwBeforeTry',
          data: {
            expiry: '',
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            releaseLine: String(L + 9),
            statement: "validate(…)",
            throwLine: String(L + 5),
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
    {
      name: "release in finally of a lock that may not be held",
      code: `${imports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  try {
    await doWork(uid);
  } finally {
    await locks.releaseLock(uid, lockId ?? '');
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseWithoutCheck',
          data: {
            release: "locks.releaseLock(…)",
            releaseLine: String(L + 7),
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            why: "`locks.acquireLock(…)` can return null or false, and nothing checks `lockId` before the `try`",
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
    {
      name: "the acquisition inside the same try, released unguarded",
      code: `${imports}
export async function run(mutex: Mutex): Promise<void> {
  try {
    await mutex.acquire();
    await doWork('a');
  } finally {
    mutex.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseWithoutCheck',
          data: {
            release: "mutex.release()",
            releaseLine: String(L + 7),
            lock: "mutex.acquire()",
            line: String(L + 4),
            why: "the acquisition is inside the same `try`, so a failed or throwing `mutex.acquire()` still runs this `finally`",
          },
          line: L + 4,
          column: 11,
          endLine: L + 4,
          endColumn: 26,
        },
      ],
    },
    {
      name: "a handle unlocked in finally, acquired inside the same try",
      code: `${imports}
export async function run(locks: LockManager, key: string): Promise<void> {
  let lock: { unlock(): void } | undefined;
  try {
    lock = await locks.acquire(key);
    await doWork(key);
  } finally {
    lock!.unlock();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseWithoutCheck',
          data: {
            release: "lock.unlock()",
            releaseLine: String(L + 8),
            lock: "locks.acquire(…)",
            line: String(L + 5),
            why: "the acquisition is inside the same `try`, so a failed or throwing `locks.acquire(…)` still runs this `finally`",
          },
          line: L + 5,
          column: 18,
          endLine: L + 5,
          endColumn: 36,
        },
      ],
    },
    {
      name: "redlock and semaphore released outside finally",
      code: `${imports}
export async function run(redlock: Redlock, semaphore: Semaphore): Promise<void> {
  const lock = await redlock.acquire(['a'], 1000);
  await doWork('a');
  await lock.release();
  const [, release] = await semaphore.acquire();
  await doWork('b');
  release();
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: ' until it expires on its own (its `duration` is `1000`)',
            lock: "redlock.acquire(…)",
            line: String(L + 3),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 4)}`,
            release: "lock.release()",
            releaseLine: String(L + 5),
          },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 50,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "lock.release()" }, output: `${imports}
export async function run(redlock: Redlock, semaphore: Semaphore): Promise<void> {
  const lock = await redlock.acquire(['a'], 1000);
  try {
    await doWork('a');
    const [, release] = await semaphore.acquire();
    await doWork('b');
    release();
  } finally {
    await lock.release();
  }
}` }],
        },
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "semaphore.acquire()",
            line: String(L + 6),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 7)}`,
            release: "release()",
            releaseLine: String(L + 8),
          },
          line: L + 6,
          column: 29,
          endLine: L + 6,
          endColumn: 48,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "release()" }, output: `${imports}
export async function run(redlock: Redlock, semaphore: Semaphore): Promise<void> {
  const lock = await redlock.acquire(['a'], 1000);
  await doWork('a');
  await lock.release();
  const [, release] = await semaphore.acquire();
  try {
    await doWork('b');
  } finally {
    release();
  }
}` }],
        },
      ],
    },
    {
      name: "pg advisory lock and query runner not released in finally",
      code: `${imports}
export async function migrate(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.query('SELECT pg_advisory_lock(42)');
  await doWork('migrate');
  await queryRunner.query('SELECT pg_advisory_unlock(42)');
  await queryRunner.release();
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "dataSource.createQueryRunner()",
            line: String(L + 3),
            path: `an exception from \`await queryRunner.query(…)\` at line ${String(L + 5)}`,
            release: "queryRunner.release()",
            releaseLine: String(L + 8),
          },
          line: L + 3,
          column: 23,
          endLine: L + 3,
          endColumn: 53,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "queryRunner.release()" }, output: `${imports}
export async function migrate(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock(42)');
    await doWork('migrate');
    await queryRunner.query('SELECT pg_advisory_unlock(42)');
  } finally {
    await queryRunner.release();
  }
}` }],
        },
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "queryRunner.query(pg_advisory_lock…)",
            line: String(L + 5),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 6)}`,
            release: "queryRunner.query(pg_advisory_unlock…)",
            releaseLine: String(L + 7),
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 57,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "queryRunner.query(pg_advisory_unlock…)" }, output: `${imports}
export async function migrate(dataSource: DataSource): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.query('SELECT pg_advisory_lock(42)');
  try {
    await doWork('migrate');
    await queryRunner.release();
  } finally {
    await queryRunner.query('SELECT pg_advisory_unlock(42)');
  }
}` }],
        },
      ],
    },
    {
      name: "the locks option",
      code: `${imports}
interface Gate { enter(key: string): Promise<void>; leave(key: string): Promise<void> }
export async function run(gate: Gate, key: string): Promise<void> {
  await gate.enter(key);
  await doWork(key);
  await gate.leave(key);
}`,
      options: [{ locks: [{ acquire: 'enter', release: 'leave', receiver: '^gate$' }] }],
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "gate.enter(…)",
            line: String(L + 4),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 5)}`,
            release: "gate.leave(…)",
            releaseLine: String(L + 6),
          },
          line: L + 4,
          column: 9,
          endLine: L + 4,
          endColumn: 24,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "gate.leave(…)" }, output: `${imports}
interface Gate { enter(key: string): Promise<void>; leave(key: string): Promise<void> }
export async function run(gate: Gate, key: string): Promise<void> {
  await gate.enter(key);
  try {
    await doWork(key);
  } finally {
    await gate.leave(key);
  }
}` }],
        },
      ],
    },
    {
      name: "an early return that never unlocks (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function ban(locks: LockManager, user: string, alreadyBanned: boolean): Promise<string> {
  const lock = await locks.acquire(user);
  if (alreadyBanned) {
    return 'already banned';
  }
  await doWork(user);
  lock.unlock();
  return 'banned';
}`,
      output: null,
      errors: [
        {
          messageId: 'notReleasedOnEveryPath',
          data: {
            expiry: '',
            lock: "locks.acquire(…)",
            line: String(L + 3),
            path: `the \`return\` at line ${String(L + 5)}`,
            release: "lock.unlock()",
            releaseLine: String(L + 8),
          },
          line: L + 3,
          column: 22,
          endLine: L + 3,
          endColumn: 41,
          suggestions: [{ messageId: 'wrapInTryFinally', data: { release: "lock.unlock()" }, output: `${looseImports}
export async function ban(locks: LockManager, user: string, alreadyBanned: boolean): Promise<string> {
  const lock = await locks.acquire(user);
  try {
    if (alreadyBanned) {
      return 'already banned';
    }
    await doWork(user);
    return 'banned';
  } finally {
    lock.unlock();
  }
}` }],
        },
      ],
    },
    {
      name: "released only in the try body (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function respond(locks: VisitorLockService, uid: string, log: (e: unknown) => void): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  try {
    await doWork(uid);
    await locks.releaseLock(uid, lockId);
  } catch (error) {
    log(error);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseOnlyInTry',
          data: {
            expiry: '',
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            release: "locks.releaseLock(…)",
            releaseLine: String(L + 7),
            path: `an exception from \`await doWork(…)\` at line ${String(L + 6)}`,
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
    {
      name: "a throwing call between acquisition and try (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  if (!lockId) return;
  validate(uid);
  try {
    await doWork(uid);
  } finally {
    await locks.releaseLock(uid, lockId);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'throwBeforeTry',
          data: {
            expiry: '',
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            releaseLine: String(L + 9),
            statement: "validate(…)",
            throwLine: String(L + 5),
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
    {
      name: "release in finally of a lock that may not be held (strictNullChecks off)",
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function respond(locks: VisitorLockService, uid: string): Promise<void> {
  const lockId = await locks.acquireLock(uid);
  try {
    await doWork(uid);
  } finally {
    await locks.releaseLock(uid, lockId ?? '');
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'releaseWithoutCheck',
          data: {
            release: "locks.releaseLock(…)",
            releaseLine: String(L + 7),
            lock: "locks.acquireLock(…)",
            line: String(L + 3),
            why: "`locks.acquireLock(…)` can return null or false, and nothing checks `lockId` before the `try`",
          },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 46,
        },
      ],
    },
  ],
});
