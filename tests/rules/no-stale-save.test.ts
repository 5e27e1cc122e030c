import path from 'node:path';

import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester, fixturesDir } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Account, Agent, Conversation, ConversationStatus, Membership, Team, Ticket } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { Assistant } from './shared/assistant.js';
import { PaymentClient, sleep } from './shared/payments.js';
import { ConversationStore, MessageCounter, fingerprint, type Notifier } from './shared/services.js';
import { ConversationPresenter, audit, describeConversation, remember, resetPriority } from './shared/conversation-views.js';
`;

/**
 * Rows nothing changes after their insert but what a case adds (tests/fixtures/shared/activity.ts),
 * linted as a file of a program of its own: the rest of the fixtures write rows of every kind.
 */
const ALONE_FILE = path.join(fixturesDir, 'alone', 'file.ts');
const activityImports = `
import { DataSource, Repository } from 'typeorm';
import { LlmClient } from '../shared/llm-client.js';
import { ActivityEvent, Badge, Notice, Poster } from '../shared/activity.js';
`;
/** Line numbers in the activity cases count from the first line of `activityImports`. */
const A = activityImports.split('\n').length - 1;

/** Hides the events whose actor the LLM cannot name: the save writes hidden, and loses the rest only if other code changes it. */
const hideUnknownActors = `
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.save(event);
    }
  }
}`;

/** Dismisses the notices the LLM calls stale; a `Notice` is a plain row of an `EntitySchema`. */
const dismissStaleNotices = `
export async function dismissStale(dataSource: DataSource, llm: LlmClient) {
  const notices = await dataSource.getRepository(Notice).find();
  for (const notice of notices) {
    if ((await llm.complete(notice.text)) === 'stale') {
      notice.dismissed = true;
      await dataSource.getRepository(Notice).save(notice);
    }
  }
}`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** A file in the project compiled with `strictNullChecks: false`. */
const LOOSE_FILE = path.join(fixturesDir, 'loose', 'file.ts');
const looseImports = imports.replaceAll("'./shared/", "'../shared/");

const CONVERSATION_AT_RISK = 'status, lastMessageId, assigneeId, priority, version, updatedAt';

ruleTester.run('no-stale-save', rule, {
  valid: [
    {
      name: 'an atomic update() of the written field',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id } });
  const text = await llm.complete('hi');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: text });
}`,
    },
    {
      name: 're-loaded after the network call',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneOrFail({ where: { id } });
  const text = await llm.complete(conversation.id);
  conversation = await repo.findOneOrFail({ where: { id } });
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`,
    },
    {
      name: 'reload() after the network call',
      code: `${imports}
export async function upgrade(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture('p1');
  await account.reload();
  account.plan = 'pro';
  await account.save();
}`,
    },
    {
      name: 'the network call comes before the load',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const text = await llm.complete('hi');
  const conversation = await repo.findOneOrFail({ where: { id } });
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the network call comes after the save',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id } });
  conversation.priority = 2;
  await repo.save(conversation);
  await llm.complete('saved');
}`,
    },
    {
      name: 'only database and local awaits between load and save',
      code: `${imports}
export async function touch(repo: Repository<Conversation>, counter: MessageCounter, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id } });
  const count = await counter.countFor(id);
  const hash = await fingerprint(String(count));
  conversation.lastMessageSnippet = hash;
  await repo.save(conversation);
}`,
    },
    {
      name: 'a fresh entity is an insert',
      code: `${imports}
export async function open(repo: Repository<Conversation>, llm: LlmClient) {
  const conversation = repo.create({ status: ConversationStatus.OPEN });
  conversation.lastMessageSnippet = await llm.complete('greeting');
  await repo.save(conversation);
}`,
    },
    {
      name: 'another entity is saved',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id } });
  const text = await llm.complete(conversation.id);
  const next = repo.create({ status: ConversationStatus.OPEN, lastMessageSnippet: text });
  await repo.save(next);
}`,
    },
    {
      name: 'a pessimistic lock holds the row (left to no-network-await-in-transaction)',
      code: `${imports}
export async function reply(dataSource: DataSource, llm: LlmClient, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneOrFail(Conversation, { where: { id }, lock: { mode: 'pessimistic_write' } });
    conversation.lastMessageSnippet = await llm.complete('x');
    await manager.save(conversation);
  });
}`,
    },
    {
      name: 'the network call only builds a new entity in the other branch',
      code: `${imports}
export async function attach(repo: Repository<Conversation>, id: string | undefined) {
  if (id) {
    const existing = await repo.findOneOrFail({ where: { id } });
    existing.priority += 1;
    await repo.save(existing);
  } else {
    const response = await fetch('http://127.0.0.1:9/new');
    const created = repo.create({ status: ConversationStatus.OPEN, lastMessageSnippet: await response.text() });
    await repo.save(created);
  }
}`,
    },
    {
      name: 'a plain class, not an entity, loaded from nowhere',
      code: `${imports}
export async function noop(llm: LlmClient, items: { save(): Promise<void>; note: string }) {
  items.note = await llm.complete('x');
  await items.save();
}`,
    },
    {
      name: 'windowKinds without unknown: an interface method opens no window',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, notifier: Notifier, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id } });
  await notifier.notify(id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
      options: [{ windowKinds: ['network', 'timer'] }],
    },

    {
      name: 'odd shapes never crash: this-held entities, computed saves, any',
      code: `${imports}
export class Holder {
  conversation?: Conversation;
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}
  async run(id: string, anything: any) {
    this.conversation = await this.repo.findOneByOrFail({ id });
    await this.llm.complete('q');
    await this.repo.save(this.conversation);
    await this.repo['save'](anything);
    const loaded: any = anything;
    await loaded.save();
  }
}`,
    },
    {
      name: 'strictNullChecks off: a re-load still closes the window',
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOne({ where: { id } });
  const text = await llm.complete('q');
  conversation = await repo.findOne({ where: { id } });
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`,
    },
    {
      name: 'remove() after an unclassified call: no column to revert, not reported even with removals: true',
      options: [{ removals: true }],
      code: `${imports}
export async function close(repo: Repository<Conversation>, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await notifier.notify(id);
  await repo.remove(conversation);
}`,
    },
    {
      name: 'remove() after a network call: not reported by default (it reverts no column)',
      code: `${imports}
export async function close(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const verdict = await llm.complete('spam?');
  if (verdict === 'yes') await repo.remove(conversation);
}`,
    },
    {
      name: 'a row nothing else changes once stored (an event log only ever hidden; a generic saver handed the row itself; the imported class a manager is given): the save after the wait reverts nothing',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function record(repo: Repository<ActivityEvent>, kind: string, actorId: string) {
  const event = repo.create({ kind, actorId, payload: '{}' });
  event.payload = JSON.stringify({ kind, actorId });
  await repo.save(event);
}
export async function hide(repo: Repository<ActivityEvent>, id: string) {
  await repo.update({ id }, { hidden: true });
}
export async function post(dataSource: DataSource, text: string, authorId: string) {
  await dataSource.getRepository(Notice).save({ text, authorId, dismissed: false });
}
export function keyed(values: Record<string, string>, key: string) {
  values[key] = 'set';
}
class Store<T extends { id: string }> {
  constructor(private readonly repo: Repository<T>) {}
  async put(row: T): Promise<T> {
    return this.repo.save(row);
  }
}
export async function archive(store: Store<ActivityEvent>, repo: Repository<ActivityEvent>, id: string) {
  const event = await repo.findOneByOrFail({ id });
  await store.put(event);
}
export async function copy(dataSource: DataSource, id: string) {
  const event = await dataSource.manager.findOneByOrFail(ActivityEvent, { id });
  await dataSource.manager.save(ActivityEvent, event);
}`,
    },
    {
      name: 'a plain row of an EntitySchema that nothing else changes once stored',
      filename: ALONE_FILE,
      code: `${activityImports}${dismissStaleNotices}
export async function post(dataSource: DataSource, text: string, authorId: string) {
  await dataSource.getRepository(Notice).insert({ text, authorId, dismissed: false });
}`,
    },
    {
      name: 'a join column nothing sets, through itself or through its relation: not at risk',
      filename: ALONE_FILE,
      code: `${activityImports}
export async function retireBadges(repo: Repository<Badge>, llm: LlmClient) {
  const badges = await repo.find();
  for (const badge of badges) {
    if ((await llm.complete(badge.label)) === 'retire') {
      badge.retired = true;
      await repo.save(badge);
    }
  }
}`,
    },
    {
      name: 'a helper that saves through an untyped parameter, handed something other than a TypeORM repository: no TypeORM write',
      code: `${imports}
async function refreshSnippet(conversation: any, store: any, llm: LlmClient) {
  conversation.lastMessageSnippet = await llm.complete('Summarise');
  await store.save(conversation);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await refreshSnippet(conversation, { save: async (value: unknown) => value }, llm);
}`,
    },
  ],
  invalid: [
    {
      name: 'a save in a .then() callback: the message names the callback, not an await that is not there',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<void> {
  const conversation = await repo.findOneByOrFail({ id });
  return llm.complete('Reply').then(async (text) => {
    conversation.lastMessageSnippet = text;
    await repo.save(conversation);
  });
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<void> {
  const conversation = await repo.findOneByOrFail({ id });
  return llm.complete('Reply').then(async (text) => {
    conversation.lastMessageSnippet = text;
    await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'in the `.then()` callback of `llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 34,
        },
      ],
    },
    {
      name: "the audit's stale save: autofixed to update() of the written fields",
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id } });
  if (!conversation) return;
  let text = '';
  for (let pass = 0; pass < 3; pass++) {
    text = await llm.complete(text);
  }
  // keep: the snippet is what the inbox shows
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id } });
  if (!conversation) return;
  let text = '';
  for (let pass = 0; pass < 3; pass++) {
    text = await llm.complete(text);
  }
  // keep: the snippet is what the inbox shows
  conversation.lastMessageSnippet = text;
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOne()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 7),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 11,
          column: 9,
          endLine: L + 11,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'a network call two files away, through an app client (chain in the message)',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, assistant: Assistant, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await assistant.reply('q');
  conversation.priority = 3;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function answer(repo: Repository<Conversation>, assistant: Assistant, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await assistant.reply('q');
  conversation.priority = 3;
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet, priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await assistant.reply(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via Assistant.reply → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, version, updatedAt',
            advice: 'Update only lastMessageSnippet, priority with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'an interface method is unknown, and unknown opens a window by default',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, notifier: Notifier, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, select: { id: true, priority: true, status: true } });
  await notifier.notify(id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, notifier: Notifier, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, select: { id: true, priority: true, status: true } });
  await notifier.notify(id);
  conversation.priority = 1;
  await repo.update({ id: conversation.id }, { priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await notifier.notify(…)`',
            awaitLine: String(L + 4),
            reason: 'an unclassified call via Notifier.notify that may be slow I/O',
            atRisk: 'status',
            advice: 'Update only priority with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'BaseEntity: account.save() becomes Account.update()',
      code: `${imports}
export async function refresh(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  if (await payments.capture('p1')) {
    account.avatarUrl = 'https://avatars.example.com/paid.png';
  }
  await account.save();
}`,
      output: `${imports}
export async function refresh(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  if (await payments.capture('p1')) {
    account.avatarUrl = 'https://avatars.example.com/paid.png';
  }
  await Account.update({ id: account.id }, { avatarUrl: account.avatarUrl });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'account',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'email, plan',
            advice: 'Update only avatarUrl with update().',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 23,
        },
      ],
    },
    {
      name: 'a method of the entity that only reads it leaves the written fields known: the save becomes an update()',
      code: `${imports}
export async function refresh(payments: PaymentClient, id: number, email: string) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture('p1');
  if (account.hasAvatarFrom(['https://avatars.example.com/'])) {
    account.email = email;
  }
  await account.save();
}`,
      output: `${imports}
export async function refresh(payments: PaymentClient, id: number, email: string) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture('p1');
  if (account.hasAvatarFrom(['https://avatars.example.com/'])) {
    account.email = email;
  }
  await Account.update({ id: account.id }, { email: account.email });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'account',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'plan, avatarUrl',
            advice: 'Update only email with update().',
          },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 23,
        },
      ],
    },
    {
      name: 'a method of the entity that sets a field: what the save writes is not known, no update(); the suggestion re-loads it after the wait instead (account.reload())',
      code: `${imports}
export async function refresh(payments: PaymentClient, id: number, email: string) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture('p1');
  account.downgrade();
  account.email = email;
  await account.save();
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'account',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'plan, avatarUrl',
            advice: 'Write only the fields this code changes (email, …) with update(), or re-load it after the await.',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'account', awaited: 'payments.capture(…)', awaitLine: String(L + 4), reload: 'await account.reload()' },
              output: `${imports}
export async function refresh(payments: PaymentClient, id: number, email: string) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture('p1');
  await account.reload();
  account.downgrade();
  account.email = email;
  await account.save();
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an earlier save() of the entity changes none of its fields: the later stale save still becomes an update()',
      code: `${imports}
export async function summarize(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.priority === 0) {
    conversation.priority = 1;
    await repo.save(conversation);
  }
  conversation.lastMessageSnippet = await llm.complete('summary');
  await repo.save(conversation);
}`,
      output: `${imports}
export async function summarize(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.priority === 0) {
    conversation.priority = 1;
    await repo.save(conversation);
  }
  conversation.lastMessageSnippet = await llm.complete('summary');
  await repo.update({ id: conversation.id }, { priority: conversation.priority, lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 8),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, version, updatedAt',
            advice: 'Update only priority, lastMessageSnippet with update().',
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'the loaded entity put into a variable declared before (`conversation = stored`) is another name for it: the save still becomes an update()',
      code: `${imports}
export async function summarize(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = repo.create({ priority: 0 });
  const stored = await repo.findOneBy({ id });
  if (stored == null) return;
  conversation = stored;
  conversation.lastMessageSnippet = await llm.complete('summary');
  await repo.save(conversation);
}`,
      output: `${imports}
export async function summarize(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = repo.create({ priority: 0 });
  const stored = await repo.findOneBy({ id });
  if (stored == null) return;
  conversation = stored;
  conversation.lastMessageSnippet = await llm.complete('summary');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneBy()',
            loadLine: String(L + 4),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 7),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'a state column (typed by a union of literals) is written with a compare-and-set, its loaded value captured before the first change',
      code: `${imports}
export async function upgrade(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  if (await payments.capture('p1')) {
    account.plan = 'pro';
  }
  await account.save();
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'account',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'email, avatarUrl',
            advice: 'Update only plan with a compare-and-set update(): the loaded plan in its criteria, and `affected` checked.',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: 'plan', guarded: 'plan', then: '' },
              output: `${imports}
export async function upgrade(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  const previousPlan = account.plan;
  if (await payments.capture('p1')) {
    account.plan = 'pro';
  }
  const result = await Account.update({ id: account.id, plan: previousPlan }, { plan: account.plan });
  if (!result.affected) throw new Error('Account was changed by another writer since it was loaded: plan not written');
}`,
            },
          ],
        },
      ],
    },

    {
      name: "a spread save becomes an update() of the literal's own keys",
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  await repo.save({ ...conversation, lastMessageSnippet: text });
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: text });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 65,
        },
      ],
    },
    {
      name: "a callee of the project that saves every field it sets right after setting it leaves no unsaved change: the fields are known, the spread save becomes an update()",
      code: `${imports}
export class Conversations {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}

  async persist(conversation: Conversation): Promise<Conversation> {
    if (conversation.id) {
      const previous = await this.repo.findOneBy({ id: conversation.id });
      const saved = await this.repo.save(conversation);
      console.log(previous?.status);
      return saved;
    } else {
      const saved = await this.repo.save(conversation);
      return saved;
    }
  }

  async unassign(conversation: Conversation): Promise<Conversation> {
    if (conversation.assigneeId == null) return conversation;
    conversation.assigneeId = null;
    conversation.priority = 0;
    conversation = await this.persist(conversation);
    return conversation;
  }

  async reply(id: string): Promise<Conversation> {
    let conversation = await this.repo.findOneByOrFail({ id });
    conversation = await this.unassign(conversation);
    const text = await this.llm.complete('q');
    conversation = await this.repo.save({ ...conversation, lastMessageSnippet: text });
    return conversation;
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 26),
            method: 'save()',
            window: 'after `await this.llm.complete(…)`',
            awaitLine: String(L + 28),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 29,
          column: 26,
          endLine: L + 29,
          endColumn: 87,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: 'lastMessageSnippet', then: ', then re-load the row for the value the code uses' },
              output: `${imports}
export class Conversations {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}

  async persist(conversation: Conversation): Promise<Conversation> {
    if (conversation.id) {
      const previous = await this.repo.findOneBy({ id: conversation.id });
      const saved = await this.repo.save(conversation);
      console.log(previous?.status);
      return saved;
    } else {
      const saved = await this.repo.save(conversation);
      return saved;
    }
  }

  async unassign(conversation: Conversation): Promise<Conversation> {
    if (conversation.assigneeId == null) return conversation;
    conversation.assigneeId = null;
    conversation.priority = 0;
    conversation = await this.persist(conversation);
    return conversation;
  }

  async reply(id: string): Promise<Conversation> {
    let conversation = await this.repo.findOneByOrFail({ id });
    conversation = await this.unassign(conversation);
    const text = await this.llm.complete('q');
    await this.repo.update({ id: conversation.id }, { lastMessageSnippet: text });
    conversation = await this.repo.findOneByOrFail({ id: conversation.id });
    return conversation;
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a callee that saves what it sets, called inside a try whose catch goes on past the try: its save may fail and leave the change for the save after it, so the fields stay unknown; with the save inside the same try, a failure skips it too, and the fields are known",
      code: `${imports}
export class Conversations {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}

  async unassign(conversation: Conversation): Promise<void> {
    conversation.assigneeId = null;
    await this.repo.save(conversation);
  }

  async reply(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    try {
      await this.unassign(conversation);
    } catch (error) {
      console.error(error);
    }
    const text = await this.llm.complete('q');
    await this.repo.save({ ...conversation, lastMessageSnippet: text });
  }
  async replyInside(id: string): Promise<void> {
    try {
      const conversation = await this.repo.findOneByOrFail({ id });
      await this.unassign(conversation);
      const text = await this.llm.complete('q');
      await this.repo.save({ ...conversation, lastMessageSnippet: text });
    } catch (error) {
      console.error(error);
    }
  }
}`,
      output: `${imports}
export class Conversations {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}

  async unassign(conversation: Conversation): Promise<void> {
    conversation.assigneeId = null;
    await this.repo.save(conversation);
  }

  async reply(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    try {
      await this.unassign(conversation);
    } catch (error) {
      console.error(error);
    }
    const text = await this.llm.complete('q');
    await this.repo.save({ ...conversation, lastMessageSnippet: text });
  }
  async replyInside(id: string): Promise<void> {
    try {
      const conversation = await this.repo.findOneByOrFail({ id });
      await this.unassign(conversation);
      const text = await this.llm.complete('q');
      await this.repo.update({ id: conversation.id }, { lastMessageSnippet: text });
    } catch (error) {
      console.error(error);
    }
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 11),
            method: 'save()',
            window: 'after `await this.llm.complete(…)`',
            awaitLine: String(L + 17),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
          },
          line: L + 18,
          column: 11,
          endLine: L + 18,
          endColumn: 72,
        },
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 22),
            method: 'save()',
            window: 'after `await this.llm.complete(…)`',
            awaitLine: String(L + 24),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 25,
          column: 13,
          endLine: L + 25,
          endColumn: 74,
        },
      ],
    },
    {
      name: "callees that may leave a change unsaved keep the written fields unknown: a field set and returned, a save a catch may swallow, a saver that saves on one path only",
      code: `${imports}
export class Conversations {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}

  async bump(conversation: Conversation): Promise<Conversation> {
    conversation.priority = 1;
    return conversation;
  }

  async unassignQuietly(conversation: Conversation): Promise<void> {
    try {
      conversation.assigneeId = null;
      await this.repo.save(conversation);
    } catch (error) {
      console.error(error);
    }
  }

  async persistIfAssigned(conversation: Conversation): Promise<Conversation> {
    if (conversation.assigneeId != null) {
      const saved = await this.repo.save(conversation);
      return saved;
    }
    return conversation;
  }

  async unassignSometimes(conversation: Conversation): Promise<Conversation> {
    conversation.assigneeId = null;
    conversation = await this.persistIfAssigned(conversation);
    return conversation;
  }

  async replyAfterBump(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    await this.bump(conversation);
    const text = await this.llm.complete('q');
    await this.repo.save({ ...conversation, lastMessageSnippet: text });
  }

  async replyAfterQuietUnassign(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    await this.unassignQuietly(conversation);
    const text = await this.llm.complete('q');
    await this.repo.save({ ...conversation, lastMessageSnippet: text });
  }

  async replyAfterUnassign(id: string): Promise<void> {
    let conversation = await this.repo.findOneByOrFail({ id });
    conversation = await this.unassignSometimes(conversation);
    const text = await this.llm.complete('q');
    await this.repo.save({ ...conversation, lastMessageSnippet: text });
  }
}`,
      errors: [37, 44, 51].map((line) => ({
        messageId: 'staleSave' as const,
        data: {
          name: 'conversation',
          loader: 'findOneByOrFail()',
          loadLine: String(L + line - 3),
          method: 'save()',
          window: 'after `await this.llm.complete(…)`',
          awaitLine: String(L + line - 1),
          reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
          atRisk: CONVERSATION_AT_RISK,
          advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
        },
        line: L + line,
        column: 11,
        endLine: L + line,
        endColumn: 72,
      })),
    },
    {
      name: "a save awaited among others in Promise.all, its result dropped: the update() takes its place in the list (not when the result is destructured at its place)",
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await Promise.all([repo.save(conversation), notifier.notify(conversation.id)]);
}
export async function replyKept(repo: Repository<Conversation>, llm: LlmClient, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const [saved] = await Promise.all([repo.save(conversation), notifier.notify(conversation.id)]);
  return saved;
}
export async function replyAfterOthers(repo: Repository<Conversation>, llm: LlmClient, others: Promise<Conversation>[], id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const [, second] = await Promise.all([...others, repo.save(conversation)]);
  return second;
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await Promise.all([repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet }), notifier.notify(conversation.id)]);
}
export async function replyKept(repo: Repository<Conversation>, llm: LlmClient, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const [saved] = await Promise.all([repo.save(conversation), notifier.notify(conversation.id)]);
  return saved;
}
export async function replyAfterOthers(repo: Repository<Conversation>, llm: LlmClient, others: Promise<Conversation>[], id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const [, second] = await Promise.all([...others, repo.save(conversation)]);
  return second;
}`,
      errors: (
        [
          [5, 22, 45],
          [10, 38, 61],
          [16, 52, 75],
        ] as const
      ).map(([line, column, endColumn]) => ({
        messageId: 'staleSave' as const,
        data: {
          name: 'conversation',
          loader: 'findOneByOrFail()',
          loadLine: String(L + line - 2),
          method: 'save()',
          window: 'after `await llm.complete(…)`',
          awaitLine: String(L + line - 1),
          reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
          atRisk: CONVERSATION_AT_RISK,
          advice: 'Update only lastMessageSnippet with update().',
        },
        line: L + line,
        column,
        endLine: L + line,
        endColumn,
      })),
    },
    {
      name: "an entity of the project's base class whose save() override calls super.save(): TypeORM's save, the update() only a suggestion (it would skip the override); an override that writes its own way is no save",
      code: `${imports}import { PlayEvent, Playlist } from './no-stale-save/base-entity-overrides.js';
export async function rename(payments: PaymentClient, id: number, title: string) {
  const playlist = await Playlist.findOneByOrFail({ id });
  await payments.capture('p1');
  playlist.title = title;
  await playlist.save();
}
export async function replay(payments: PaymentClient, id: number) {
  const event = await PlayEvent.findOneByOrFail({ id });
  await payments.capture('p1');
  event.playlistId = id;
  await event.save();
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'playlist',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'plays, tracks',
            advice: 'Update only title with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 24,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: 'title', then: '' },
              output: `${imports}import { PlayEvent, Playlist } from './no-stale-save/base-entity-overrides.js';
export async function rename(payments: PaymentClient, id: number, title: string) {
  const playlist = await Playlist.findOneByOrFail({ id });
  await payments.capture('p1');
  playlist.title = title;
  await Playlist.update({ id: playlist.id }, { title: playlist.title });
}
export async function replay(payments: PaymentClient, id: number) {
  const event = await PlayEvent.findOneByOrFail({ id });
  await payments.capture('p1');
  event.playlistId = id;
  await event.save();
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a field set from its own value before the wait and set again plainly after it, on every path to the save: written as set, not as derived from the stale value (a set only in a branch leaves it derived)",
      code: `${imports}
export async function touch(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = conversation.lastMessageId ?? 'none';
  const text = await llm.complete(conversation.lastMessageId);
  conversation.lastMessageId = text;
  await repo.save(conversation);
}
export async function touchSometimes(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority = conversation.priority + 1;
  const text = await llm.complete('q');
  if (text.length > 3) {
    conversation.priority = 0;
  }
  await repo.save(conversation);
}`,
      output: `${imports}
export async function touch(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = conversation.lastMessageId ?? 'none';
  const text = await llm.complete(conversation.lastMessageId);
  conversation.lastMessageId = text;
  await repo.update({ id: conversation.id }, { lastMessageId: conversation.lastMessageId });
}
export async function touchSometimes(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority = conversation.priority + 1;
  const text = await llm.complete('q');
  if (text.length > 3) {
    conversation.priority = 0;
  }
  await repo.save(conversation);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageSnippet, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageId with update().',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
        },
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 10),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 12),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'priority (set from its stale value), status, lastMessageId, lastMessageSnippet, assigneeId, version and 1 more',
            advice: 'Change priority in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await.',
          },
          line: L + 16,
          column: 9,
          endLine: L + 16,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: 'priority', guarded: 'priority', then: '' },
              output: `${imports}
export async function touch(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = conversation.lastMessageId ?? 'none';
  const text = await llm.complete(conversation.lastMessageId);
  conversation.lastMessageId = text;
  await repo.save(conversation);
}
export async function touchSometimes(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const previousPriority = conversation.priority;
  conversation.priority = conversation.priority + 1;
  const text = await llm.complete('q');
  if (text.length > 3) {
    conversation.priority = 0;
  }
  const result = await repo.update({ id: conversation.id, priority: previousPriority }, { priority: conversation.priority });
  if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: priority not written');
}`,
            },
          ],
        },
      ],
    },
    {
      name: 're-read, then the stale object spread over the fresh one: still a stale save',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const fresh = await repo.findOneByOrFail({ id });
  await repo.save({ ...fresh, ...conversation });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 49,
        },
      ],
    },
    {
      name: 'a custom loader and a saver wrapper: reported at the wrapper call',
      code: `${imports}
export async function reply(store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await store.getOrThrow(id);
  const text = await llm.complete('q');
  conversation.lastMessageSnippet = text;
  await store.persist(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'ConversationStore.getOrThrow() → findOne()',
            loadLine: String(L + 3),
            method: 'store.persist() (ConversationStore.persist → save())',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update(). The save() to change is at shared/services.ts:32.',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 36,
          // The loader only reads: it is called again after the wait, its row copied in once it is shown to be the same one.
          suggestions: [
            {
              messageId: 'rewriteToLoaderRecallAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), loader: 'store.getOrThrow()' },
              output: `${imports}
export async function reply(store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await store.getOrThrow(id);
  const text = await llm.complete('q');
  const reloadedConversation = await store.getOrThrow(id);
  if (!(reloadedConversation?.id === conversation.id)) throw new Error('Conversation was deleted or replaced by another writer during the wait');
  Object.assign(conversation, reloadedConversation);
  conversation.lastMessageSnippet = text;
  await store.persist(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a saver in another file that changes the entity itself: it is handed the row re-loaded after the wait (a suggestion); reading the primary key after the call is no use of the old object',
      code: `${imports}
export async function escalateAfterReply(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneBy({ id });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  await store.escalate(conversation);
  return conversation.id;
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneBy()',
            loadLine: String(L + 3),
            method: 'store.escalate() (ConversationStore.escalate → save())',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more',
            advice: 'Make that function write only the fields it changes with update() (its save() is at shared/services.ts:38), or re-load the entity after the await.',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 37,
          suggestions: [
            {
              messageId: 'rewriteToSaverReload',
              data: { saver: 'store.escalate()', name: 'conversation', reload: 'repo.findOneByOrFail({ id: conversation.id })' },
              output: `${imports}
export async function escalateAfterReply(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneBy({ id });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  await store.escalate(await repo.findOneByOrFail({ id: conversation.id }));
  return conversation.id;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a saver re-load for an Active Record entity of a loaded list, in the loop that declares it: the class loads it again',
      code: `${imports}
async function downgradeAndStore(account: Account): Promise<void> {
  account.downgrade();
  await account.save();
}
export async function cancelAll(payments: PaymentClient) {
  const accounts = await Account.find();
  for (const account of accounts) {
    await payments.capture(\`refund-\${String(account.id)}\`);
    await downgradeAndStore(account);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'account',
            loader: 'find()',
            loadLine: String(L + 7),
            method: 'downgradeAndStore() (downgradeAndStore → save())',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 9),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'email, plan, avatarUrl',
            advice: 'Make that function write only the fields it changes with update() (its save() is at line ' + String(L + 4) + '), or re-load the entity after the await.',
          },
          line: L + 10,
          column: 11,
          endLine: L + 10,
          endColumn: 37,
          suggestions: [
            {
              messageId: 'rewriteToSaverReload',
              data: { saver: 'downgradeAndStore()', name: 'account', reload: 'Account.findOneByOrFail({ id: account.id })' },
              output: `${imports}
async function downgradeAndStore(account: Account): Promise<void> {
  account.downgrade();
  await account.save();
}
export async function cancelAll(payments: PaymentClient) {
  const accounts = await Account.find();
  for (const account of accounts) {
    await payments.capture(\`refund-\${String(account.id)}\`);
    await downgradeAndStore(await Account.findOneByOrFail({ id: account.id }));
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'no saver re-load when the code changes the entity too, uses it after the call, or the load joined relations; where nothing changed it before the wait, the re-load goes right after the wait instead (relations repeated)',
      code: `${imports}
export async function changedHere(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete(id);
  await store.escalate(conversation);
}
export async function usedAfter(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(id);
  await store.escalate(conversation);
  return conversation.priority;
}
export async function withRelations(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, relations: { messages: true } });
  await llm.complete(id);
  await store.escalate(conversation);
}`,
      output: null,
      errors: [
        { messageId: 'staleSave', data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 3), method: 'store.escalate() (ConversationStore.escalate → save())', window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt', advice: 'Update only lastMessageSnippet with update(). The save() to change is at shared/services.ts:38.' }, line: L + 5, column: 9, endLine: L + 5, endColumn: 37, suggestions: [] },
        { messageId: 'staleSave', data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 8), method: 'store.escalate() (ConversationStore.escalate → save())', window: 'after `await llm.complete(…)`', awaitLine: String(L + 9), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more', advice: 'Make that function write only the fields it changes with update() (its save() is at shared/services.ts:38), or re-load the entity after the await.' }, line: L + 10, column: 9, endLine: L + 10, endColumn: 37, suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 9), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function changedHere(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete(id);
  await store.escalate(conversation);
}
export async function usedAfter(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(id);
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  await store.escalate(conversation);
  return conversation.priority;
}
export async function withRelations(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, relations: { messages: true } });
  await llm.complete(id);
  await store.escalate(conversation);
}`,
            },
          ] },
        { messageId: 'staleSave', data: { name: 'conversation', loader: 'findOneOrFail()', loadLine: String(L + 14), method: 'store.escalate() (ConversationStore.escalate → save())', window: 'after `await llm.complete(…)`', awaitLine: String(L + 15), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 2 more', advice: 'Make that function write only the fields it changes with update() (its save() is at shared/services.ts:38), or re-load the entity after the await.' }, line: L + 16, column: 9, endLine: L + 16, endColumn: 37, suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 15), reload: 'Object.assign(conversation, await repo.findOneOrFail({ where: { id: conversation.id }, relations: { messages: true } }))' },
              output: `${imports}
export async function changedHere(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete(id);
  await store.escalate(conversation);
}
export async function usedAfter(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(id);
  await store.escalate(conversation);
  return conversation.priority;
}
export async function withRelations(repo: Repository<Conversation>, store: ConversationStore, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, relations: { messages: true } });
  await llm.complete(id);
  Object.assign(conversation, await repo.findOneOrFail({ where: { id: conversation.id }, relations: { messages: true } }));
  await store.escalate(conversation);
}`,
            },
          ] },
      ],
    },
    {
      name: 'savers reached under other names: a renamed import, a default export, a named function expression, an object property (the one changed here re-loaded after the wait)',
      code: `import { Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import storeDefault, { savers, storeConversation as keep } from './shared/persist-helpers.js';
import * as helpers from './shared/persist-helpers.js';

export class Finisher {
  constructor(private readonly repo: Repository<Conversation>) {}

  async viaRenamedImport(conversation: Conversation): Promise<void> {
    await keep(this.repo, conversation);
  }

  async viaDefaultExport(conversation: Conversation): Promise<void> {
    await storeDefault(this.repo, conversation);
  }
}

export async function reply(repo: Repository<Conversation>, llm: LlmClient, finisher: Finisher, id: string) {
  const first = await repo.findOneByOrFail({ id });
  const second = await repo.findOneByOrFail({ id });
  const third = await repo.findOneByOrFail({ id });
  const fourth = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  first.lastMessageSnippet = text;
  await finisher.viaRenamedImport(first);
  await finisher.viaDefaultExport(second);
  await helpers.keepFn(repo, third);
  await savers.remember(repo, fourth);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: 'first', loader: 'findOneByOrFail()', loadLine: '20', method: 'finisher.viaRenamedImport() (Finisher.viaRenamedImport → storeConversation → save())', window: 'after `await llm.complete(…)`', awaitLine: '24', reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: CONVERSATION_AT_RISK, advice: 'Update only lastMessageSnippet with update(). The save() to change is at shared/persist-helpers.ts:7.' },
          line: 26,
          column: 9,
          endLine: 26,
          endColumn: 41,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'first', awaited: 'llm.complete(…)', awaitLine: '24', reload: 'Object.assign(first, await repo.findOneByOrFail({ id: first.id }))' },
              output: `import { Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import storeDefault, { savers, storeConversation as keep } from './shared/persist-helpers.js';
import * as helpers from './shared/persist-helpers.js';

export class Finisher {
  constructor(private readonly repo: Repository<Conversation>) {}

  async viaRenamedImport(conversation: Conversation): Promise<void> {
    await keep(this.repo, conversation);
  }

  async viaDefaultExport(conversation: Conversation): Promise<void> {
    await storeDefault(this.repo, conversation);
  }
}

export async function reply(repo: Repository<Conversation>, llm: LlmClient, finisher: Finisher, id: string) {
  const first = await repo.findOneByOrFail({ id });
  const second = await repo.findOneByOrFail({ id });
  const third = await repo.findOneByOrFail({ id });
  const fourth = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  Object.assign(first, await repo.findOneByOrFail({ id: first.id }));
  first.lastMessageSnippet = text;
  await finisher.viaRenamedImport(first);
  await finisher.viaDefaultExport(second);
  await helpers.keepFn(repo, third);
  await savers.remember(repo, fourth);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: 'second', loader: 'findOneByOrFail()', loadLine: '21', method: 'finisher.viaDefaultExport() (Finisher.viaDefaultExport → <anonymous> → save())', window: 'after `await llm.complete(…)`', awaitLine: '24', reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more', advice: 'Make that function write only the fields it changes with update() (its save() is at shared/persist-helpers.ts:11), or re-load the entity after the await.' },
          line: 27,
          column: 9,
          endLine: 27,
          endColumn: 42,
          suggestions: [
            {
              messageId: 'rewriteToSaverReload',
              data: { saver: 'finisher.viaDefaultExport()', name: 'second', reload: 'repo.findOneByOrFail({ id: second.id })' },
              output: `import { Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import storeDefault, { savers, storeConversation as keep } from './shared/persist-helpers.js';
import * as helpers from './shared/persist-helpers.js';

export class Finisher {
  constructor(private readonly repo: Repository<Conversation>) {}

  async viaRenamedImport(conversation: Conversation): Promise<void> {
    await keep(this.repo, conversation);
  }

  async viaDefaultExport(conversation: Conversation): Promise<void> {
    await storeDefault(this.repo, conversation);
  }
}

export async function reply(repo: Repository<Conversation>, llm: LlmClient, finisher: Finisher, id: string) {
  const first = await repo.findOneByOrFail({ id });
  const second = await repo.findOneByOrFail({ id });
  const third = await repo.findOneByOrFail({ id });
  const fourth = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  first.lastMessageSnippet = text;
  await finisher.viaRenamedImport(first);
  await finisher.viaDefaultExport(await repo.findOneByOrFail({ id: second.id }));
  await helpers.keepFn(repo, third);
  await savers.remember(repo, fourth);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: 'third', loader: 'findOneByOrFail()', loadLine: '22', method: 'helpers.keepFn() (keepImpl → save())', window: 'after `await llm.complete(…)`', awaitLine: '24', reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more', advice: 'Make that function write only the fields it changes with update() (its save() is at shared/persist-helpers.ts:15), or re-load the entity after the await.' },
          line: 28,
          column: 9,
          endLine: 28,
          endColumn: 36,
          suggestions: [
            {
              messageId: 'rewriteToSaverReload',
              data: { saver: 'helpers.keepFn()', name: 'third', reload: 'repo.findOneByOrFail({ id: third.id })' },
              output: `import { Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import storeDefault, { savers, storeConversation as keep } from './shared/persist-helpers.js';
import * as helpers from './shared/persist-helpers.js';

export class Finisher {
  constructor(private readonly repo: Repository<Conversation>) {}

  async viaRenamedImport(conversation: Conversation): Promise<void> {
    await keep(this.repo, conversation);
  }

  async viaDefaultExport(conversation: Conversation): Promise<void> {
    await storeDefault(this.repo, conversation);
  }
}

export async function reply(repo: Repository<Conversation>, llm: LlmClient, finisher: Finisher, id: string) {
  const first = await repo.findOneByOrFail({ id });
  const second = await repo.findOneByOrFail({ id });
  const third = await repo.findOneByOrFail({ id });
  const fourth = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  first.lastMessageSnippet = text;
  await finisher.viaRenamedImport(first);
  await finisher.viaDefaultExport(second);
  await helpers.keepFn(repo, await repo.findOneByOrFail({ id: third.id }));
  await savers.remember(repo, fourth);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: 'fourth', loader: 'findOneByOrFail()', loadLine: '23', method: 'savers.remember() (storeConversation → save())', window: 'after `await llm.complete(…)`', awaitLine: '24', reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more', advice: 'Make that function write only the fields it changes with update() (its save() is at shared/persist-helpers.ts:7), or re-load the entity after the await.' },
          line: 29,
          column: 9,
          endLine: 29,
          endColumn: 38,
          suggestions: [
            {
              messageId: 'rewriteToSaverReload',
              data: { saver: 'savers.remember()', name: 'fourth', reload: 'repo.findOneByOrFail({ id: fourth.id })' },
              output: `import { Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import storeDefault, { savers, storeConversation as keep } from './shared/persist-helpers.js';
import * as helpers from './shared/persist-helpers.js';

export class Finisher {
  constructor(private readonly repo: Repository<Conversation>) {}

  async viaRenamedImport(conversation: Conversation): Promise<void> {
    await keep(this.repo, conversation);
  }

  async viaDefaultExport(conversation: Conversation): Promise<void> {
    await storeDefault(this.repo, conversation);
  }
}

export async function reply(repo: Repository<Conversation>, llm: LlmClient, finisher: Finisher, id: string) {
  const first = await repo.findOneByOrFail({ id });
  const second = await repo.findOneByOrFail({ id });
  const third = await repo.findOneByOrFail({ id });
  const fourth = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  first.lastMessageSnippet = text;
  await finisher.viaRenamedImport(first);
  await finisher.viaDefaultExport(second);
  await helpers.keepFn(repo, third);
  await savers.remember(repo, await repo.findOneByOrFail({ id: fourth.id }));
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a transaction without a row lock does not close the window: manager.save(Target, entity)',
      code: `${imports}
export async function capture(dataSource: DataSource, payments: PaymentClient, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneByOrFail(Conversation, { id });
    await payments.capture(conversation.id);
    conversation.status = ConversationStatus.RESOLVED;
    await manager.save(Conversation, conversation);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 4),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'lastMessageId, lastMessageSnippet, assigneeId, priority, version, updatedAt',
            advice: 'Update only status with a compare-and-set update(): the loaded status in its criteria, and `affected` checked.',
          },
          line: L + 7,
          column: 11,
          endLine: L + 7,
          endColumn: 51,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: 'status', guarded: 'status', then: '' },
              output: `${imports}
export async function capture(dataSource: DataSource, payments: PaymentClient, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneByOrFail(Conversation, { id });
    await payments.capture(conversation.id);
    const previousStatus = conversation.status;
    conversation.status = ConversationStatus.RESOLVED;
    const result = await manager.update(Conversation, { id: conversation.id, status: previousStatus }, { status: conversation.status });
    if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: status not written');
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'manager.save(entity) names the imported entity class in the rewrite',
      code: `${imports}
export async function bump(manager: EntityManager, llm: LlmClient, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  await llm.complete('q');
  conversation.priority = 5;
  await manager.save(conversation);
}`,
      output: `${imports}
export async function bump(manager: EntityManager, llm: LlmClient, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  await llm.complete('q');
  conversation.priority = 5;
  await manager.update(Conversation, { id: conversation.id }, { priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 35,
        },
      ],
    },
    {
      name: 'an update listener would be skipped by update(): suggestion only',
      code: `${imports}
export async function summarize(repo: Repository<Ticket>, llm: LlmClient, id: number) {
  const ticket = await repo.findOneByOrFail({ id });
  ticket.summary = await llm.complete(ticket.title);
  await repo.save(ticket);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'ticket',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'updatedAt, title, state',
            advice: 'Update only summary with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 26,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: 'summary', then: '' },
              output: `${imports}
export async function summarize(repo: Repository<Ticket>, llm: LlmClient, id: number) {
  const ticket = await repo.findOneByOrFail({ id });
  ticket.summary = await llm.complete(ticket.title);
  await repo.update({ id: ticket.id }, { summary: ticket.summary });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a composite primary key goes whole into the criteria',
      code: `${imports}
export async function renameRole(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.role = 'billing';
  await repo.save(membership);
}`,
      output: `${imports}
export async function renameRole(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.role = 'billing';
  await repo.update({ workspaceId: membership.workspaceId, userId: membership.userId }, { role: membership.role });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'membership',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 5 - 1),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'seats',
            advice: 'Update only role with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 30,
        },
      ],
    },
    {
      name: 'a field changed by an amount: increment() in the database instead of the stale value plus the amount',
      code: `${imports}
export async function addSeat(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats += 1;
  await repo.save(membership);
}`,
      output: `${imports}
export async function addSeat(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats += 1;
  await repo.increment({ workspaceId: membership.workspaceId, userId: membership.userId }, 'seats', 1);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'membership',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 5 - 1),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'seats (set from its stale value), role',
            advice: 'Change seats in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await.',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 30,
        },
      ],
    },
    {
      name: "e.f -= n with an amount nothing reassigns: decrement()",
      code: `${imports}
export async function useSeats(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string, used: number) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats -= used;
  await repo.save(membership);
}`,
      output: `${imports}
export async function useSeats(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string, used: number) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats -= used;
  await repo.decrement({ workspaceId: membership.workspaceId, userId: membership.userId }, 'seats', used);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "membership", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await payments.capture(…)`', awaitLine: String(L + 4), reason: "a network call via PaymentClient.capture → axios.post", atRisk: "seats (set from its stale value), role", advice: "Change seats in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 30,
        },
      ],
    },
    {
      name: "e.f++ and e.f = n + e.f are increments too (entity manager form)",
      code: `${imports}
export async function escalate(manager: EntityManager, notifier: Notifier, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  await notifier.notify(id);
  conversation.priority++;
  await manager.save(conversation);
}
export async function boost(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('rate');
  conversation.priority = 2 + conversation.priority;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function escalate(manager: EntityManager, notifier: Notifier, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  await notifier.notify(id);
  conversation.priority++;
  await manager.increment(Conversation, { id: conversation.id }, 'priority', 1);
}
export async function boost(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('rate');
  conversation.priority = 2 + conversation.priority;
  await repo.increment({ id: conversation.id }, 'priority', 2);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await notifier.notify(…)`', awaitLine: String(L + 4), reason: "an unclassified call via Notifier.notify that may be slow I/O", atRisk: "priority (set from its stale value), status, lastMessageId, lastMessageSnippet, assigneeId, version and 1 more", advice: "Change priority in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 35,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 9), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "priority (set from its stale value), status, lastMessageId, lastMessageSnippet, assigneeId, version and 1 more", advice: "Change priority in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 12,
          column: 9,
          endLine: L + 12,
          endColumn: 32,
        },
      ],
    },
    {
      name: "an amount with other written fields: one query-builder UPDATE computes it in SQL, the column quoted by the driver and the amount a parameter",
      code: `${imports}
export async function transfer(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string, moved: number) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats = membership.seats - moved;
  membership.role = 'billing';
  await repo.save(membership);
}`,
      output: `${imports}
export async function transfer(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string, moved: number) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats = membership.seats - moved;
  membership.role = 'billing';
  await repo.createQueryBuilder().update().set({ seats: () => \`\${repo.manager.dataSource.driver.escape('seats')} - :seatsDelta\`, role: membership.role }).setParameters({ seatsDelta: moved }).where({ workspaceId: membership.workspaceId, userId: membership.userId }).execute();
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "membership", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await payments.capture(…)`', awaitLine: String(L + 4), reason: "a network call via PaymentClient.capture → axios.post", atRisk: "seats (set from its stale value)", advice: "Change seats in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 30,
        },
      ],
    },
    {
      name: "an amount read again at the save might differ (awaited, changed twice, or only on one path): the change is captured as a delta",
      code: `${imports}
export async function countReplies(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority += Number(await llm.complete('how many?'));
  await repo.save(conversation);
}
export async function twice(repo: Repository<Conversation>, llm: LlmClient, id: string, urgent: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('rate');
  conversation.priority += 1;
  if (urgent) {
    conversation.priority += 5;
  }
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "priority (set from its stale value), status, lastMessageId, lastMessageSnippet, assigneeId, version and 1 more", advice: "Change priority in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToAtomicUpdate',
              data: { fields: "priority", then: "", derived: "priority", how: "increment()" },
              output: `${imports}
export async function countReplies(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const previousPriority = conversation.priority;
  conversation.priority += Number(await llm.complete('how many?'));
  await repo.increment({ id: conversation.id }, 'priority', conversation.priority - previousPriority);
}
export async function twice(repo: Repository<Conversation>, llm: LlmClient, id: string, urgent: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('rate');
  conversation.priority += 1;
  if (urgent) {
    conversation.priority += 5;
  }
  await repo.save(conversation);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 8), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 9), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "priority (set from its stale value), status, lastMessageId, lastMessageSnippet, assigneeId, version and 1 more", advice: "Change priority in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 14,
          column: 9,
          endLine: L + 14,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToAtomicUpdate',
              data: { fields: "priority", then: "", derived: "priority", how: "increment()" },
              output: `${imports}
export async function countReplies(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority += Number(await llm.complete('how many?'));
  await repo.save(conversation);
}
export async function twice(repo: Repository<Conversation>, llm: LlmClient, id: string, urgent: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('rate');
  const previousPriority = conversation.priority;
  conversation.priority += 1;
  if (urgent) {
    conversation.priority += 5;
  }
  await repo.increment({ id: conversation.id }, 'priority', conversation.priority - previousPriority);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a field derived otherwise: compare-and-set on the value it was loaded with",
      code: `${imports}
export async function atLeast(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string, wanted: number) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  membership.seats = Math.max(membership.seats, wanted);
  await repo.save(membership);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "membership", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await payments.capture(…)`', awaitLine: String(L + 4), reason: "a network call via PaymentClient.capture → axios.post", atRisk: "seats (set from its stale value), role", advice: "Change seats in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 30,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: "seats", then: "", guarded: "seats" },
              output: `${imports}
export async function atLeast(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string, wanted: number) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('seat');
  const previousSeats = membership.seats;
  membership.seats = Math.max(membership.seats, wanted);
  const result = await repo.update({ workspaceId: membership.workspaceId, userId: membership.userId, seats: previousSeats }, { seats: membership.seats });
  if (!result.affected) throw new Error('Membership was changed by another writer since it was loaded: seats not written');
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a nullable field derived from itself: no compare-and-set (null cannot go into the criteria); a re-load after the wait, so it is derived from the row as it is then",
      code: `${imports}
export async function append(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete('more');
  conversation.lastMessageSnippet = conversation.lastMessageSnippet + text;
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "lastMessageSnippet (set from its stale value), status, lastMessageId, assigneeId, priority, version and 1 more", advice: "Re-load it after the await and derive lastMessageSnippet from the row as it is then, or compute the new value in SQL." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function append(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete('more');
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  conversation.lastMessageSnippet = conversation.lastMessageSnippet + text;
  await repo.save(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a state column written with other fields: compare-and-set on the state, every field written",
      code: `${imports}
export async function resolve(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const summary = await llm.complete('summarize');
  conversation.status = ConversationStatus.RESOLVED;
  conversation.lastMessageSnippet = summary;
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only status, lastMessageSnippet with a compare-and-set update(): the loaded status in its criteria, and `affected` checked." },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: "status, lastMessageSnippet", then: "", guarded: "status" },
              output: `${imports}
export async function resolve(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const summary = await llm.complete('summarize');
  const previousStatus = conversation.status;
  conversation.status = ConversationStatus.RESOLVED;
  conversation.lastMessageSnippet = summary;
  const result = await repo.update({ id: conversation.id, status: previousStatus }, { status: conversation.status, lastMessageSnippet: conversation.lastMessageSnippet });
  if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: status not written');
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a state column set in a spread literal: the entity still holds the loaded state, nothing to capture",
      code: `${imports}
export async function close(repo: Repository<Conversation>, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await payments.capture('p');
  await repo.save({ ...conversation, status: ConversationStatus.RESOLVED });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await payments.capture(…)`', awaitLine: String(L + 4), reason: "a network call via PaymentClient.capture → axios.post", atRisk: "lastMessageId, lastMessageSnippet, assigneeId, priority, version, updatedAt", advice: "Update only status with a compare-and-set update(): the loaded status in its criteria, and `affected` checked." },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 76,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: "status", then: "", guarded: "status" },
              output: `${imports}
export async function close(repo: Repository<Conversation>, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await payments.capture('p');
  const result = await repo.update({ id: conversation.id, status: conversation.status }, { status: ConversationStatus.RESOLVED });
  if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: status not written');
}`,
            },
          ],
        },
      ],
    },
    {
      name: "spread save with an entity manager that names the class; fields assigned before the spread go too",
      code: `${imports}
export async function note(manager: EntityManager, llm: LlmClient, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  conversation.priority = 3;
  const text = await llm.complete('q');
  await manager.save(Conversation, { ...conversation, lastMessageSnippet: text });
}`,
      output: `${imports}
export async function note(manager: EntityManager, llm: LlmClient, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  conversation.priority = 3;
  const text = await llm.complete('q');
  await manager.update(Conversation, { id: conversation.id }, { priority: conversation.priority, lastMessageSnippet: text });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 5), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, version, updatedAt", advice: "Update only priority, lastMessageSnippet with update()." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 82,
        },
      ],
    },
    {
      name: "spread saves that cannot be rewritten: a key before the spread (re-loaded after the wait instead), the primary key overridden (another row: nothing), no class named",
      code: `${imports}
export async function before(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  await repo.save({ lastMessageSnippet: text, ...conversation });
}
export async function copy(repo: Repository<Conversation>, llm: LlmClient, id: string, other: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('q');
  await repo.save({ ...conversation, id: other });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more", advice: "Re-load it after the await, or write only the fields this code changes with update()." },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 65,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function before(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete('q');
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  await repo.save({ lastMessageSnippet: text, ...conversation });
}
export async function copy(repo: Repository<Conversation>, llm: LlmClient, id: string, other: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('q');
  await repo.save({ ...conversation, id: other });
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 8), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 9), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more", advice: "Update only id with update()." },
          line: L + 10,
          column: 9,
          endLine: L + 10,
          endColumn: 50,
        },
      ],
    },
    {
      name: "the save result is returned: update(), then a re-load for the value the code returns",
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  return repo.save(conversation);
}
export async function replyAwaited(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  return await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 5,
          column: 10,
          endLine: L + 5,
          endColumn: 33,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "lastMessageSnippet", then: ", then re-load the row for the value the code returns" },
              output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  return repo.findOneByOrFail({ id: conversation.id });
}
export async function replyAwaited(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  return await repo.save(conversation);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 8), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 9), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 10,
          column: 16,
          endLine: L + 10,
          endColumn: 39,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "lastMessageSnippet", then: ", then re-load the row for the value the code returns" },
              output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  return repo.save(conversation);
}
export async function replyAwaited(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  return await repo.findOneByOrFail({ id: conversation.id });
}`,
            },
          ],
        },
      ],
    },
    {
      name: "the saved value kept in a variable: the entity itself when only its own fields are read after, a re-load when the version is",
      code: `${imports}
export async function snippet(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const saved = await repo.save(conversation);
  return saved.lastMessageSnippet;
}
export async function version(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const saved: Conversation = await repo.save(conversation);
  return saved.version;
}`,
      output: `${imports}
export async function snippet(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  const saved = conversation;
  return saved.lastMessageSnippet;
}
export async function version(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const saved: Conversation = await repo.save(conversation);
  return saved.version;
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 5,
          column: 23,
          endLine: L + 5,
          endColumn: 46,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 9), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 11,
          column: 37,
          endLine: L + 11,
          endColumn: 60,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "lastMessageSnippet", then: ", then re-load the row for the value the code uses" },
              output: `${imports}
export async function snippet(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  const saved = await repo.save(conversation);
  return saved.lastMessageSnippet;
}
export async function version(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  const saved: Conversation = await repo.findOneByOrFail({ id: conversation.id });
  return saved.version;
}`,
            },
          ],
        },
      ],
    },
    {
      name: "the saved value put back into the entity variable",
      code: `${imports}
export async function quiet(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  conversation = await repo.save(conversation);
  console.log(conversation.lastMessageSnippet);
}
export async function escapes(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  conversation = await repo.save(conversation);
  return conversation;
}`,
      output: `${imports}
export async function quiet(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  console.log(conversation.lastMessageSnippet);
}
export async function escapes(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  conversation = await repo.save(conversation);
  return conversation;
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 5,
          column: 24,
          endLine: L + 5,
          endColumn: 47,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 9), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 11,
          column: 24,
          endLine: L + 11,
          endColumn: 47,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "lastMessageSnippet", then: ", then re-load the row for the value the code uses" },
              output: `${imports}
export async function quiet(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  conversation = await repo.save(conversation);
  console.log(conversation.lastMessageSnippet);
}
export async function escapes(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  conversation = await repo.findOneByOrFail({ id: conversation.id });
  return conversation;
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a compare-and-set in the lone body of an if gets a block; a taken name gets a number",
      code: `${imports}
export async function maybeResolve(repo: Repository<Conversation>, llm: LlmClient, id: string, result: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const verdict = await llm.complete(result);
  conversation.status = ConversationStatus.RESOLVED;
  if (verdict === 'yes') await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "lastMessageId, lastMessageSnippet, assigneeId, priority, version, updatedAt", advice: "Update only status with a compare-and-set update(): the loaded status in its criteria, and `affected` checked." },
          line: L + 6,
          column: 32,
          endLine: L + 6,
          endColumn: 55,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: "status", then: "", guarded: "status" },
              output: `${imports}
export async function maybeResolve(repo: Repository<Conversation>, llm: LlmClient, id: string, result: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const verdict = await llm.complete(result);
  const previousStatus = conversation.status;
  conversation.status = ConversationStatus.RESOLVED;
  if (verdict === 'yes') {
    const result2 = await repo.update({ id: conversation.id, status: previousStatus }, { status: conversation.status });
    if (!result2.affected) throw new Error('Conversation was changed by another writer since it was loaded: status not written');
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a change inside a property (a nested field, an array method) is not a field write: no rewrite",
      code: `${imports}
export async function nested(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id, });
  conversation.priority = 1;
  conversation.messages.pop();
  await llm.complete('q');
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 6), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt", advice: "Write only the fields this code changes (priority, …) with update(), or re-load it after the await." },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
        },
      ],
    },

    {
      name: "the entity is saved again later: no update() (the first save is what keeps the second from reverting concurrent changes); a re-load after the wait instead",
      code: `${imports}
export async function twice(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('q');
  conversation.priority = 1;
  await repo.save(conversation);
  conversation.lastMessageSnippet = 'done';
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt", advice: "Update only priority with update()." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function twice(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('q');
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  conversation.priority = 1;
  await repo.save(conversation);
  conversation.lastMessageSnippet = 'done';
  await repo.save(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "the entity is handed on after the save (its version would differ): the rewrite is a suggestion",
      code: `${imports}
export async function handOn(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.save(conversation);
  return conversation;
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "lastMessageSnippet", then: "" },
              output: `${imports}
export async function handOn(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  return conversation;
}`,
            },
          ],
        },
      ],
    },

    {
      name: "an element pushed to a loaded many-to-many relation: RelationQueryBuilder.add() instead of saving the array",
      code: `${imports}
export async function join(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  await llm.complete('Should this agent join?');
  team.members.push(agent);
  await repo.save(team);
}
export async function joinInTransaction(manager: EntityManager, llm: LlmClient, teamId: string, first: Agent, second: Agent) {
  const team = await manager.findOneOrFail(Team, { where: { id: teamId }, relations: { members: true } });
  await llm.complete('Should they join?');
  team.members.push(first, second);
  await manager.save(team);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "team", loader: "findOneOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "name, members", advice: "Add the new members with RelationQueryBuilder.add() instead of saving the loaded array." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 24,
          suggestions: [
            {
              messageId: 'rewriteToRelationAdd',
              data: { added: "agent", relation: "team.members" },
              output: `${imports}
export async function join(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  await llm.complete('Should this agent join?');
  team.members.push(agent);
  await repo.createQueryBuilder().relation(Team, 'members').of(team).add(agent);
}
export async function joinInTransaction(manager: EntityManager, llm: LlmClient, teamId: string, first: Agent, second: Agent) {
  const team = await manager.findOneOrFail(Team, { where: { id: teamId }, relations: { members: true } });
  await llm.complete('Should they join?');
  team.members.push(first, second);
  await manager.save(team);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: "team", loader: "findOneOrFail()", loadLine: String(L + 9), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "name, members", advice: "Add the new members with RelationQueryBuilder.add() instead of saving the loaded array." },
          line: L + 12,
          column: 9,
          endLine: L + 12,
          endColumn: 27,
          suggestions: [
            {
              messageId: 'rewriteToRelationAdd',
              data: { added: "[first, second]", relation: "team.members" },
              output: `${imports}
export async function join(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  await llm.complete('Should this agent join?');
  team.members.push(agent);
  await repo.save(team);
}
export async function joinInTransaction(manager: EntityManager, llm: LlmClient, teamId: string, first: Agent, second: Agent) {
  const team = await manager.findOneOrFail(Team, { where: { id: teamId }, relations: { members: true } });
  await llm.complete('Should they join?');
  team.members.push(first, second);
  await manager.createQueryBuilder().relation(Team, 'members').of(team).add([first, second]);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a push that may not run before the save, or with a field written too: no relation rewrite; where nothing changed the team before the wait, a re-load after it with the relation repeated",
      code: `${imports}
export async function maybeJoin(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  const verdict = await llm.complete('Should this agent join?');
  if (verdict === 'yes') team.members.push(agent);
  await repo.save(team);
}
export async function joinAndRename(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  team.name = await llm.complete('Name the team');
  team.members.push(agent);
  await repo.save(team);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "team", loader: "findOneOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "name, members", advice: "Add the new members with RelationQueryBuilder.add() instead of saving the loaded array." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 24,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'team', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(team, await repo.findOneOrFail({ where: { id: team.id }, relations: { members: true } }))' },
              output: `${imports}
export async function maybeJoin(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  const verdict = await llm.complete('Should this agent join?');
  Object.assign(team, await repo.findOneOrFail({ where: { id: team.id }, relations: { members: true } }));
  if (verdict === 'yes') team.members.push(agent);
  await repo.save(team);
}
export async function joinAndRename(repo: Repository<Team>, llm: LlmClient, teamId: string, agent: Agent) {
  const team = await repo.findOneOrFail({ where: { id: teamId }, relations: { members: true } });
  team.name = await llm.complete('Name the team');
  team.members.push(agent);
  await repo.save(team);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: "team", loader: "findOneOrFail()", loadLine: String(L + 9), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "members", advice: "Update only name with update(), and add the new members with RelationQueryBuilder.add()." },
          line: L + 12,
          column: 9,
          endLine: L + 12,
          endColumn: 24,
        },
      ],
    },

    {
      name: "the entity handed to functions of the project that only read it (in another file, through a method, passed on to another reader): the fix still applies",
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, presenter: ConversationPresenter, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const prompt = describeConversation(conversation);
  conversation.lastMessageSnippet = await llm.complete(prompt);
  console.log(presenter.summary(conversation));
  await repo.save(conversation);
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, presenter: ConversationPresenter, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const prompt = describeConversation(conversation);
  conversation.lastMessageSnippet = await llm.complete(prompt);
  console.log(presenter.summary(conversation));
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 5), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
        },
      ],
    },
    {
      name: "the entity handed to a function that assigns to it, keeps it, or passes it to unknown code: no rewrite",
      code: `${imports}
export async function reset(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  resetPriority(conversation);
  await repo.save(conversation);
}
export async function keep(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  remember(conversation);
  await repo.save(conversation);
}
export async function send(repo: Repository<Conversation>, llm: LlmClient, sink: { write(value: object): void }, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  audit(sink, conversation);
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await." },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 9), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await." },
          line: L + 12,
          column: 9,
          endLine: L + 12,
          endColumn: 32,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 15), method: "save()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 16), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await." },
          line: L + 18,
          column: 9,
          endLine: L + 18,
          endColumn: 32,
        },
      ],
    },

    {
      name: "a saver in this file whose only caller this is: the update goes where its save() is",
      code: `${imports}
async function persist(repo: Repository<Conversation>, conversation: Conversation): Promise<void> {
  await repo.save(conversation);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await persist(repo, conversation);
}
export class Responder {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}
  async reply(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    conversation.priority = Number(await this.llm.complete('priority?'));
    await this.store(conversation);
  }
  private async store(conversation: Conversation): Promise<void> {
    await this.repo.save(conversation);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 6), method: "persist() (persist → save())", window: 'after `await llm.complete(…)`', awaitLine: String(L + 7), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: `Update only lastMessageSnippet with update(). The save() to change is at line ${String(L + 3)}.` },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 36,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "lastMessageSnippet", then: " where persist saves it" },
              output: `${imports}
async function persist(repo: Repository<Conversation>, conversation: Conversation): Promise<void> {
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await persist(repo, conversation);
}
export class Responder {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}
  async reply(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    conversation.priority = Number(await this.llm.complete('priority?'));
    await this.store(conversation);
  }
  private async store(conversation: Conversation): Promise<void> {
    await this.repo.save(conversation);
  }
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 13), method: "store() (Responder.store → save())", window: 'after `await this.llm.complete(…)`', awaitLine: String(L + 14), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt", advice: `Update only priority with update(). The save() to change is at line ${String(L + 18)}.` },
          line: L + 15,
          column: 11,
          endLine: L + 15,
          endColumn: 35,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: "priority", then: " where store saves it" },
              output: `${imports}
async function persist(repo: Repository<Conversation>, conversation: Conversation): Promise<void> {
  await repo.save(conversation);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await persist(repo, conversation);
}
export class Responder {
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {}
  async reply(id: string): Promise<void> {
    const conversation = await this.repo.findOneByOrFail({ id });
    conversation.priority = Number(await this.llm.complete('priority?'));
    await this.store(conversation);
  }
  private async store(conversation: Conversation): Promise<void> {
    await this.repo.update({ id: conversation.id }, { priority: conversation.priority });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a saver that is exported or called from elsewhere too: no suggestion, the message says where its save() is",
      code: `${imports}
export async function persist(repo: Repository<Conversation>, conversation: Conversation): Promise<void> {
  await repo.save(conversation);
}
async function store(repo: Repository<Conversation>, conversation: Conversation): Promise<void> {
  await repo.save(conversation);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await persist(repo, conversation);
}
export async function twice(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await store(repo, conversation);
  const other = repo.create({ id: 'new' });
  await store(repo, other);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 9), method: "persist() (persist → save())", window: 'after `await llm.complete(…)`', awaitLine: String(L + 10), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: `Update only lastMessageSnippet with update(). The save() to change is at line ${String(L + 3)}.` },
          line: L + 11,
          column: 9,
          endLine: L + 11,
          endColumn: 36,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 14), method: "store() (store → save())", window: 'after `await llm.complete(…)`', awaitLine: String(L + 15), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: `Update only lastMessageSnippet with update(). The save() to change is at line ${String(L + 6)}.` },
          line: L + 16,
          column: 9,
          endLine: L + 16,
          endColumn: 34,
        },
      ],
    },

    {
      name: 'a later save on the other side of an if never runs after this one: it does not block the rewrite',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const reply = await llm.complete('ping');
  if (reply !== '') {
    conversation.lastMessageSnippet = reply;
    await repo.save(conversation);
  } else {
    conversation.priority = 0;
    await repo.save(conversation);
  }
}`,
      output: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const reply = await llm.complete('ping');
  if (reply !== '') {
    conversation.lastMessageSnippet = reply;
    await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  } else {
    conversation.priority = 0;
    await repo.update({ id: conversation.id }, { priority: conversation.priority });
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 3), method: 'save()', window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt', advice: 'Update only lastMessageSnippet with update().' },
          line: L + 7,
          column: 11,
          endLine: L + 7,
          endColumn: 34,
        },
        {
          messageId: 'staleSave',
          data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 3), method: 'save()', window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt', advice: 'Update only priority with update().' },
          line: L + 10,
          column: 11,
          endLine: L + 10,
          endColumn: 34,
        },
      ],
    },
    {
      name: 'in a callback the choice is made once per call: a field set on the other side in an earlier call is written by this save',
      code: `${imports}
export async function triage(repo: Repository<Conversation>, llm: LlmClient, id: string, texts: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('triage');
  await Promise.all(texts.map(async (text) => {
    if (text === '') {
      conversation.priority = 5;
    } else {
      conversation.lastMessageSnippet = text;
      await repo.save(conversation);
    }
  }));
}`,
      output: `${imports}
export async function triage(repo: Repository<Conversation>, llm: LlmClient, id: string, texts: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('triage');
  await Promise.all(texts.map(async (text) => {
    if (text === '') {
      conversation.priority = 5;
    } else {
      conversation.lastMessageSnippet = text;
      await repo.update({ id: conversation.id }, { priority: conversation.priority, lastMessageSnippet: conversation.lastMessageSnippet });
    }
  }));
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 3), method: 'save()', window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, assigneeId, version, updatedAt', advice: 'Update only priority, lastMessageSnippet with update().' },
          line: L + 10,
          column: 13,
          endLine: L + 10,
          endColumn: 36,
        },
      ],
    },
    {
      // (`--fix` passes again once the later save is rewritten, and then rewrites this one too.)
      name: 'in a loop the other side of an if may run in a later turn, after this save: that save still blocks the rewrite',
      code: `${imports}
export async function answerAll(repo: Repository<Conversation>, llm: LlmClient, id: string, rounds: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  for (const round of rounds) {
    const reply = await llm.complete(round);
    if (reply !== '') {
      conversation.lastMessageSnippet = reply;
      await repo.save(conversation);
    } else {
      conversation.priority = 0;
      await repo.save(conversation);
    }
  }
}`,
      output: [
        `${imports}
export async function answerAll(repo: Repository<Conversation>, llm: LlmClient, id: string, rounds: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  for (const round of rounds) {
    const reply = await llm.complete(round);
    if (reply !== '') {
      conversation.lastMessageSnippet = reply;
      await repo.save(conversation);
    } else {
      conversation.priority = 0;
      await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet, priority: conversation.priority });
    }
  }
}`,
        `${imports}
export async function answerAll(repo: Repository<Conversation>, llm: LlmClient, id: string, rounds: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  for (const round of rounds) {
    const reply = await llm.complete(round);
    if (reply !== '') {
      conversation.lastMessageSnippet = reply;
      await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
    } else {
      conversation.priority = 0;
      await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet, priority: conversation.priority });
    }
  }
}`,
      ],
      errors: [
        {
          messageId: 'staleSave',
          data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 3), method: 'save()', window: 'after `await llm.complete(…)`', awaitLine: String(L + 5), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt', advice: 'Update only lastMessageSnippet with update().' },
          line: L + 8,
          column: 13,
          endLine: L + 8,
          endColumn: 36,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 5), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function answerAll(repo: Repository<Conversation>, llm: LlmClient, id: string, rounds: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  for (const round of rounds) {
    const reply = await llm.complete(round);
    Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
    if (reply !== '') {
      conversation.lastMessageSnippet = reply;
      await repo.save(conversation);
    } else {
      conversation.priority = 0;
      await repo.save(conversation);
    }
  }
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          // In a loop the other side's write may come first, in an earlier turn: it counts here.
          data: { name: 'conversation', loader: 'findOneByOrFail()', loadLine: String(L + 3), method: 'save()', window: 'after `await llm.complete(…)`', awaitLine: String(L + 5), reason: 'a network call via LlmClient.complete → openai.chat.completions.create', atRisk: 'status, lastMessageId, assigneeId, version, updatedAt', advice: 'Update only lastMessageSnippet, priority with update().' },
          line: L + 11,
          column: 13,
          endLine: L + 11,
          endColumn: 36,
        },
      ],
    },
    {
      name: "a later save the function never reaches after this one (it throws first) does not block the rewrite",
      code: `${imports}
export async function probe(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const reply = await llm.complete('ping');
  if (reply === '') {
    conversation.priority = 0;
    await repo.save(conversation);
    throw new Error('empty reply');
  }
  conversation.lastMessageSnippet = reply;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function probe(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const reply = await llm.complete('ping');
  if (reply === '') {
    conversation.priority = 0;
    await repo.update({ id: conversation.id }, { priority: conversation.priority });
    throw new Error('empty reply');
  }
  conversation.lastMessageSnippet = reply;
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: "after `await llm.complete(…)`", awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt", advice: "Update only priority with update()." },
          line: L + 7,
          column: 11,
          endLine: L + 7,
          endColumn: 34,
        },
        {
          messageId: 'staleSave',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "save()", window: "after `await llm.complete(…)`", awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, assigneeId, priority, version, updatedAt", advice: "Update only lastMessageSnippet with update()." },
          line: L + 11,
          column: 9,
          endLine: L + 11,
          endColumn: 32,
        },
      ],
    },

    {
      name: 'Object.assign hides which fields change: no update(); a re-load after the wait instead',
      code: `${imports}
export async function patch(repo: Repository<Conversation>, llm: LlmClient, id: string, body: Partial<Conversation>) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('q');
  conversation.priority = 1;
  Object.assign(conversation, body);
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Write only the fields this code changes (priority, …) with update(), or re-load it after the await.',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function patch(repo: Repository<Conversation>, llm: LlmClient, id: string, body: Partial<Conversation>) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('q');
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  conversation.priority = 1;
  Object.assign(conversation, body);
  await repo.save(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a timer opens a window (sleep → setTimeout)',
      code: `${imports}
export async function retry(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await sleep(1000);
  conversation.priority = 0;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function retry(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await sleep(1000);
  conversation.priority = 0;
  await repo.update({ id: conversation.id }, { priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await sleep(…)`',
            awaitLine: String(L + 4),
            reason: 'a timer via sleep → setTimeout',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
        },
      ],
    },
    {
      name: "remove() of a stale entity, with removals: true",
      options: [{"removals":true}],
      code: `${imports}
export async function close(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const verdict = await llm.complete('spam?');
  if (verdict === 'yes') await repo.remove(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleRemove',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "remove()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 4), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more", advice: "Re-load it after the await, or write only the fields this code changes with update()." },
          line: L + 5,
          column: 32,
          endLine: L + 5,
          endColumn: 57,
          suggestions: [
            {
              messageId: 'rewriteToKeyedDelete',
              data: { method: "delete", guarded: "status" },
              output: `${imports}
export async function close(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const verdict = await llm.complete('spam?');
  if (verdict === 'yes') {
    const result = await repo.delete({ id: conversation.id, status: conversation.status });
    if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: not deleted');
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "with removals: true, an entity with neither a state nor a version column gets no keyed delete; a state the code set is no guard, the version is",
      options: [{"removals":true}],
      code: `${imports}
export async function archive(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('refund');
  await repo.softRemove(membership);
}
export async function closeAndDrop(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('spam?');
  conversation.status = ConversationStatus.RESOLVED;
  await repo.remove(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleRemove',
          data: { name: "membership", loader: "findOneByOrFail()", loadLine: String(L + 3), method: "softRemove()", window: 'after `await payments.capture(…)`', awaitLine: String(L + 4), reason: "a network call via PaymentClient.capture → axios.post", atRisk: "role, seats", advice: "Re-load it after the await, or write only the fields this code changes with update()." },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 36,
        },
        {
          messageId: 'staleRemove',
          data: { name: "conversation", loader: "findOneByOrFail()", loadLine: String(L + 8), method: "remove()", window: 'after `await llm.complete(…)`', awaitLine: String(L + 9), reason: "a network call via LlmClient.complete → openai.chat.completions.create", atRisk: "lastMessageId, lastMessageSnippet, assigneeId, priority, version, updatedAt", advice: "Update only status with a compare-and-set update(): the loaded status in its criteria, and `affected` checked." },
          line: L + 11,
          column: 9,
          endLine: L + 11,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'rewriteToKeyedDelete',
              data: { method: "delete", guarded: "version" },
              output: `${imports}
export async function archive(repo: Repository<Membership>, payments: PaymentClient, workspaceId: string, userId: string) {
  const membership = await repo.findOneByOrFail({ workspaceId, userId });
  await payments.capture('refund');
  await repo.softRemove(membership);
}
export async function closeAndDrop(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete('spam?');
  conversation.status = ConversationStatus.RESOLVED;
  const result = await repo.delete({ id: conversation.id, version: conversation.version });
  if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: not deleted');
}`,
            },
          ],
        },
      ],
    },


    {
      name: 'find() + destructuring: the first row is a loaded entity',
      code: `${imports}
export async function escalate(repo: Repository<Conversation>, llm: LlmClient) {
  const [oldest] = await repo.find({ order: { createdAt: 'ASC' }, take: 1 });
  if (!oldest) return;
  await llm.complete('escalate?');
  oldest.priority = 9;
  await repo.save(oldest);
}`,
      output: `${imports}
export async function escalate(repo: Repository<Conversation>, llm: LlmClient) {
  const [oldest] = await repo.find({ order: { createdAt: 'ASC' }, take: 1 });
  if (!oldest) return;
  await llm.complete('escalate?');
  oldest.priority = 9;
  await repo.update({ id: oldest.id }, { priority: oldest.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'oldest',
            loader: 'find()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 26,
        },
      ],
    },
    {
      name: 'getMany() + .find(): an element of a loaded list; a query builder load',
      code: `${imports}
export async function pick(repo: Repository<Conversation>, llm: LlmClient) {
  const open = await repo.createQueryBuilder('c').where('c.status = :s', { s: ConversationStatus.OPEN }).getMany();
  const chosen = open.find((conversation) => conversation.priority > 5);
  if (!chosen) return;
  chosen.lastMessageSnippet = await llm.complete('summarize');
  await repo.save(chosen);
}`,
      output: `${imports}
export async function pick(repo: Repository<Conversation>, llm: LlmClient) {
  const open = await repo.createQueryBuilder('c').where('c.status = :s', { s: ConversationStatus.OPEN }).getMany();
  const chosen = open.find((conversation) => conversation.priority > 5);
  if (!chosen) return;
  chosen.lastMessageSnippet = await llm.complete('summarize');
  await repo.update({ id: chosen.id }, { lastMessageSnippet: chosen.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'chosen',
            loader: 'getMany()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 6),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 26,
        },
      ],
    },
    {
      name: 'an alias shares the load and its field writes',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const current = conversation;
  current.lastMessageSnippet = await llm.complete('q');
  await repo.save(current);
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const current = conversation;
  current.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: current.id }, { lastMessageSnippet: current.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'current',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 27,
        },
      ],
    },
    {
      name: 'a closure that captures the entity and saves it later',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const persist = async () => {
    await repo.save(conversation);
  };
  conversation.lastMessageSnippet = await llm.complete('q');
  await persist();
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'persist()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 7),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 18,
        },
      ],
    },
    {
      name: 'an await in one branch opens the window on that path',
      code: `${imports}
export async function maybeSummarize(repo: Repository<Conversation>, llm: LlmClient, id: string, long: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  if (long) {
    conversation.lastMessageSnippet = await llm.complete('summarize');
  } else {
    conversation.lastMessageSnippet = 'short';
  }
  await repo.save(conversation);
}`,
      output: `${imports}
export async function maybeSummarize(repo: Repository<Conversation>, llm: LlmClient, id: string, long: boolean) {
  const conversation = await repo.findOneByOrFail({ id });
  if (long) {
    conversation.lastMessageSnippet = await llm.complete('summarize');
  } else {
    conversation.lastMessageSnippet = 'short';
  }
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'a save before the await inside a loop is stale on the next pass',
      code: `${imports}
export async function stream(repo: Repository<Conversation>, llm: LlmClient, id: string, prompts: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  for (const prompt of prompts) {
    conversation.lastMessageSnippet = prompt;
    await repo.save(conversation);
    await llm.complete(prompt);
  }
}`,
      output: `${imports}
export async function stream(repo: Repository<Conversation>, llm: LlmClient, id: string, prompts: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  for (const prompt of prompts) {
    conversation.lastMessageSnippet = prompt;
    await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
    await llm.complete(prompt);
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 7),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 34,
        },
      ],
    },
    {
      name: 'for await over a streamed completion opens the window',
      code: `${imports}
import OpenAI from 'openai';
export async function streamReply(repo: Repository<Conversation>, openai: OpenAI, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const stream = await openai.chat.completions.create({ model: 'm', messages: [], stream: true });
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
  }
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`,
      output: `${imports}
import OpenAI from 'openai';
export async function streamReply(repo: Repository<Conversation>, openai: OpenAI, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const stream = await openai.chat.completions.create({ model: 'm', messages: [], stream: true });
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
  }
  conversation.lastMessageSnippet = text;
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 4),
            method: 'save()',
            window: 'after `await openai.chat.completions.create(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 11,
          column: 9,
          endLine: L + 11,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'autofix: false offers the rewrite as a suggestion',
      options: [{ autofix: false }],
      code: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: 'lastMessageSnippet', then: '' },
              output: `${imports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an option names a loader the analysis cannot see through',
      options: [{ loaders: ['lookup'] }],
      code: `${imports}
declare function lookup(id: string): Promise<Conversation>;
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await lookup(id);
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.save(conversation);
}`,
      output: `${imports}
declare function lookup(id: string): Promise<Conversation>;
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await lookup(id);
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'lookup()',
            loadLine: String(L + 4),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'an unresolved import is unknown: it opens a window by default',
      code: `${imports}
// @ts-expect-error -- the package is not installed: the call cannot be resolved
import { enrich } from 'crm-sdk-not-installed';
export async function reply(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await enrich(id);
  conversation.priority = 2;
  await repo.save(conversation);
}`,
      output: `${imports}
// @ts-expect-error -- the package is not installed: the call cannot be resolved
import { enrich } from 'crm-sdk-not-installed';
export async function reply(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await enrich(id);
  conversation.priority = 2;
  await repo.update({ id: conversation.id }, { priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 5),
            method: 'save()',
            window: 'after `await enrich(…)`',
            awaitLine: String(L + 6),
            reason: 'an unclassified call via enrich that may be slow I/O',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 32,
        },
      ],
    },

    {
      name: 'strictNullChecks off: the stale save is still found',
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id } });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.save(conversation);
}`,
      output: `${looseImports}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id } });
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOne()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 32,
        },
      ],
    },

    {
      name: "a saver's own value is written by its save (not at risk); a value it computes from the entity stays at risk",
      code: `${imports}
async function bumpAndSave(repo: Repository<Conversation>, conversation: Conversation, llm: LlmClient): Promise<void> {
  conversation.lastMessageSnippet = await llm.complete('summarize');
  conversation.priority = conversation.priority + 1;
  await repo.save(conversation);
}
export async function run(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await bumpAndSave(repo, conversation, llm);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 8),
            method: 'bumpAndSave() (bumpAndSave → save())',
            window: 'after `await bumpAndSave(…)`',
            awaitLine: String(L + 9),
            reason: 'a network call via bumpAndSave → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: `Make that function write only the fields it changes with update() (its save() is at line ${String(L + 5)}), or re-load the entity after the await.`,
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 45,
        },
      ],
    },
    {
      name: 'a saver of the project that makes the slow call itself before it saves',
      code: `${imports}
import { annotateAndSave } from './analysis/flows.js';
export async function run(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await annotateAndSave(llm, repo, conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 4),
            method: 'annotateAndSave() (annotateAndSave → save())',
            window: 'after `await annotateAndSave(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via annotateAndSave → LlmClient.complete → openai.chat.completions.create',
            // The snippet the saver sets is written by its save, not reverted.
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Make that function write only the fields it changes with update() (its save() is at analysis/flows.ts:28), or re-load the entity after the await.',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 49,
        },
      ],
    },
    {
      name: 'another function changes a column of a stored row: the stale save of the event log may revert it',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function redact(repo: Repository<ActivityEvent>, id: string) {
  const event = await repo.findOneByOrFail({ id });
  event.payload = '{}';
  await repo.save(event);
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export async function redact(repo: Repository<ActivityEvent>, id: string) {
  const event = await repo.findOneByOrFail({ id });
  event.payload = '{}';
  await repo.save(event);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'an update() of one of its columns elsewhere may change the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function reassign(repo: Repository<ActivityEvent>, id: string, actorId: string) {
  await repo.update({ id }, { actorId });
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export async function reassign(repo: Repository<ActivityEvent>, id: string, actorId: string) {
  await repo.update({ id }, { actorId });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'a field set through an untyped value may be set on the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export function touch(row: any) {
  row.kind = 'touched';
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export function touch(row: any) {
  row.kind = 'touched';
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'a generic saver of the project writes what its callers hand it: a spread with a changed field may change the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
class Store<T extends { id: string }> {
  constructor(private readonly repo: Repository<T>) {}
  async put(row: T): Promise<T> {
    return this.repo.save(row);
  }
}
export async function rewrite(store: Store<ActivityEvent>, event: ActivityEvent) {
  await store.put({ ...event, payload: '{}' });
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
class Store<T extends { id: string }> {
  constructor(private readonly repo: Repository<T>) {}
  async put(row: T): Promise<T> {
    return this.repo.save(row);
  }
}
export async function rewrite(store: Store<ActivityEvent>, event: ActivityEvent) {
  await store.put({ ...event, payload: '{}' });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'a payload typed as the entity (a controller\'s body) saved as it comes may set any column of the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function replace(repo: Repository<ActivityEvent>, body: ActivityEvent) {
  return repo.save(body);
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export async function replace(repo: Repository<ActivityEvent>, body: ActivityEvent) {
  return repo.save(body);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'an object built here but given a key is saved over the stored row with that key',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function overwrite(repo: Repository<ActivityEvent>, id: string, payload: string) {
  const event = new ActivityEvent();
  event.id = id;
  event.payload = payload;
  await repo.save(event);
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export async function overwrite(repo: Repository<ActivityEvent>, id: string, payload: string) {
  const event = new ActivityEvent();
  event.id = id;
  event.payload = payload;
  await repo.save(event);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'a join column set through its relation elsewhere (badge.holder = event) may change the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}
export async function retireBadges(repo: Repository<Badge>, llm: LlmClient) {
  const badges = await repo.find();
  for (const badge of badges) {
    if ((await llm.complete(badge.label)) === 'retire') {
      badge.retired = true;
      await repo.save(badge);
    }
  }
}
export async function handOver(repo: Repository<Badge>, id: string, event: ActivityEvent) {
  const badge = await repo.findOneByOrFail({ id });
  badge.holder = event;
  await repo.save(badge);
}`,
      output: `${activityImports}
export async function retireBadges(repo: Repository<Badge>, llm: LlmClient) {
  const badges = await repo.find();
  for (const badge of badges) {
    if ((await llm.complete(badge.label)) === 'retire') {
      badge.retired = true;
      await repo.update({ id: badge.id }, { retired: badge.retired });
    }
  }
}
export async function handOver(repo: Repository<Badge>, id: string, event: ActivityEvent) {
  const badge = await repo.findOneByOrFail({ id });
  badge.holder = event;
  await repo.save(badge);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'badge',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'label, holderId',
            advice: 'Update only retired with update().',
          },
          line: A + 7,
          column: 13,
          endLine: A + 7,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'a JSON column may be changed in place through any alias: the stale save may revert it though no code sets it',
      filename: ALONE_FILE,
      code: `${activityImports}
export async function archiveStale(repo: Repository<Poster>, llm: LlmClient) {
  const posters = await repo.find();
  for (const poster of posters) {
    if ((await llm.complete(poster.title)) === 'stale') {
      poster.archived = true;
      await repo.save(poster);
    }
  }
}`,
      output: `${activityImports}
export async function archiveStale(repo: Repository<Poster>, llm: LlmClient) {
  const posters = await repo.find();
  for (const poster of posters) {
    if ((await llm.complete(poster.title)) === 'stale') {
      poster.archived = true;
      await repo.update({ id: poster.id }, { archived: poster.archived });
    }
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'poster',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'title, layout',
            advice: 'Update only archived with update().',
          },
          line: A + 7,
          column: 13,
          endLine: A + 7,
          endColumn: 30,
        },
      ],
    },
    {
      name: 'a helper whose repository parameter is typed any saves the entity after its own wait: a write where the caller passes a repository',
      code: `${imports}
async function refreshSnippet(conversation: any, store: any, llm: LlmClient) {
  conversation.lastMessageSnippet = await llm.complete('Summarise');
  await store.save(conversation);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await refreshSnippet(conversation, repo, llm);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 7),
            method: 'refreshSnippet() (refreshSnippet → save())',
            window: 'after `await refreshSnippet(…)`',
            awaitLine: String(L + 8),
            reason: 'a network call via refreshSnippet → LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: `Make that function write only the fields it changes with update() (its save() is at line ${String(L + 4)}), or re-load the entity after the await.`,
          },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 48,
        },
      ],
    },
    {
      name: 'raw SQL that upserts into the table (ON CONFLICT … DO UPDATE) may change the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function merge(dataSource: DataSource, id: string, payload: string) {
  await dataSource.query('INSERT INTO activity_event (id, payload) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET payload = $2', [id, payload]);
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export async function merge(dataSource: DataSource, id: string, payload: string) {
  await dataSource.query('INSERT INTO activity_event (id, payload) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET payload = $2', [id, payload]);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'a field set by a destructuring assignment may change the stored row',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export async function relabel(repo: Repository<ActivityEvent>, id: string, patch: { kind: string }) {
  const event = await repo.findOneByOrFail({ id });
  ({ kind: event.kind } = patch);
  await repo.save(event);
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export async function relabel(repo: Repository<ActivityEvent>, id: string, patch: { kind: string }) {
  const event = await repo.findOneByOrFail({ id });
  ({ kind: event.kind } = patch);
  await repo.save(event);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'an update() in a callback a constructor registers counts (only the constructor\'s own this.f = v builds the object)',
      filename: ALONE_FILE,
      code: `${activityImports}${hideUnknownActors}
export class Relabeller {
  constructor(repo: Repository<ActivityEvent>, bus: { on(name: string, listener: (id: string) => Promise<void>): void }) {
    bus.on('relabel', async (id) => {
      await repo.update({ id }, { kind: 'relabelled' });
    });
  }
}`,
      output: `${activityImports}
export async function hideUnknownActors(repo: Repository<ActivityEvent>, llm: LlmClient) {
  const events = await repo.find();
  for (const event of events) {
    const name = await llm.complete(event.actorId);
    if (name === '') {
      event.hidden = true;
      await repo.update({ id: event.id }, { hidden: event.hidden });
    }
  }
}
export class Relabeller {
  constructor(repo: Repository<ActivityEvent>, bus: { on(name: string, listener: (id: string) => Promise<void>): void }) {
    bus.on('relabel', async (id) => {
      await repo.update({ id }, { kind: 'relabelled' });
    });
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'event',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'kind, actorId, payload',
            advice: 'Update only hidden with update().',
          },
          line: A + 8,
          column: 13,
          endLine: A + 8,
          endColumn: 29,
        },
      ],
    },
    {
      name: 'raw SQL updates the table of a plain EntitySchema row',
      filename: ALONE_FILE,
      code: `${activityImports}${dismissStaleNotices}
export async function retitle(dataSource: DataSource, id: string, text: string) {
  await dataSource.query('UPDATE notice SET text = $1 WHERE id = $2', [text, id]);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'notice',
            loader: 'find()',
            loadLine: String(A + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(A + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'every loaded column',
            advice: 'Update only dismissed with update().',
          },
          line: A + 7,
          column: 13,
          endLine: A + 7,
          endColumn: 58,
        },
      ],
    },
  ],
});
