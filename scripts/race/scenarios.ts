import { performance } from 'node:perf_hooks';

import type { DataSource, ObjectLiteral, Repository } from 'typeorm';

import type { DatabaseKind, ServerActivity } from './database.js';
import type { ExampleModules, VisitorLockServiceLike } from './example-modules.js';
import type { LlmStub, StubCall } from './llm-stub.js';
import type { Random } from './random.js';
import { afterTurns, deferred, later, sleep } from './timing.js';
import type { VariantName } from './variants.js';

export type ScenarioId =
  | 'stale-save'
  | 'unguarded-transition'
  | 'lock-leak'
  | 'network-in-transaction'
  | 'prisma-derived-write'
  | 'drizzle-derived-write'
  | 'prisma-unchecked-claim'
  | 'drizzle-unguarded-claim';

/** One variant of the example, connected to one database, with the LLM stub. */
export interface World {
  database: DatabaseKind;
  variant: VariantName;
  modules: ExampleModules;
  dataSource: DataSource;
  stub: LlmStub;
  conversations: Repository<ObjectLiteral>;
  messages: Repository<ObjectLiteral>;
  locks: Repository<ObjectLiteral>;
  agentIds: string[];
  /** PostgreSQL's view of the data source's connections; undefined on SQLite. */
  activity: (() => Promise<ServerActivity>) | undefined;
  /** Errors the example logged through Nest's Logger during the current run. */
  loggedErrors: string[];
}

/** The writer's wait in scenario 4, and what the slow call held meanwhile. */
export interface WaitSample {
  writerMs: number;
  llmMs: number;
  /** Connections idle in a transaction, seen by the server while the LLM request was in flight. */
  heldConnections: number;
  /** Whether the server saw the writer waiting for a lock while the LLM request was in flight. */
  blocked: boolean;
}

export interface RunOutcome {
  anomaly: boolean;
  /** What kind of anomaly, for the details column (e.g. `assignee reverted`). */
  kinds?: string[];
  wait?: WaitSample;
}

export interface Scenario {
  id: ScenarioId;
  number: number;
  title: string;
  /** Where the fixed code comes from. */
  fix: string;
  /** What counts as an anomaly, stated with the results. */
  anomaly: string;
  /** Scenarios whose locking SQLite cannot express (it has no row locks and one connection). */
  postgresOnly: boolean;
  run(world: World, random: Random, index: number): Promise<RunOutcome>;
}

interface ConversationRow {
  id: string;
  visitorUid: string;
  status: string;
  assigneeId: string | null;
  lastMessageId: string | null;
}

/**
 * LLM round trips: short enough that 200 runs take seconds, long enough that the writers, which
 * take about a millisecond, land well inside the window.
 */
const LLM_MS: readonly [number, number] = [3, 10];

function llmDelay(random: Random): number {
  return random.between(LLM_MS[0], LLM_MS[1]);
}

let modelCounter = 0;

/** A model name no other run uses: the stub routes each request to its run's script by it. */
function modelFor(world: World, scenario: ScenarioId, index: number): string {
  modelCounter++;
  return `race-${world.database}-${world.variant}-${scenario}-${String(index)}-${String(modelCounter)}`;
}

function llmClient(world: World, model: string): object {
  return new world.modules.LlmClient({ apiKey: 'race-harness', baseURL: world.stub.baseURL, model });
}

function lockService(world: World): VisitorLockServiceLike {
  return new world.modules.VisitorLockService(world.locks);
}

/** The visitor's latest message of `conversation`, answered by the example's `AiResponderService` through `model`. */
async function replyAsAi(world: World, conversation: ConversationRow, model: string): Promise<void> {
  const responder = new world.modules.AiResponderService(world.conversations, world.messages, lockService(world), llmClient(world, model));
  await responder.handleVisitorMessage({
    visitorUid: conversation.visitorUid,
    conversationId: conversation.id,
    messageId: conversation.lastMessageId ?? '',
  });
  world.stub.forget(model);
}

/** An OPEN conversation whose last message is the newest of `visitorMessages` from the visitor. */
async function seedConversation(world: World, random: Random, visitorMessages: number): Promise<ConversationRow> {
  const { ConversationStatus, MessageAuthor } = world.modules;
  const visitorUid = `visitor-${String(random.int(0, 2 ** 30))}-${String(Date.now())}`;
  const conversation = (await world.conversations.save(
    world.conversations.create({ visitorUid, status: ConversationStatus.OPEN, priority: 0 }),
  )) as ConversationRow;
  let lastMessageId: string | null = null;
  for (let index = 0; index < visitorMessages; index++) {
    const message = (await world.messages.save(
      world.messages.create({ conversationId: conversation.id, author: MessageAuthor.VISITOR, body: `Question ${String(index + 1)}` }),
    )) as { id: string };
    lastMessageId = message.id;
  }
  await world.conversations.update({ id: conversation.id }, { lastMessageId });
  return { ...conversation, lastMessageId };
}

async function conversationRow(world: World, id: string): Promise<ConversationRow> {
  return (await world.conversations.findOneByOrFail({ id })) as ConversationRow;
}

function countAiReplies(world: World, conversationId: string): Promise<number> {
  return world.messages.countBy({ conversationId, author: world.modules.MessageAuthor.AI });
}

/**
 * The responder's draft → review → revise loop as the stub will play it: `rejections` reviews that
 * ask for changes (each followed by a revision), then an OK unless the loop has run out of passes.
 */
function responderCalls(random: Random, rejections: number): StubCall[] {
  const calls: StubCall[] = [{ delayMs: llmDelay(random), reply: 'Thanks for waiting! Here is how to reset your password.' }];
  for (let pass = 0; pass < rejections; pass++) {
    calls.push({ delayMs: llmDelay(random), reply: 'Mention the reset link expires after an hour.' });
    calls.push({ delayMs: llmDelay(random), reply: `Revised answer ${String(pass + 1)}: the reset link expires after an hour.` });
  }
  // The example's MAX_REFINEMENT_PASSES is 2: after two rejections it stops without a last review.
  if (rejections < 2) calls.push({ delayMs: llmDelay(random), reply: 'OK' });
  return calls;
}

function invalidRun(scenario: ScenarioId, world: World, index: number, why: string): Error {
  const logged = world.loggedErrors.length > 0 ? `\nlogged by the example:\n  ${world.loggedErrors.join('\n  ')}` : '';
  return new Error(`${scenario} run ${String(index)} (${world.database}, ${world.variant}) did not run as scripted: ${why}${logged}`);
}

const staleSave: Scenario = {
  id: 'stale-save',
  number: 1,
  title: 'stale save (the audit)',
  fix: 'autofix of no-stale-save',
  anomaly:
    'after the run, assignee_id or status is not what AssignmentService.assign() / WorkflowConsumer.handleInactivity() wrote during the LLM calls (counted only when the writer reported success)',
  postgresOnly: false,
  async run(world, random, index) {
    const { modules } = world;
    const conversation = await seedConversation(world, random, random.int(1, 3));
    const agentId = random.pick(world.agentIds);
    const calls = responderCalls(random, random.int(0, 2));
    const window = calls.reduce((total, call) => total + call.delayMs, 0);
    // Both writers fire at random moments while the responder waits for the model.
    const assignAt = random.between(0, window);
    const inactivityAt = random.between(0, window);
    const assignment = new modules.AssignmentService(world.conversations);
    const workflow = new modules.WorkflowConsumer(world.conversations);
    let writers: Promise<[boolean, boolean]> | undefined;
    const model = modelFor(world, 'stale-save', index);
    const script = world.stub.script(model, calls, (call) => {
      if (call !== 0) return;
      writers = deferred(
        Promise.all([
          later(assignAt, async () => {
            await assignment.assign(conversation.id, agentId);
            return true;
          }),
          later(inactivityAt, () => workflow.handleInactivity(conversation.id, conversation.lastMessageId ?? '')),
        ]),
      );
    });
    await replyAsAi(world, conversation, model);
    if (writers == null) throw invalidRun(this.id, world, index, 'the responder never called the LLM');
    const [assigned, markedPending] = await writers;
    if (script.received !== calls.length) throw invalidRun(this.id, world, index, `${String(script.received)} of ${String(calls.length)} LLM calls made`);
    if ((await countAiReplies(world, conversation.id)) !== 1) throw invalidRun(this.id, world, index, 'the responder wrote no reply');

    const row = await conversationRow(world, conversation.id);
    const kinds: string[] = [];
    if (assigned && row.assigneeId !== agentId) kinds.push('assignee reverted');
    if (markedPending && row.status !== modules.ConversationStatus.PENDING) kinds.push('status reverted');
    return { anomaly: kinds.length > 0, kinds };
  },
};

const unguardedTransition: Scenario = {
  id: 'unguarded-transition',
  number: 2,
  title: 'unguarded transition',
  fix: 'suggestion of require-state-guard',
  anomaly: 'both HandoffWorker.handOff() calls for the same OPEN conversation returned true ("I moved it to PENDING"), so the agent is paged twice',
  postgresOnly: false,
  async run(world, random, index) {
    const conversation = await seedConversation(world, random, random.int(1, 6));
    // The same job handled by two consumers at once: the second starts 0–60 microtask turns after
    // the first, from lock-step to the first being nearly done (on SQLite, about 30 turns cover one
    // worker's three queries).
    const stagger = random.int(0, 60);
    const first = new world.modules.HandoffWorker(world.conversations, world.messages);
    const second = new world.modules.HandoffWorker(world.conversations, world.messages);
    const won = await Promise.all([first.handOff(conversation.id), afterTurns(stagger, () => second.handOff(conversation.id))]);
    const winners = won.filter(Boolean).length;
    const row = await conversationRow(world, conversation.id);
    if (winners === 0 || row.status !== world.modules.ConversationStatus.PENDING) {
      throw invalidRun(this.id, world, index, `${String(winners)} workers won and the status is ${row.status}`);
    }
    return { anomaly: winners > 1, kinds: winners > 1 ? ['paged twice'] : [] };
  },
};

/** HTTP errors the openai SDK gives up on at once (it retries 408, 409, 429 and 5xx). */
const FAILING_STATUSES = [400, 401, 403, 404, 422] as const;

const lockLeak: Scenario = {
  id: 'lock-leak',
  number: 3,
  title: 'lock leak',
  fix: 'suggestion of require-lock-release-in-finally',
  anomaly:
    "GreetingService.greet()'s LLM call failed; the visitor's next message, sent after greet() had returned, was refused by AiResponderService because the visitor lock was still held",
  postgresOnly: false,
  async run(world, random, index) {
    const { modules } = world;
    const conversation = await seedConversation(world, random, 1);
    const greetModel = modelFor(world, 'lock-leak', index);
    world.stub.script(greetModel, [{ delayMs: llmDelay(random), failStatus: random.pick(FAILING_STATUSES) }]);
    const greeting = new modules.GreetingService(world.messages, lockService(world), llmClient(world, greetModel));
    const greetingFailed = await greeting.greet(conversation.visitorUid, conversation.id).then(
      () => false,
      () => true,
    );
    world.stub.forget(greetModel);
    if (!greetingFailed) throw invalidRun(this.id, world, index, 'greet() did not throw although its LLM call failed');

    await sleep(random.between(0, 5));
    const replyModel = modelFor(world, 'lock-leak', index);
    const replyScript = world.stub.script(replyModel, responderCalls(random, 0));
    await replyAsAi(world, conversation, replyModel);
    const replies = await countAiReplies(world, conversation.id);
    const refused = replyScript.received === 0;
    if (refused !== (replies === 0)) throw invalidRun(this.id, world, index, `${String(replyScript.received)} LLM calls but ${String(replies)} replies`);
    return { anomaly: refused, kinds: refused ? ['next message refused'] : [] };
  },
};

const networkInTransaction: Scenario = {
  id: 'network-in-transaction',
  number: 4,
  title: 'network call inside a transaction',
  fix: '✅ shape of no-network-await-in-transaction',
  anomaly:
    "AssignmentService.assign() on the same row, started early in the LLM call, was seen by PostgreSQL (pg_stat_activity) waiting for a lock while the call was still in flight",
  postgresOnly: true,
  async run(world, random, index) {
    const { modules, activity } = world;
    if (activity == null) throw invalidRun(this.id, world, index, 'no server activity probe (PostgreSQL only)');
    const conversation = await seedConversation(world, random, random.int(1, 4));
    const agentId = random.pick(world.agentIds);
    const llmMs = random.between(20, 60);
    // The writer starts in the first quarter of the call and the server is asked at 60% of it:
    // a writer that is not blocked has long finished by then, one that is blocked is still waiting.
    const writerAt = random.between(0, 0.25 * llmMs);
    const assignment = new modules.AssignmentService(world.conversations);
    let writer: Promise<number> | undefined;
    let seen: Promise<ServerActivity> | undefined;
    const model = modelFor(world, 'network-in-transaction', index);
    world.stub.script(model, [{ delayMs: llmMs, reply: 'Visitor cannot reset their password; link expired.' }], () => {
      writer = deferred(
        later(writerAt, async () => {
          const started = performance.now();
          await assignment.assign(conversation.id, agentId);
          return performance.now() - started;
        }),
      );
      seen = deferred(later(0.6 * llmMs, activity));
    });
    const summaries = new modules.InboxSummaryService(world.dataSource, world.conversations, world.messages, llmClient(world, model));
    const written = world.variant === 'vulnerable' ? await summaries.summarizeUnderLock(conversation.id) : await summaries.summarize(conversation.id);
    world.stub.forget(model);
    if (writer == null || seen == null) throw invalidRun(this.id, world, index, 'the summary never called the LLM');
    const writerMs = await writer;
    const server = await seen;
    if (!written) throw invalidRun(this.id, world, index, 'the summary was not written');
    const row = await conversationRow(world, conversation.id);
    if (row.assigneeId !== agentId) throw invalidRun(this.id, world, index, 'the assignment was lost');
    const blocked = server.blocked > 0;
    return {
      anomaly: blocked,
      kinds: blocked ? ['writer blocked'] : [],
      wait: { writerMs, llmMs, heldConnections: server.idleInTransaction, blocked },
    };
  },
};

export const SCENARIOS: readonly Scenario[] = [staleSave, unguardedTransition, lockLeak, networkInTransaction];
