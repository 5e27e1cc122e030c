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
  | 'derived-counter'
  | 'spread-save'
  | 'stale-transition'
  | 'many-to-many-add'
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
  tags: Repository<ObjectLiteral>;
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

/** Urgent messages of one conversation triaged at once, each raising its priority by one. */
const derivedCounter: Scenario = {
  id: 'derived-counter',
  number: 5,
  title: 'derived counter',
  fix: 'autofix of no-stale-save (increment())',
  anomaly: 'after 2–4 EscalationService.triage() calls for the same conversation all reported an escalation, its priority is lower than their number',
  postgresOnly: false,
  async run(world, random, index) {
    const conversation = await seedConversation(world, random, 1);
    const jobs = random.int(2, 4);
    const plans = Array.from({ length: jobs }, () => ({ startAt: random.between(0, 3), delayMs: llmDelay(random) }));
    const escalated = await Promise.all(
      plans.map((plan) => {
        const model = modelFor(world, 'derived-counter', index);
        world.stub.script(model, [{ delayMs: plan.delayMs, reply: 'ESCALATE' }]);
        const service = new world.modules.EscalationService(world.conversations, llmClient(world, model));
        return later(plan.startAt, () => service.triage(conversation.id, 'I was charged twice, please help now')).finally(() => {
          world.stub.forget(model);
        });
      }),
    );
    const raised = escalated.filter(Boolean).length;
    if (raised !== jobs) throw invalidRun(this.id, world, index, `${String(raised)} of ${String(jobs)} triage jobs escalated`);
    const row = (await world.conversations.findOneByOrFail({ id: conversation.id })) as { priority: number };
    const lost = raised - row.priority;
    return { anomaly: lost > 0, kinds: lost > 0 ? ['increments lost'] : [] };
  },
};

/** A snippet translated by the LLM while an agent takes the conversation. */
const spreadSave: Scenario = {
  id: 'spread-save',
  number: 6,
  title: 'spread save',
  fix: 'autofix of no-stale-save (update())',
  anomaly: 'after SnippetTranslator.translateSnippet(), assignee_id is not the agent AssignmentService.assign() set during the LLM call',
  postgresOnly: false,
  async run(world, random, index) {
    const conversation = await seedConversation(world, random, 1);
    await world.conversations.update({ id: conversation.id }, { lastMessageSnippet: 'How do I reset my password?' });
    const agentId = random.pick(world.agentIds);
    const call: StubCall = { delayMs: llmDelay(random), reply: 'Comment réinitialiser mon mot de passe ?' };
    const assignAt = random.between(0, call.delayMs);
    const assignment = new world.modules.AssignmentService(world.conversations);
    let assigned: Promise<void> | undefined;
    const model = modelFor(world, 'spread-save', index);
    world.stub.script(model, [call], () => {
      assigned = deferred(later(assignAt, () => assignment.assign(conversation.id, agentId)));
    });
    const translator = new world.modules.SnippetTranslator(world.conversations, llmClient(world, model));
    await translator.translateSnippet(conversation.id, 'French');
    world.stub.forget(model);
    if (assigned == null) throw invalidRun(this.id, world, index, 'the translator never called the LLM');
    await assigned;
    const row = (await world.conversations.findOneByOrFail({ id: conversation.id })) as ConversationRow & { lastMessageSnippet: string | null };
    if (row.lastMessageSnippet !== call.reply) throw invalidRun(this.id, world, index, `the snippet is ${String(row.lastMessageSnippet)}`);
    const reverted = row.assigneeId !== agentId;
    return { anomaly: reverted, kinds: reverted ? ['assignee reverted'] : [] };
  },
};

/**
 * The AI resolves a conversation it judged answered while the inactivity job moves it to PENDING:
 * one of the two transitions must lose, visibly.
 */
const staleTransition: Scenario = {
  id: 'stale-transition',
  number: 7,
  title: 'stale state transition',
  fix: 'suggestion of no-stale-save (compare-and-set)',
  anomaly:
    'WorkflowConsumer.handleInactivity() reported moving the conversation to PENDING during the LLM call, and AutoResolveService.resolveIfAnswered() still left it RESOLVED (the fixed code must refuse instead: it throws)',
  postgresOnly: false,
  async run(world, random, index) {
    const { modules } = world;
    const conversation = await seedConversation(world, random, random.int(1, 3));
    const call: StubCall = { delayMs: llmDelay(random), reply: 'YES' };
    // Mostly inside the LLM call, sometimes after the resolve: then the job must find nothing to do.
    const jobAt = random.between(0, 1.5 * call.delayMs);
    const workflow = new modules.WorkflowConsumer(world.conversations);
    let job: Promise<boolean> | undefined;
    const model = modelFor(world, 'stale-transition', index);
    world.stub.script(model, [call], () => {
      job = deferred(later(jobAt, () => workflow.handleInactivity(conversation.id, conversation.lastMessageId ?? '')));
    });
    const resolver = new modules.AutoResolveService(world.conversations, llmClient(world, model));
    const resolved = await resolver.resolveIfAnswered(conversation.id, 'Visitor: thanks, that worked!').then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    world.stub.forget(model);
    if (job == null) throw invalidRun(this.id, world, index, 'the resolver never called the LLM');
    const movedToPending = await job;
    const row = await conversationRow(world, conversation.id);
    if ('error' in resolved) {
      // The compare-and-set lost: only valid when the job won, and the row shows it.
      if (!movedToPending || row.status !== modules.ConversationStatus.PENDING) {
        throw invalidRun(this.id, world, index, `the resolver threw (${String(resolved.error)}) although the job ${movedToPending ? 'won' : 'did not'} and the status is ${row.status}`);
      }
      return { anomaly: false, kinds: [] };
    }
    if (!resolved.value) throw invalidRun(this.id, world, index, 'the resolver did not resolve');
    const overwritten = movedToPending && row.status === modules.ConversationStatus.RESOLVED;
    return { anomaly: overwritten, kinds: overwritten ? ['pending overwritten'] : [] };
  },
};

/** The AI tags a conversation by topic while an agent adds a tag of their own. */
const manyToManyAdd: Scenario = {
  id: 'many-to-many-add',
  number: 8,
  title: 'many-to-many add',
  fix: 'suggestion of no-stale-save (RelationQueryBuilder.add())',
  anomaly: "after TaggingService.autoTag(), the tag TaggingService.addTag() added during the LLM call is no longer on the conversation",
  postgresOnly: false,
  async run(world, random, index) {
    const conversation = await seedConversation(world, random, 1);
    const suffix = `${String(index)}-${String(random.int(0, 2 ** 30))}`;
    const topic = (await world.tags.save(world.tags.create({ name: `topic-${suffix}` }))) as { id: string; name: string };
    const agentTag = (await world.tags.save(world.tags.create({ name: `agent-${suffix}` }))) as { id: string; name: string };
    const call: StubCall = { delayMs: llmDelay(random), reply: topic.name };
    const addAt = random.between(0, call.delayMs);
    const model = modelFor(world, 'many-to-many-add', index);
    const tagging = new world.modules.TaggingService(world.conversations, world.tags, llmClient(world, model));
    let added: Promise<void> | undefined;
    world.stub.script(model, [call], () => {
      added = deferred(later(addAt, () => tagging.addTag(conversation.id, agentTag.id)));
    });
    await tagging.autoTag(conversation.id, 'I was charged twice this month');
    world.stub.forget(model);
    if (added == null) throw invalidRun(this.id, world, index, 'autoTag never called the LLM');
    await added;
    const row = (await world.conversations.findOneOrFail({ where: { id: conversation.id }, relations: { tags: true } })) as { tags: { id: string }[] };
    const ids = row.tags.map((tag) => tag.id);
    if (!ids.includes(topic.id)) throw invalidRun(this.id, world, index, 'the topic tag was not added');
    const removed = !ids.includes(agentTag.id);
    return { anomaly: removed, kinds: removed ? ["agent's tag removed"] : [] };
  },
};

export const SCENARIOS: readonly Scenario[] = [staleSave, unguardedTransition, lockLeak, networkInTransaction, derivedCounter, spreadSave, staleTransition, manyToManyAdd];
