import rule from '../../src/rules/require-state-guard.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { In, Repository } from 'typeorm';
import { Account, Conversation, ConversationStatus } from './shared/entities.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** How a TypeORM update's outcome is read, in the advice of the messages. */
const AFFECTED = '`affected`';
const AFFECTED_EXAMPLE = 'if (!result.affected) return;';

ruleTester.run('require-state-guard', rule, {
  valid: [
    {
      name: "a constant named like one but typed as the whole enum is a value the caller supplies, not a named state",
      code: `${imports}
export async function apply(repo: Repository<Conversation>, id: string, requested: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  const NEXT_STATUS = requested as ConversationStatus;
  await repo.update({ id }, { status: NEXT_STATUS });
}`,
    },
    {
      name: "a check of a row read under a pessimistic lock in the write's transaction: nothing can change it before the write",
      code: `${imports}import { DataSource } from 'typeorm';
export async function redeem(dataSource: DataSource, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOne(Conversation, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!conversation) throw new Error('missing');
    if (conversation.status === ConversationStatus.RESOLVED) throw new Error('already resolved');
    await manager.update(Conversation, { id }, { status: ConversationStatus.RESOLVED });
  });
}
export async function close(dataSource: DataSource, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.getRepository(Conversation).createQueryBuilder('c').where('c.id = :id', { id }).setLock('pessimistic_write').getOneOrFail();
    const { status } = conversation;
    if (status !== ConversationStatus.OPEN) return;
    await manager.update(Conversation, { id }, { status: ConversationStatus.RESOLVED });
  });
}`,
    },
    {
      name: "the audit's WorkflowConsumer: guarded on status and last_message_id, affected checked",
      code: `${imports}
export async function markPending(repo: Repository<Conversation>, conversationId: string, triggerMessageId: string) {
  const result = await repo
    .createQueryBuilder()
    .update(Conversation)
    .set({ status: ConversationStatus.PENDING })
    .where('id = :id', { id: conversationId })
    .andWhere('status = :status', { status: ConversationStatus.OPEN })
    .andWhere('last_message_id = :triggerId', { triggerId: triggerMessageId })
    .execute();
  if (result.affected === 0) return false;
  return true;
}`,
    },
    {
      name: 'repository update with the expected state in the criteria, result returned',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const result = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  return (result.affected ?? 0) > 0;
}`,
    },
    {
      name: 'no state column written; an increment',
      code: `${imports}
export async function bump(repo: Repository<Conversation>, id: string) {
  await repo.update(id, { priority: 3 });
  await repo.increment({ id }, 'priority', 1);
}`,
    },
    {
      name: 'the version column guards',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, conversation: Conversation) {
  const { affected } = await repo.update({ id: conversation.id, version: conversation.version }, { status: ConversationStatus.RESOLVED });
  return affected === 1;
}`,
    },
    {
      name: 'a configured guard column (snake_case) guards',
      options: [{ guardColumns: ['last_message_id'] }],
      code: `${imports}
export async function close(repo: Repository<Conversation>, id: string, trigger: string) {
  const result = await repo.update({ id, lastMessageId: trigger }, { status: ConversationStatus.RESOLVED });
  if (!result.affected) throw new Error('moved on');
}`,
    },
    {
      name: 'conditions that cannot be read are not judged',
      code: `${imports}
export async function close(repo: Repository<Conversation>, criteria: { id: string }, where: string) {
  await repo.update(criteria, { status: ConversationStatus.RESOLVED });
  await repo.createQueryBuilder().update(Conversation).set({ status: ConversationStatus.RESOLVED }).where(where).execute();
}`,
    },
    {
      name: 'checkAffected: false accepts a discarded guarded result',
      options: [{ checkAffected: false }],
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
}`,
    },
    {
      name: 'a caller-supplied value is a setting, not a transition',
      code: `${imports}
export async function setPresence(repo: Repository<Conversation>, id: string, status: ConversationStatus) {
  await repo.update(id, { status });
  await repo.update(id, { status: status as ConversationStatus });
}`,
    },
    {
      name: 'a presence test next to a real test of the count',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const result = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  if (result.affected === undefined) throw new Error('this driver does not report affected rows');
  return result.affected === 1;
}`,
    },
    {
      name: 'returned rows destructured beside the count: they may be what the code tests',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const { affected, raw } = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  if (affected !== undefined) console.log('driver reports counts');
  return Array.isArray(raw) && raw.length > 0;
}`,
    },
    {
      name: 'a typeof that is not a test: the result is logged, not checked for presence',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const result = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  console.log(typeof result.affected);
}`,
    },
    {
      name: 'the result handed on: the caller tests it',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const result = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  if (result.affected !== undefined) console.log('driver reports counts');
  return result;
}`,
    },
    {
      name: 'save() of a literal without a primary key inserts a new row: no prior state to guard',
      code: `${imports}
interface NewConversation { lastMessageId: string | null; priority: number }
export async function open(repo: Repository<Conversation>, fields: NewConversation) {
  await repo.save({ ...fields, status: ConversationStatus.OPEN });
  await repo.save({ priority: 1, status: ConversationStatus.OPEN });
}`,
    },
    {
      name: 'the compare-and-set no-stale-save suggests: the loaded state captured before the change, affected checked',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const previousStatus = conversation.status;
  conversation.status = ConversationStatus.RESOLVED;
  const result = await repo.update({ id: conversation.id, status: previousStatus }, { status: conversation.status });
  if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: status not written');
}`,
    },
    {
      name: 'a property set from a value the caller supplies is a setting, not a transition',
      code: `${imports}
export async function apply(repo: Repository<Conversation>, id: string, status: ConversationStatus) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.status = status;
  await repo.update({ id: conversation.id }, { status: conversation.status });
}`,
    },
  ],
  invalid: [
    {
      name: "a row locked by one manager, written through another repository: the lock says nothing about that write, still check-then-act",
      code: `${imports}import { DataSource } from 'typeorm';
export async function redeem(dataSource: DataSource, repo: Repository<Conversation>, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneOrFail(Conversation, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (conversation.status === ConversationStatus.RESOLVED) throw new Error('already resolved');
    await repo.update({ id }, { status: ConversationStatus.RESOLVED });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`', checkLine: String(L + 5), check: 'conversation.status === ConversationStatus.RESOLVED' },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 71,
        },
      ],
    },
    {
      name: "a row read under FOR KEY SHARE (which does not keep others from updating it) is checked, then written: still check-then-act",
      code: `${imports}import { DataSource } from 'typeorm';
export async function redeem(dataSource: DataSource, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneOrFail(Conversation, { where: { id }, lock: { mode: 'for_key_share' } });
    if (conversation.status === ConversationStatus.RESOLVED) throw new Error('already resolved');
    await manager.update(Conversation, { id }, { status: ConversationStatus.RESOLVED });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`', checkLine: String(L + 5), check: 'conversation.status === ConversationStatus.RESOLVED' },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 88,
        },
      ],
    },
    {
      name: "a state chosen between named states through a const, and a check of the state destructured from the loaded row: still a transition after a check",
      code: `${imports}
export async function settle(repo: Repository<Conversation>, id: string, paid: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  const status = paid ? ConversationStatus.RESOLVED : ConversationStatus.PENDING;
  await repo.update({ id }, { status });
}
export async function redeem(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const { status, assigneeId } = conversation;
  if (status === ConversationStatus.RESOLVED) throw new Error(\`already redeemed by \${String(assigneeId)}\`);
  await repo.update({ id }, { status: ConversationStatus.RESOLVED });
}
export async function relabel(repo: Repository<Conversation>, id: string, label: ConversationStatus) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  for (const status of [label]) {
    await repo.update({ id }, { status });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: 'a new value', checkLine: String(L + 4), check: 'conversation.status !== ConversationStatus.OPEN' },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 40,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`ConversationStatus.OPEN`' },
              output: `${imports}
export async function settle(repo: Repository<Conversation>, id: string, paid: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  const status = paid ? ConversationStatus.RESOLVED : ConversationStatus.PENDING;
  await repo.update({ id, status: ConversationStatus.OPEN }, { status });
}
export async function redeem(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const { status, assigneeId } = conversation;
  if (status === ConversationStatus.RESOLVED) throw new Error(\`already redeemed by \${String(assigneeId)}\`);
  await repo.update({ id }, { status: ConversationStatus.RESOLVED });
}
export async function relabel(repo: Repository<Conversation>, id: string, label: ConversationStatus) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  for (const status of [label]) {
    await repo.update({ id }, { status });
  }
}`,
            },
          ],
        },
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`', checkLine: String(L + 11), check: 'status === ConversationStatus.RESOLVED' },
          line: L + 12,
          column: 9,
          endLine: L + 12,
          endColumn: 69,
        },
      ],
    },
    {
      name: "a transition through the project's generic updateOne(criteria, data), which hands both to update()",
      options: [{ blindTransitions: true }],
      code: `${imports}import { FindOptionsWhere, ObjectLiteral, QueryDeepPartialEntity, UpdateResult } from 'typeorm';
class BaseService<T extends ObjectLiteral> {
  constructor(protected readonly repository: Repository<T>) {}
  async updateOne(criteria: FindOptionsWhere<T>, data: QueryDeepPartialEntity<T>): Promise<UpdateResult> {
    return this.repository.update(criteria, data);
  }
}
export class Conversations extends BaseService<Conversation> {
  async close(id: string) {
    const conversation = await this.repository.findOneByOrFail({ id });
    if (conversation.status !== ConversationStatus.OPEN) throw new Error('not open');
    await this.updateOne({ id }, { status: ConversationStatus.RESOLVED });
  }
  async reopen(id: string) {
    await this.updateOne({ id, status: ConversationStatus.RESOLVED }, { status: ConversationStatus.OPEN });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'updateOne() → update()', column: 'status', value: '`ConversationStatus.RESOLVED`', checkLine: String(L + 11), check: 'conversation.status !== ConversationStatus.OPEN' },
          line: L + 12,
          column: 11,
          endLine: L + 12,
          endColumn: 74,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`ConversationStatus.OPEN`' },
              output: `${imports}import { FindOptionsWhere, ObjectLiteral, QueryDeepPartialEntity, UpdateResult } from 'typeorm';
class BaseService<T extends ObjectLiteral> {
  constructor(protected readonly repository: Repository<T>) {}
  async updateOne(criteria: FindOptionsWhere<T>, data: QueryDeepPartialEntity<T>): Promise<UpdateResult> {
    return this.repository.update(criteria, data);
  }
}
export class Conversations extends BaseService<Conversation> {
  async close(id: string) {
    const conversation = await this.repository.findOneByOrFail({ id });
    if (conversation.status !== ConversationStatus.OPEN) throw new Error('not open');
    await this.updateOne({ id, status: ConversationStatus.OPEN }, { status: ConversationStatus.RESOLVED });
  }
  async reopen(id: string) {
    await this.updateOne({ id, status: ConversationStatus.RESOLVED }, { status: ConversationStatus.OPEN });
  }
}`,
            },
          ],
        },
        { messageId: 'uncheckedOutcome', data: { outcome: AFFECTED, example: AFFECTED_EXAMPLE, column: 'status' }, line: L + 15, column: 11, endLine: L + 15, endColumn: 107 },
      ],
    },
    {
      name: "an entity and its state column declared through the project's wrappers of TypeORM's decorators",
      options: [{ blindTransitions: true }],
      code: `${imports}import { LeaveRequest, LeaveRequestStatus } from './shared/wrapped-entities.js';
export async function decline(requests: Repository<LeaveRequest>, id: string) {
  await requests.update({ id }, { status: LeaveRequestStatus.DECLINED });
  await requests.createQueryBuilder().update(LeaveRequest).set({ status: LeaveRequestStatus.APPROVED }).where('id = :id', { id }).execute();
}`,
      output: null,
      errors: [
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`LeaveRequestStatus.DECLINED`' }, line: L + 3, column: 9, endLine: L + 3, endColumn: 73 },
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'This update', column: 'status', value: '`LeaveRequestStatus.APPROVED`' }, line: L + 4, column: 9, endLine: L + 4, endColumn: 140 },
      ],
    },
    {
      name: 'a state column inherited from an abstract base, through the repository, the builder and the manager',
      options: [{ blindTransitions: true }],
      code: `${imports}import { DataSource, EntityManager } from 'typeorm';
import { ExportJob } from './shared/inherited-entities.js';
export async function finish(jobs: Repository<ExportJob>, dataSource: DataSource, manager: EntityManager, id: string) {
  await jobs.update({ id }, { status: 'done' });
  await dataSource.createQueryBuilder().update(ExportJob).set({ status: 'done' }).where('id = :id', { id }).execute();
  await manager.update(ExportJob, { id }, { status: 'done' });
}`,
      output: null,
      errors: [
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'update()', column: 'status', value: "`'done'`" }, line: L + 4, column: 9, endLine: L + 4, endColumn: 48 },
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'This update', column: 'status', value: "`'done'`" }, line: L + 5, column: 9, endLine: L + 5, endColumn: 118 },
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'update()', column: 'status', value: "`'done'`" }, line: L + 6, column: 9, endLine: L + 6, endColumn: 62 },
      ],
    },
    {
      name: 'single-table inheritance: a check on the parent type is a check on the child row',
      code: `${imports}import { Content, Post } from './shared/inherited-entities.js';
export async function publish(posts: Repository<Post>, content: Content, post: Post) {
  if (content.status !== 'draft') return;
  await posts.update({ id: content.id }, { status: 'published' });
  if (post.status !== 'draft') return;
  await posts.update({ id: post.id }, { status: 'published' });
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: "`'published'`", checkLine: String(L + 3), check: "content.status !== 'draft'" },
          line: L + 4,
          column: 9,
          endLine: L + 4,
          endColumn: 66,
          suggestions: [{ messageId: 'addGuard', data: { column: 'status', expected: "`'draft'`" }, output: `${imports}import { Content, Post } from './shared/inherited-entities.js';
export async function publish(posts: Repository<Post>, content: Content, post: Post) {
  if (content.status !== 'draft') return;
  await posts.update({ id: content.id, status: 'draft' }, { status: 'published' });
  if (post.status !== 'draft') return;
  await posts.update({ id: post.id }, { status: 'published' });
}` }],
        },
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: "`'published'`", checkLine: String(L + 3), check: "content.status !== 'draft'" },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 63,
          suggestions: [{ messageId: 'addGuard', data: { column: 'status', expected: "`'draft'`" }, output: `${imports}import { Content, Post } from './shared/inherited-entities.js';
export async function publish(posts: Repository<Post>, content: Content, post: Post) {
  if (content.status !== 'draft') return;
  await posts.update({ id: content.id }, { status: 'published' });
  if (post.status !== 'draft') return;
  await posts.update({ id: post.id, status: 'draft' }, { status: 'published' });
}` }],
        },
      ],
    },
    {
      name: 'a guarded update whose count is only tested for presence',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const result = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  return result.affected !== undefined;
}`,
      output: null,
      errors: [
        {
          messageId: 'presenceCheckOnly',
          data: { check: 'result.affected !== undefined', column: 'status', line: String(L + 3) },
          line: L + 4,
          column: 10,
          endLine: L + 4,
          endColumn: 39,
        },
      ],
    },
    {
      name: 'a destructured count compared with null, and an optional chain with typeof',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const { affected } = await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
  if (affected != null) console.log('resolved', id);
  const result = await repo.createQueryBuilder().update(Conversation).set({ status: ConversationStatus.OPEN }).where('id = :id AND status = :status', { id, status: ConversationStatus.RESOLVED }).execute();
  return typeof result?.affected === 'number';
}`,
      output: null,
      errors: [
        {
          messageId: 'presenceCheckOnly',
          data: { check: 'affected != null', column: 'status', line: String(L + 3) },
          line: L + 4,
          column: 7,
          endLine: L + 4,
          endColumn: 23,
        },
        {
          messageId: 'presenceCheckOnly',
          data: { check: "typeof result?.affected === 'number'", column: 'status', line: String(L + 5) },
          line: L + 6,
          column: 10,
          endLine: L + 6,
          endColumn: 46,
        },
      ],
    },
    {
      name: 'an unguarded query builder transition',
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function markPending(repo: Repository<Conversation>, id: string) {
  const result = await repo.createQueryBuilder().update(Conversation).set({ status: ConversationStatus.PENDING }).where('id = :id', { id }).execute();
  return result.affected;
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'This update', column: 'status', value: '`ConversationStatus.PENDING`' },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 150,
        },
      ],
    },

    {
      name: 'an id-only repository update of a state column',
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const result = await repo.update(id, { status: ConversationStatus.RESOLVED });
  return result.affected === 1;
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`' },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 80,
        },
      ],
    },
    {
      name: 'check-then-act: an early return on the state, then an id-keyed write (suggests the guard)',
      code: `${imports}
export async function escalate(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  const result = await repo.update(id, { status: ConversationStatus.PENDING });
  return result.affected;
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED,
            method: 'update()',
            column: 'status',
            value: '`ConversationStatus.PENDING`',
            checkLine: String(L + 4),
            check: 'conversation.status !== ConversationStatus.OPEN',
          },
          line: L + 5,
          column: 24,
          endLine: L + 5,
          endColumn: 79,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`ConversationStatus.OPEN`' },
              output: `${imports}
export async function escalate(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status !== ConversationStatus.OPEN) return;
  const result = await repo.update({ id, status: ConversationStatus.OPEN }, { status: ConversationStatus.PENDING });
  return result.affected;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'check-then-act inside the checked branch, object criteria',
      code: `${imports}
export async function reopen(repo: Repository<Conversation>, conversation: Conversation) {
  if (conversation.status === ConversationStatus.RESOLVED) {
    const result = await repo.update({ id: conversation.id }, { status: ConversationStatus.OPEN });
    return result.affected;
  }
  return 0;
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: { outcome: AFFECTED,
            method: 'update()',
            column: 'status',
            value: '`ConversationStatus.OPEN`',
            checkLine: String(L + 3),
            check: 'conversation.status === ConversationStatus.RESOLVED',
          },
          line: L + 4,
          column: 26,
          endLine: L + 4,
          endColumn: 99,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`ConversationStatus.RESOLVED`' },
              output: `${imports}
export async function reopen(repo: Repository<Conversation>, conversation: Conversation) {
  if (conversation.status === ConversationStatus.RESOLVED) {
    const result = await repo.update({ id: conversation.id, status: ConversationStatus.RESOLVED }, { status: ConversationStatus.OPEN });
    return result.affected;
  }
  return 0;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a second .where() drops the guard of the first',
      code: `${imports}
export async function markPending(repo: Repository<Conversation>, id: string) {
  const result = await repo
    .createQueryBuilder()
    .update(Conversation)
    .set({ status: ConversationStatus.PENDING })
    .where('status = :status', { status: ConversationStatus.OPEN })
    .where('id = :id', { id })
    .execute();
  return result.affected;
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'This update', column: 'status', value: '`ConversationStatus.PENDING`' },
          line: L + 3,
          column: 24,
          endLine: L + 9,
          endColumn: 15,
        },
        {
          messageId: 'whereOverrides',
          data: { method: 'where', replacement: 'andWhere', previousMethod: 'where', previousLine: String(L + 7), previous: "'status = :status'" },
          line: L + 8,
          column: 6,
          endLine: L + 8,
          endColumn: 31,
          suggestions: [
            {
              messageId: 'useAndWhere',
              data: { replacement: 'andWhere' },
              output: `${imports}
export async function markPending(repo: Repository<Conversation>, id: string) {
  const result = await repo
    .createQueryBuilder()
    .update(Conversation)
    .set({ status: ConversationStatus.PENDING })
    .where('status = :status', { status: ConversationStatus.OPEN })
    .andWhere('id = :id', { id })
    .execute();
  return result.affected;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a guarded update whose outcome is discarded',
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  await repo.update({ id, status: ConversationStatus.PENDING }, { status: ConversationStatus.RESOLVED });
}`,
      output: null,
      errors: [
        {
          messageId: 'uncheckedOutcome',
          data: { outcome: AFFECTED, example: AFFECTED_EXAMPLE, column: 'status' },
          line: L + 3,
          column: 9,
          endLine: L + 3,
          endColumn: 105,
        },
      ],
    },
    {
      name: 'save() of a literal that sets the state',
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function markRunning(repo: Repository<Conversation>, record: Conversation) {
  await repo.save({ ...record, status: ConversationStatus.PENDING });
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'save()', column: 'status', value: '`ConversationStatus.PENDING`' },
          line: L + 3,
          column: 9,
          endLine: L + 3,
          endColumn: 69,
        },
      ],
    },
    {
      name: 'save() of a literal whose spread may carry the key (`Partial<E>`, `any`) may update a row',
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function upsert(repo: Repository<Conversation>, request: Partial<Conversation>, body: any) {
  await repo.save({ ...request, status: ConversationStatus.OPEN });
  await repo.save({ ...body, status: ConversationStatus.OPEN });
}`,
      output: null,
      errors: [
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'save()', column: 'status', value: '`ConversationStatus.OPEN`' }, line: L + 3, column: 9, endLine: L + 3, endColumn: 67 },
        { messageId: 'unguardedTransition', data: { outcome: AFFECTED, method: 'save()', column: 'status', value: '`ConversationStatus.OPEN`' }, line: L + 4, column: 9, endLine: L + 4, endColumn: 64 },
      ],
    },
    {
      name: 'a bulk cancel keyed on In(ids) alone, a string-literal union state through BaseEntity',
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function cancelMany(repo: Repository<Conversation>, ids: string[]) {
  const result = await repo.update({ id: In(ids) }, { status: ConversationStatus.RESOLVED });
  const downgraded = await Account.update({ id: 1 }, { plan: 'free' });
  return [result.affected, downgraded.affected];
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`' },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 93,
        },
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'update()', column: 'plan', value: "`'free'`" },
          line: L + 4,
          column: 28,
          endLine: L + 4,
          endColumn: 71,
        },
      ],
    },

    {
      name: 'the loaded entity says which state the write expects',
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function close(repo: Repository<Conversation>, conversation: Conversation) {
  const result = await repo.update({ id: conversation.id }, { status: ConversationStatus.RESOLVED });
  return result.affected;
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`' },
          line: L + 3,
          column: 24,
          endLine: L + 3,
          endColumn: 101,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`conversation.status`' },
              output: `${imports}
export async function close(repo: Repository<Conversation>, conversation: Conversation) {
  const result = await repo.update({ id: conversation.id, status: conversation.status }, { status: ConversationStatus.RESOLVED });
  return result.affected;
}`,
            },
          ],
        },
      ],
    },
    {
      name: "an update that writes an entity property the same function set to a named state is a transition (no suggestion: the property no longer holds the loaded state)",
      options: [{ blindTransitions: true }],
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.status = ConversationStatus.RESOLVED;
  await repo.update({ id: conversation.id }, { status: conversation.status });
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: "update()", column: "status", value: "`conversation.status`" },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 78,
        },
      ],
    },
  ],
});
