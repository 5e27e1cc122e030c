/**
 * Shapes that real backends taught no-stale-save (issue 14): each false-positive class is a valid
 * case, each race the rule used to miss or explain wrongly is an invalid case with its exact data —
 * the cited await, its kind and its chain.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Repository } from 'typeorm';
import { Conversation, ConversationStatus } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { PaymentClient, sleep } from './shared/payments.js';
import { MessageCounter, type Notifier } from './shared/services.js';
import { SnippetArchive, PriorityPolicy, ConversationRepositoryPort, SnippetScorer, SnippetPublisher } from './no-stale-save/implementations.js';
import { Customer, SalesOrder } from './no-stale-save/related-entities.js';
import { Operator } from './no-stale-save/loaded-columns.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

ruleTester.run('no-stale-save (real-code shapes)', rule, {
  valid: [
    {
      name: 'class 1: a helper that loads its own row, called after a network call',
      code: `${imports}
const bump = async (repo: Repository<Conversation>, id: string): Promise<void> => {
  try {
    const conversation = await repo.findOneByOrFail({ id });
    conversation.lastMessageId = 'seen';
    await repo.save(conversation);
  } catch (error) {
    console.error(error);
  }
};
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  await llm.complete('q');
  await bump(repo, id);
  await bump(repo, id);
}`,
    },
    {
      name: "class 2: a loop's back edge carries no object into the helper's next load",
      code: `${imports}
async function touch(repo: Repository<Conversation>, id: string): Promise<void> {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = 'seen';
  await repo.save(conversation);
}
export async function touchAll(repo: Repository<Conversation>, llm: LlmClient, ids: string[]) {
  for (const id of ids) {
    await llm.complete(id);
    await touch(repo, id);
  }
}`,
    },
    {
      name: 'class 3: an any-typed property read is no wait; a non-promise argument gives the callee nothing to wait for',
      code: `${imports}
export async function fromContext(repo: Repository<Conversation>, ctx: any, counter: MessageCounter, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = await ctx.currentMessageId;
  conversation.priority = await counter.countFor(JSON.parse(ctx.body as string) as string);
  await repo.save(conversation);
}`,
    },
    {
      name: 'class 4: a dynamic import() is local work',
      code: `${imports}
export async function withPlugin(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const plugin = await import('./shared/services.js');
  conversation.lastMessageId = typeof plugin.fingerprint;
  await repo.save(conversation);
}`,
    },
    {
      name: 'class 5: a callee that sleeps only between retries is no timer window',
      code: `${imports}
async function waitForRow(repo: Repository<Conversation>, id: string): Promise<Conversation> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await repo.findOneBy({ id });
    if (found) return found;
    await sleep(20);
  }
  throw new Error('missing');
}
export async function link(repo: Repository<Conversation>, id: string, otherId: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const other = await waitForRow(repo, otherId);
  conversation.lastMessageId = other.lastMessageId;
  await repo.save(conversation);
}`,
    },
    {
      name: 'class 6: an abstract method whose only implementation is database work opens no window',
      code: `${imports}
export async function reprioritise(repo: Repository<Conversation>, policy: PriorityPolicy, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority = await policy.priorityFor(id);
  await repo.save(conversation);
}`,
    },
    {
      name: 'class 7: nothing else loaded (select: false hides the hash): the save reverts nothing',
      code: `${imports}
export async function rename(repo: Repository<Operator>, llm: LlmClient, id: string) {
  const operator = await repo.findOneOrFail({ where: { id }, select: { id: true, displayName: true } });
  operator.displayName = await llm.complete('name');
  await repo.save(operator);
}`,
    },
    {
      name: 'every data column is written: a stale version and update date alone are not worth a report',
      code: `${imports}
export async function rewrite(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, select: { id: true, status: true, lastMessageId: true, lastMessageSnippet: true, assigneeId: true, priority: true, version: true, updatedAt: true } });
  const snippet = await llm.complete('q');
  conversation.status = ConversationStatus.OPEN;
  conversation.lastMessageId = null;
  conversation.lastMessageSnippet = snippet;
  conversation.assigneeId = null;
  conversation.priority = 0;
  await repo.save(conversation);
}`,
    },
  ],
  invalid: [
    {
      name: 'class 4: several awaits in the window: the network call is cited, not the earlier unclassified one',
      code: `${imports}
export async function reply(repo: Repository<Conversation>, notifier: Notifier, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await notifier.notify(id);
  conversation.lastMessageSnippet = await llm.complete('q');
  await repo.save(conversation);
}`,
      output: `${imports}
export async function reply(repo: Repository<Conversation>, notifier: Notifier, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await notifier.notify(id);
  conversation.lastMessageSnippet = await llm.complete('q');
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
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
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
      name: 'class 3: the chain is the call every run makes, not the lazy initialisation before it',
      code: `${imports}
class Gateway {
  private ready = false;
  constructor(private readonly llm: LlmClient) {}
  isReady(): boolean {
    return this.ready;
  }
  async warmUp(): Promise<void> {
    await this.llm.complete('ping');
    this.ready = true;
  }
}
async function gatewayFor(gateway: Gateway): Promise<Gateway> {
  if (!gateway.isReady()) await gateway.warmUp();
  return gateway;
}
async function summarize(gateway: Gateway, llm: LlmClient, text: string): Promise<string> {
  await gatewayFor(gateway);
  return llm.complete(text);
}
export async function reply(repo: Repository<Conversation>, gateway: Gateway, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await summarize(gateway, llm, id);
  await repo.save(conversation);
}`,
      output: `${imports}
class Gateway {
  private ready = false;
  constructor(private readonly llm: LlmClient) {}
  isReady(): boolean {
    return this.ready;
  }
  async warmUp(): Promise<void> {
    await this.llm.complete('ping');
    this.ready = true;
  }
}
async function gatewayFor(gateway: Gateway): Promise<Gateway> {
  if (!gateway.isReady()) await gateway.warmUp();
  return gateway;
}
async function summarize(gateway: Gateway, llm: LlmClient, text: string): Promise<string> {
  await gatewayFor(gateway);
  return llm.complete(text);
}
export async function reply(repo: Repository<Conversation>, gateway: Gateway, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await summarize(gateway, llm, id);
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 22),
            method: 'save()',
            window: 'after `await summarize(…)`',
            awaitLine: String(L + 23),
            reason: 'a network call via summarize → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 24,
          column: 9,
          endLine: L + 24,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 3: the chain is the request every call makes, not the token fetched on a cache miss',
      code: `${imports}
class ProviderSession {
  private token: string | undefined;
  constructor(private readonly llm: LlmClient) {}
  private async currentToken(): Promise<string> {
    if (this.token) return this.token;
    const token = await this.llm.complete('token');
    this.token = token;
    return token;
  }
  async ask(text: string): Promise<string> {
    const token = await this.currentToken();
    return this.llm.complete(token + text);
  }
}
export async function reply(repo: Repository<Conversation>, session: ProviderSession, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await session.ask(id);
  await repo.save(conversation);
}`,
      output: `${imports}
class ProviderSession {
  private token: string | undefined;
  constructor(private readonly llm: LlmClient) {}
  private async currentToken(): Promise<string> {
    if (this.token) return this.token;
    const token = await this.llm.complete('token');
    this.token = token;
    return token;
  }
  async ask(text: string): Promise<string> {
    const token = await this.currentToken();
    return this.llm.complete(token + text);
  }
}
export async function reply(repo: Repository<Conversation>, session: ProviderSession, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await session.ask(id);
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 17),
            method: 'save()',
            window: 'after `await session.ask(…)`',
            awaitLine: String(L + 18),
            reason: 'a network call via ProviderSession.ask → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 19,
          column: 9,
          endLine: L + 19,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 4: an await that only warms a client up is not cited when a later one calls the provider every time',
      code: `${imports}
class Gateway {
  private client: LlmClient | undefined;
  async connect(llm: LlmClient): Promise<void> {
    if (this.client == null) {
      await llm.complete('hello');
      this.client = llm;
    }
  }
}
async function relay(llm: LlmClient, text: string): Promise<string> {
  return llm.complete(text);
}
async function enrich(llm: LlmClient, text: string): Promise<string> {
  return relay(llm, text);
}
export async function reply(repo: Repository<Conversation>, gateway: Gateway, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await gateway.connect(llm);
  conversation.lastMessageSnippet = await enrich(llm, id);
  await repo.save(conversation);
}`,
      output: `${imports}
class Gateway {
  private client: LlmClient | undefined;
  async connect(llm: LlmClient): Promise<void> {
    if (this.client == null) {
      await llm.complete('hello');
      this.client = llm;
    }
  }
}
async function relay(llm: LlmClient, text: string): Promise<string> {
  return llm.complete(text);
}
async function enrich(llm: LlmClient, text: string): Promise<string> {
  return relay(llm, text);
}
export async function reply(repo: Repository<Conversation>, gateway: Gateway, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await gateway.connect(llm);
  conversation.lastMessageSnippet = await enrich(llm, id);
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 18),
            method: 'save()',
            window: 'after `await enrich(…)`',
            awaitLine: String(L + 20),
            reason: 'a network call via enrich → relay → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 21,
          column: 9,
          endLine: L + 21,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 4: among network calls, the one with the clearest chain is cited',
      code: `${imports}
async function relay(llm: LlmClient, text: string): Promise<string> {
  return llm.complete(text);
}
async function enrich(llm: LlmClient, text: string): Promise<string> {
  return relay(llm, text);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const context = await enrich(llm, id);
  conversation.lastMessageSnippet = await llm.complete(context);
  await repo.save(conversation);
}`,
      output: `${imports}
async function relay(llm: LlmClient, text: string): Promise<string> {
  return llm.complete(text);
}
async function enrich(llm: LlmClient, text: string): Promise<string> {
  return relay(llm, text);
}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const context = await enrich(llm, id);
  conversation.lastMessageSnippet = await llm.complete(context);
  await repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 9),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 11),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 12,
          column: 9,
          endLine: L + 12,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 4: a timer is stronger evidence than an unclassified call',
      code: `${imports}
export async function later(repo: Repository<Conversation>, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await notifier.notify(id);
  await sleep(1000);
  conversation.priority = 3;
  await repo.save(conversation);
}`,
      output: `${imports}
export async function later(repo: Repository<Conversation>, notifier: Notifier, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await notifier.notify(id);
  await sleep(1000);
  conversation.priority = 3;
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
            awaitLine: String(L + 5),
            reason: 'a timer via sleep → setTimeout',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 5: a callee that sleeps on its way to every return is a timer window',
      code: `${imports}
async function throttled(id: string): Promise<string> {
  await sleep(100);
  return id;
}
export async function touch(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = await throttled(id);
  await repo.save(conversation);
}`,
      output: `${imports}
async function throttled(id: string): Promise<string> {
  await sleep(100);
  return id;
}
export async function touch(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = await throttled(id);
  await repo.update({ id: conversation.id }, { lastMessageId: conversation.lastMessageId });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 7),
            method: 'save()',
            window: 'after `await throttled(…)`',
            awaitLine: String(L + 8),
            reason: 'a timer via throttled → sleep → setTimeout',
            atRisk: 'status, lastMessageSnippet, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageId with update().',
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 32,
        },
      ],
    },
    {
      name: "class 6: an interface whose implementation calls HTTP is a network call, with the implementation in the chain",
      code: `${imports}
export async function archive(repo: Repository<Conversation>, archive: SnippetArchive, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await archive.archive(id, 'text');
  await repo.save(conversation);
}`,
      output: `${imports}
export async function archive(repo: Repository<Conversation>, archive: SnippetArchive, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await archive.archive(id, 'text');
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
            window: 'after `await archive.archive(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via SnippetArchive.archive → HttpSnippetArchive.archive → axios.put',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
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
      name: 'class 6: an object literal a factory returns as the interface (its return type) is an implementation too',
      code: `${imports}
import axios from 'axios';
interface Pinger {
  ping(url: string): Promise<void>;
}
export function createPinger(): Pinger {
  return {
    async ping(url) {
      await axios.head(url);
    },
  };
}
export async function ping(repo: Repository<Conversation>, pinger: Pinger, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await pinger.ping('http://127.0.0.1:9/health');
  conversation.priority = 0;
  await repo.save(conversation);
}`,
      output: `${imports}
import axios from 'axios';
interface Pinger {
  ping(url: string): Promise<void>;
}
export function createPinger(): Pinger {
  return {
    async ping(url) {
      await axios.head(url);
    },
  };
}
export async function ping(repo: Repository<Conversation>, pinger: Pinger, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await pinger.ping('http://127.0.0.1:9/health');
  conversation.priority = 0;
  await repo.update({ id: conversation.id }, { priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 14),
            method: 'save()',
            window: 'after `await pinger.ping(…)`',
            awaitLine: String(L + 15),
            reason: 'a network call via Pinger.ping → ping → axios.head',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 17,
          column: 9,
          endLine: L + 17,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 6: an interface whose only implementation found is an object literal that computes stays unknown (literals may be built in ways not looked for)',
      code: `${imports}
export async function rescore(repo: Repository<Conversation>, scorer: SnippetScorer, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority = await scorer.score('text');
  await repo.save(conversation);
}`,
      output: `${imports}
export async function rescore(repo: Repository<Conversation>, scorer: SnippetScorer, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority = await scorer.score('text');
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
            window: 'after `await scorer.score(…)`',
            awaitLine: String(L + 4),
            reason: 'an unclassified call via SnippetScorer.score that may be slow I/O',
            atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
            advice: 'Update only priority with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'class 6: an interface implemented by an object literal that posts over HTTP is a network call, the literal\'s method in the chain',
      code: `${imports}
export async function publish(repo: Repository<Conversation>, publisher: SnippetPublisher, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await publisher.publish(id, 'text');
  await repo.save(conversation);
}`,
      output: `${imports}
export async function publish(repo: Repository<Conversation>, publisher: SnippetPublisher, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageSnippet = await publisher.publish(id, 'text');
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
            window: 'after `await publisher.publish(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via SnippetPublisher.publish → publisher.publish → axios.post',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
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
      name: 'a load and a save through a repository interface, the implementations in their chains',
      code: `${imports}
export async function archiveThroughPort(port: ConversationRepositoryPort, archive: SnippetArchive, id: string) {
  const conversation = await port.findById(id);
  if (conversation == null) return;
  conversation.lastMessageSnippet = await archive.archive(id, 'text');
  await port.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'ConversationRepositoryPort.findById() → TypeormConversationRepository.findById → findOneBy()',
            loadLine: String(L + 3),
            method: 'port.save() (ConversationRepositoryPort.save → TypeormConversationRepository.save → save())',
            window: 'after `await archive.archive(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via SnippetArchive.archive → HttpSnippetArchive.archive → axios.put',
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: 'Update only lastMessageSnippet with update(). The save() to change is at no-stale-save/implementations.ts:57.',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'a relation loaded with its owner and saved after a network call',
      code: `${imports}
export async function greet(orders: Repository<SalesOrder>, customers: Repository<Customer>, llm: LlmClient, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  order.customer.name = await llm.complete('greeting');
  await customers.save(order.customer);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'order.customer',
            loader: 'findOneOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'tier, loyaltyPoints',
            advice: 'Update only name with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 39,
        },
      ],
    },
    {
      name: 'a field set from its stale value plus an amount is at risk, and becomes an increment()',
      code: `${imports}
export async function award(customers: Repository<Customer>, payments: PaymentClient, id: string) {
  const customer = await customers.findOneByOrFail({ id });
  await payments.capture(id);
  customer.loyaltyPoints = customer.loyaltyPoints + 10;
  await customers.save(customer);
}`,
      output: `${imports}
export async function award(customers: Repository<Customer>, payments: PaymentClient, id: string) {
  const customer = await customers.findOneByOrFail({ id });
  await payments.capture(id);
  customer.loyaltyPoints = customer.loyaltyPoints + 10;
  await customers.increment({ id: customer.id }, 'loyaltyPoints', 10);
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'customer',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'loyaltyPoints (set from its stale value), name, tier',
            advice: 'Change loyaltyPoints in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await.',
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 33,
        },
      ],
    },
    {
      name: 'class 7: a select: false column is not at risk after a plain load',
      code: `${imports}
export async function sign(operators: Repository<Operator>, llm: LlmClient, id: string) {
  const operator = await operators.findOneByOrFail({ id });
  operator.signature = await llm.complete('signature');
  await operators.save(operator);
}`,
      output: `${imports}
export async function sign(operators: Repository<Operator>, llm: LlmClient, id: string) {
  const operator = await operators.findOneByOrFail({ id });
  operator.signature = await llm.complete('signature');
  await operators.update({ id: operator.id }, { signature: operator.signature });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'operator',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: 'displayName, openTickets',
            advice: 'Update only signature with update().',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 33,
        },
      ],
    },
  ],
});
