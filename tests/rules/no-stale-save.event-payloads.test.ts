/**
 * Entities that arrive with an event (an RxJS subscriber, an EventEmitter listener, `@OnEvent`,
 * `@EventsHandler`) were read before the event was published: each is a load where the handler
 * receives it. The parameters of other functions and callbacks are not.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { EventEmitter } from 'node:events';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { OnEvent } from '@nestjs/event-emitter';
import axios from 'axios';
import { EventBus, PaymentMethodEvent } from 'commerce-framework';
import { of, Subject } from 'rxjs';
import { DataSource, Repository } from 'typeorm';
import { Account, Conversation, ConversationStatus } from './shared/entities.js';
import { ConversationClosedEvent, WebhookRegistration } from './no-stale-save/event-payloads.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

const REGISTER_WEBHOOK = {
  method: 'registration.registerWebhook() (WebhookRegistration.registerWebhook → save())',
  window: 'after `await registration.registerWebhook(…)`',
  reason: 'a network call via WebhookRegistration.registerWebhook → WebhookClient.list → axios.get',
  atRisk: 'every loaded column',
  advice: 'Make that function write only the fields it changes with update() (its save() is at no-stale-save/event-payloads.ts:62), or re-load the entity after the await.',
};

ruleTester.run('no-stale-save (event payloads)', rule, {
  valid: [
    {
      name: "an ordinary function's parameter is no load: its caller's flow has the load",
      code: `${imports}
export async function sync(conversations: Repository<Conversation>, conversation: Conversation) {
  await axios.post('http://127.0.0.1:9/crm', { id: conversation.id });
  conversation.priority = 1;
  await conversations.save(conversation);
}`,
    },
    {
      name: 'forEach and map callbacks receive list elements, not events',
      code: `${imports}
export function bumpEach(conversations: Repository<Conversation>, list: Conversation[]) {
  list.forEach(async (conversation) => {
    await axios.post('http://127.0.0.1:9/crm', { id: conversation.id });
    conversation.priority += 1;
    await conversations.save(conversation);
  });
  return list.map(async (conversation) => {
    await axios.post('http://127.0.0.1:9/crm', { id: conversation.id });
    await conversations.save(conversation);
  });
}`,
    },
    {
      name: "a transaction callback's manager is no event, nor is what the function was handed",
      code: `${imports}
export async function inTransaction(dataSource: DataSource, conversation: Conversation) {
  await dataSource.transaction(async (manager) => {
    await axios.post('http://127.0.0.1:9/crm', { id: conversation.id });
    conversation.priority = 2;
    await manager.save(conversation);
  });
}`,
    },
    {
      name: 'entities created in memory and published by the subscribing function itself',
      code: `${imports}
export function drafts(conversations: Repository<Conversation>, snippet: string) {
  const created = new Subject<Conversation>();
  created.subscribe(async (draft) => {
    draft.lastMessageSnippet = (await axios.post<{ text: string }>('http://127.0.0.1:9/llm', { snippet })).data.text;
    await conversations.save(draft);
  });
  const draft = conversations.create({ status: ConversationStatus.OPEN });
  created.next(draft);
  of(new Account()).subscribe(async (account) => {
    account.avatarUrl = (await axios.get<{ url: string }>('http://127.0.0.1:9/avatar')).data.url;
    await account.save();
  });
}`,
    },
    {
      name: "a subscribe() of the project's own, not an RxJS Observable's",
      code: `${imports}
class Feed {
  subscribe(handler: (conversation: Conversation) => Promise<void>): void {
    void handler;
  }
}
export function follow(feed: Feed, conversations: Repository<Conversation>) {
  feed.subscribe(async (conversation) => {
    await axios.post('http://127.0.0.1:9/crm', { id: conversation.id });
    await conversations.save(conversation);
  });
}`,
    },
    {
      name: 'handlers that save before the network call, re-read or reload() after it, or only read the entity',
      code: `${imports}
export class Listeners {
  constructor(private readonly conversations: Repository<Conversation>) {}

  @OnEvent('conversation.opened')
  async onOpened(conversation: Conversation): Promise<void> {
    conversation.priority = 1;
    await this.conversations.save(conversation);
    await axios.post('http://127.0.0.1:9/crm/opened', { id: conversation.id });
  }

  @OnEvent('conversation.assigned')
  async onAssigned(conversation: Conversation): Promise<void> {
    await axios.post('http://127.0.0.1:9/crm/assigned', { id: conversation.id });
    const current = await this.conversations.findOneByOrFail({ id: conversation.id });
    current.priority = 2;
    await this.conversations.save(current);
  }

  @OnEvent('conversation.resolved')
  async onResolved(conversation: Conversation): Promise<void> {
    await axios.post('http://127.0.0.1:9/crm/resolved', { snippet: conversation.lastMessageSnippet });
    await this.conversations.update({ id: conversation.id }, { priority: 0 });
  }

  @OnEvent('account.upgraded')
  async onUpgraded(account: Account): Promise<void> {
    await axios.post('http://127.0.0.1:9/billing/upgraded', { id: account.id });
    await account.reload();
    account.plan = 'pro';
    await account.save();
  }
}`,
    },
    {
      name: 'an EventEmitter listener that saves without a window, or calls out without saving',
      code: `${imports}
export function relay(emitter: EventEmitter, conversations: Repository<Conversation>) {
  emitter.on('conversation.mirrored', async (conversation: Conversation) => {
    const response = await axios.get<{ snippet: string }>(\`http://127.0.0.1:9/crm/\${conversation.id}\`);
    emitter.emit('conversation.snippet', response.data.snippet);
  });
  emitter.on('conversation.ping', (conversation: Conversation) => {
    void conversations.save(conversation);
  });
}`,
    },
  ],
  invalid: [
    {
      name: "an RxJS subscriber hands the event's entity to a method that calls the provider, then saves",
      code: `${imports}
export function listen(bus: EventBus, registration: WebhookRegistration) {
  bus.ofType(PaymentMethodEvent).subscribe(({ ctx, entity }) => {
    void registration.registerWebhook(ctx, entity);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: { name: 'entity', event: 'the PaymentMethodEvent', loadLine: String(L + 3), awaitLine: String(L + 4), ...REGISTER_WEBHOOK },
          line: L + 4,
          column: 10,
          endLine: L + 4,
          endColumn: 51,
        },
      ],
    },
    {
      name: 'the entity an event carries, handed on as event.entity',
      code: `${imports}
export function listen(bus: EventBus, registration: WebhookRegistration) {
  bus.ofType(PaymentMethodEvent).subscribe(async (event) => {
    await registration.registerWebhook(event.ctx, event.entity);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: { name: 'event.entity', event: 'the PaymentMethodEvent', loadLine: String(L + 3), awaitLine: String(L + 4), ...REGISTER_WEBHOOK },
          line: L + 4,
          column: 11,
          endLine: L + 4,
          endColumn: 64,
        },
      ],
    },
    {
      name: '@OnEvent: the payload saved after an HTTP call, autofixed to update()',
      code: `${imports}
export class Listeners {
  constructor(private readonly conversations: Repository<Conversation>) {}

  @OnEvent('conversation.escalated')
  async onEscalated(conversation: Conversation): Promise<void> {
    await axios.post('http://127.0.0.1:9/pager', { id: conversation.id });
    conversation.priority = 3;
    await this.conversations.save(conversation);
  }
}`,
      output: `${imports}
export class Listeners {
  constructor(private readonly conversations: Repository<Conversation>) {}

  @OnEvent('conversation.escalated')
  async onEscalated(conversation: Conversation): Promise<void> {
    await axios.post('http://127.0.0.1:9/pager', { id: conversation.id });
    conversation.priority = 3;
    await this.conversations.update({ id: conversation.id }, { priority: conversation.priority });
  }
}`,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: {
            name: 'conversation',
            event: "the 'conversation.escalated' event",
            loadLine: String(L + 6),
            method: 'save()',
            window: 'after `await axios.post(…)`',
            awaitLine: String(L + 7),
            reason: 'a network call via axios.post',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 9,
          column: 11,
          endLine: L + 9,
          endColumn: 48,
        },
      ],
    },
    {
      name: "@EventsHandler: handle() destructures the row from the event; the event's class names it",
      code: `${imports}
@EventsHandler(ConversationClosedEvent)
export class OnClosed implements IEventHandler<ConversationClosedEvent> {
  constructor(private readonly conversations: Repository<Conversation>) {}

  async handle(event: ConversationClosedEvent): Promise<void> {
    const { conversation } = event;
    await axios.post('http://127.0.0.1:9/crm/closed', { id: conversation.id });
    conversation.lastMessageSnippet = 'closed';
    await this.conversations.save(conversation);
  }
}`,
      output: `${imports}
@EventsHandler(ConversationClosedEvent)
export class OnClosed implements IEventHandler<ConversationClosedEvent> {
  constructor(private readonly conversations: Repository<Conversation>) {}

  async handle(event: ConversationClosedEvent): Promise<void> {
    const { conversation } = event;
    await axios.post('http://127.0.0.1:9/crm/closed', { id: conversation.id });
    conversation.lastMessageSnippet = 'closed';
    await this.conversations.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  }
}`,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: {
            name: 'conversation',
            event: 'the ConversationClosedEvent',
            loadLine: String(L + 6),
            method: 'save()',
            window: 'after `await axios.post(…)`',
            awaitLine: String(L + 8),
            reason: 'a network call via axios.post',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 10,
          column: 11,
          endLine: L + 10,
          endColumn: 48,
        },
      ],
    },
    {
      name: 'a node:events listener, with autofix off: the rewrite is a suggestion',
      code: `${imports}
export function mirror(emitter: EventEmitter, conversations: Repository<Conversation>) {
  emitter.on('conversation.mirrored', async (conversation: Conversation) => {
    const response = await axios.get<{ snippet: string }>(\`http://127.0.0.1:9/crm/\${conversation.id}\`);
    conversation.lastMessageSnippet = response.data.snippet;
    await conversations.save(conversation);
  });
}`,
      options: [{ autofix: false }],
      output: null,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: {
            name: 'conversation',
            event: "the 'conversation.mirrored' event",
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await axios.get(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via axios.get',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 43,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: 'lastMessageSnippet', then: '' },
              output: `${imports}
export function mirror(emitter: EventEmitter, conversations: Repository<Conversation>) {
  emitter.on('conversation.mirrored', async (conversation: Conversation) => {
    const response = await axios.get<{ snippet: string }>(\`http://127.0.0.1:9/crm/\${conversation.id}\`);
    conversation.lastMessageSnippet = response.data.snippet;
    await conversations.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a bare row from a Subject: an event with no name of its own; BaseEntity save() becomes a compare-and-set Account.update()',
      code: `${imports}
export function upgrade(updates: Subject<Account>) {
  updates.subscribe(async (account) => {
    await axios.post('http://127.0.0.1:9/billing', { id: account.id });
    account.plan = 'pro';
    await account.save();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: {
            name: 'account',
            event: 'an event',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await axios.post(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via axios.post',
            atRisk: 'email, avatarUrl',
            advice: 'Update only plan with a compare-and-set update(): the loaded plan in its criteria, and `affected` checked.',
          },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 25,
          suggestions: [
            {
              messageId: 'rewriteToCompareAndSet',
              data: { fields: 'plan', then: '', guarded: 'plan' },
              output: `${imports}
export function upgrade(updates: Subject<Account>) {
  updates.subscribe(async (account) => {
    await axios.post('http://127.0.0.1:9/billing', { id: account.id });
    const previousPlan = account.plan;
    account.plan = 'pro';
    const result = await Account.update({ id: account.id, plan: previousPlan }, { plan: account.plan });
    if (!result.affected) throw new Error('Account was changed by another writer since it was loaded: plan not written');
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'removals: an observer object’s next() removes the row it received after an HTTP call',
      code: `${imports}
export function archive(updates: Subject<Conversation>, conversations: Repository<Conversation>) {
  updates.subscribe({
    next: async (conversation) => {
      await axios.post('http://127.0.0.1:9/archive', { id: conversation.id });
      await conversations.remove(conversation);
    },
  });
}`,
      options: [{ removals: true }],
      output: null,
      errors: [
        {
          messageId: 'staleRemoveOfEventPayload',
          data: {
            name: 'conversation',
            event: 'an event',
            loadLine: String(L + 4),
            method: 'remove()',
            window: 'after `await axios.post(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via axios.post',
          },
          line: L + 6,
          column: 13,
          endLine: L + 6,
          endColumn: 47,
          suggestions: [
            {
              messageId: 'rewriteToKeyedDelete',
              data: { method: 'delete', guarded: 'status' },
              output: `${imports}
export function archive(updates: Subject<Conversation>, conversations: Repository<Conversation>) {
  updates.subscribe({
    next: async (conversation) => {
      await axios.post('http://127.0.0.1:9/archive', { id: conversation.id });
      const result = await conversations.delete({ id: conversation.id, status: conversation.status });
      if (!result.affected) throw new Error('Conversation was changed by another writer since it was loaded: not deleted');
    },
  });
}`,
            },
          ],
        },
      ],
    },
  ],
});
