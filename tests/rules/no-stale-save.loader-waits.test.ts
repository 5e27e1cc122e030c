/**
 * no-stale-save and the project's loaders that wait for a slow call after their own read (issue
 * 14, recall): the object they return is already stale, so the loader's call is the window the
 * message names, with the chain through the loader to the slow call. Each valid case is a loader
 * that hands back a row no older than its call: re-loaded, handed on after the wait (the callee
 * may save it), or waiting only on a branch that returns something else, or on nothing known slow.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { EnrichingGateway } from './no-stale-save/loader-waits.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

const CONVERSATION_AT_RISK_BUT_PRIORITY = 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt';

ruleTester.run('no-stale-save (loaders that wait after their read)', rule, {
  valid: [
    {
      name: 'the loader re-loads the row after its slow call',
      code: `${imports}
export async function caller(repo: Repository<Conversation>, gateway: EnrichingGateway, id: string) {
  const conversation = await gateway.enrichThenReload(id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the loader hands the object to another function after its slow call: what it returns is not known to be stale',
      code: `${imports}
export async function caller(repo: Repository<Conversation>, gateway: EnrichingGateway, id: string) {
  const conversation = await gateway.enrichAndHandOn(id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the loader waits only on the branch that returns a fresh read',
      code: `${imports}
export async function caller(repo: Repository<Conversation>, gateway: EnrichingGateway, id: string) {
  const conversation = await gateway.enrichOrFresh(id, true);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the loader saves the object after its slow call, then returns it as written',
      code: `${imports}
async function enrich(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  await repo.update({ id }, { lastMessageSnippet: await llm.complete(id) });
  return Object.assign(conversation, await repo.findOneByOrFail({ id }));
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await enrich(repo, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the loader awaits a callback of its caller after the read: not known to be slow, so not counted',
      code: `${imports}
async function loadAfter(repo: Repository<Conversation>, id: string, before: () => Promise<void>): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  await before();
  return conversation;
}
export async function caller(repo: Repository<Conversation>, id: string) {
  const conversation = await loadAfter(repo, id, async () => {});
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the loader returns the object from its try block and waits only in the catch, after that return',
      code: `${imports}
async function loadOrReport(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation | undefined> {
  const conversation = await repo.findOneByOrFail({ id });
  try {
    if (conversation.priority > 0) return conversation;
  } catch (error) {
    await llm.complete(String(error));
  }
  return undefined;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadOrReport(repo, llm, id);
  if (conversation == null) return;
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the slow call itself takes the object (it may save it before it returns): that wait is not counted',
      code: `${imports}
async function loadAndNotify(repo: Repository<Conversation>, notify: (payload: { conversation: Conversation }) => Promise<void>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(id).then(() => notify({ conversation }));
  return conversation;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadAndNotify(repo, async () => {}, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the object is put in a literal for another function after the slow call, on every path: that wait is not counted',
      code: `${imports}
async function loadAndAudit(repo: Repository<Conversation>, audit: (entry: { conversation: Conversation }) => void, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(id);
  audit({ conversation });
  return conversation;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadAndAudit(repo, () => {}, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'a callback of the loader may refresh the object after the slow call: that wait is not counted',
      code: `${imports}
async function loadRefreshed(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  let conversation = await repo.findOneByOrFail({ id });
  const refresh = async () => {
    conversation = await repo.findOneByOrFail({ id });
  };
  await llm.complete(id);
  await refresh();
  return conversation;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadRefreshed(repo, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the object is refreshed under another name after the slow call: that wait is not counted',
      code: `${imports}
async function loadThroughAlias(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  const same = conversation;
  await llm.complete(id);
  Object.assign(same, await repo.findOneByOrFail({ id }));
  return conversation;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadThroughAlias(repo, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
    {
      name: 'the loader waits before its read: what it returns is fresh',
      code: `${imports}
async function loadAfterAsking(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  await llm.complete(id);
  const conversation = await repo.findOneByOrFail({ id });
  return conversation;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadAfterAsking(repo, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
    },
  ],
  invalid: [
    {
      name: 'a loader of the project calls the LLM after its read: its call is the window, the chain goes through it',
      code: `${imports}
export async function caller(repo: Repository<Conversation>, gateway: EnrichingGateway, id: string) {
  const conversation = await gateway.loadThenEnrich(id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'EnrichingGateway.loadThenEnrich() → findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await gateway.loadThenEnrich(…)`',
            awaitLine: String(L + 3),
            reason: 'a network call via EnrichingGateway.loadThenEnrich → Assistant.reply → LlmClient.complete → openai.chat.completions.create',
            // The snippet the loader set is written by the save, not reverted; which fields the
            // save writes is no longer only what this code sets, so no rewrite is offered.
            atRisk: 'status, lastMessageId, assigneeId, version, updatedAt',
            advice: 'Write only the fields this code changes (priority, …) with update(), or re-load it after the await.',
          },
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 32,
          suggestions: [],
        },
      ],
    },
    {
      name: 'a timer in the loader (inside try/catch), then the return: the object it returns was read before the wait',
      code: `${imports}
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function loadSettled(repo: Repository<Conversation>, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  try {
    await pause(500);
  } catch (error) {
    console.error(error);
  }
  return conversation;
}
export async function caller(repo: Repository<Conversation>, id: string) {
  const conversation = await loadSettled(repo, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
      // The loader changes nothing on the object: the caller's field is all the save writes.
      output: `${imports}
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function loadSettled(repo: Repository<Conversation>, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  try {
    await pause(500);
  } catch (error) {
    console.error(error);
  }
  return conversation;
}
export async function caller(repo: Repository<Conversation>, id: string) {
  const conversation = await loadSettled(repo, id);
  conversation.priority = 1;
  await repo.update({ id: conversation.id }, { priority: conversation.priority });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'loadSettled() → findOneByOrFail()',
            loadLine: String(L + 13),
            method: 'save()',
            window: 'after `await loadSettled(…)`',
            awaitLine: String(L + 13),
            reason: 'a timer via loadSettled → pause → setTimeout',
            atRisk: CONVERSATION_AT_RISK_BUT_PRIORITY,
            advice: 'Update only priority with update().',
          },
          line: L + 15,
          column: 9,
          endLine: L + 15,
          endColumn: 32,
          suggestions: [],
        },
      ],
    },
    {
      name: 'the loader sets a property that is no column: the save writes only what the caller sets, and the autofix stays',
      code: `${imports}
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Note {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: 'varchar' })
  body: string;
  @Column({ type: 'int', default: 0 })
  views: number;
  summary?: string;
}
async function loadSummarised(repo: Repository<Note>, llm: LlmClient, id: number): Promise<Note> {
  const note = await repo.findOneByOrFail({ id });
  note.summary = await llm.complete(note!.body);
  return note;
}
export async function caller(repo: Repository<Note>, llm: LlmClient, id: number, body: string) {
  const note = await loadSummarised(repo, llm, id);
  note.body = body;
  await repo.save(note);
}`,
      output: `${imports}
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Note {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: 'varchar' })
  body: string;
  @Column({ type: 'int', default: 0 })
  views: number;
  summary?: string;
}
async function loadSummarised(repo: Repository<Note>, llm: LlmClient, id: number): Promise<Note> {
  const note = await repo.findOneByOrFail({ id });
  note.summary = await llm.complete(note!.body);
  return note;
}
export async function caller(repo: Repository<Note>, llm: LlmClient, id: number, body: string) {
  const note = await loadSummarised(repo, llm, id);
  note.body = body;
  await repo.update({ id: note.id }, { body: note.body });
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'note',
            loader: 'loadSummarised() → findOneByOrFail()',
            loadLine: String(L + 19),
            method: 'save()',
            window: 'after `await loadSummarised(…)`',
            awaitLine: String(L + 19),
            reason: 'a network call via loadSummarised → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'views',
            advice: 'Update only body with update().',
          },
          line: L + 21,
          column: 9,
          endLine: L + 21,
          endColumn: 24,
          suggestions: [],
        },
      ],
    },
    {
      name: 'the loader re-loads the object on one branch only after its slow call: on the other path it returns the old row',
      code: `${imports}
async function loadChecked(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  const verdict = await llm.complete(id);
  if (verdict === 'refresh') {
    Object.assign(conversation, await repo.findOneByOrFail({ id }));
  }
  return conversation;
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadChecked(repo, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'loadChecked() → findOneByOrFail()',
            loadLine: String(L + 11),
            method: 'save()',
            window: 'after `await loadChecked(…)`',
            awaitLine: String(L + 11),
            reason: 'a network call via loadChecked → LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK_BUT_PRIORITY,
            advice: 'Write only the fields this code changes (priority, …) with update(), or re-load it after the await.',
          },
          line: L + 13,
          column: 9,
          endLine: L + 13,
          endColumn: 32,
          suggestions: [],
        },
      ],
    },
    {
      name: 'refreshed in the try block after the slow call, but returned from the catch the call fails into: that path returns the old row',
      code: `${imports}
async function loadVerified(repo: Repository<Conversation>, llm: LlmClient, id: string): Promise<Conversation> {
  const conversation = await repo.findOneByOrFail({ id });
  try {
    await llm.complete(id);
    Object.assign(conversation, await repo.findOneByOrFail({ id }));
    return conversation;
  } catch (error) {
    console.error(error);
    return conversation;
  }
}
export async function caller(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await loadVerified(repo, llm, id);
  conversation.priority = 1;
  await repo.save(conversation);
}`,
      // The re-load hands the object to Object.assign(): what the save writes is no longer only this code's field.
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'loadVerified() → findOneByOrFail()',
            loadLine: String(L + 14),
            method: 'save()',
            window: 'after `await loadVerified(…)`',
            awaitLine: String(L + 14),
            reason: 'a network call via loadVerified → LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK_BUT_PRIORITY,
            advice: 'Write only the fields this code changes (priority, …) with update(), or re-load it after the await.',
          },
          line: L + 16,
          column: 9,
          endLine: L + 16,
          endColumn: 32,
          suggestions: [],
        },
      ],
    },
    {
      name: 'the loader changes a value inside a column in place (an array pushed to): the save writes it too, so no update() of the caller\'s field alone is offered',
      code: `${imports}
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Tagged {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: 'varchar' })
  body: string;
  @Column('simple-array')
  tags: string[];
  @Column({ type: 'int', default: 0 })
  views: number;
}
async function loadTagged(repo: Repository<Tagged>, llm: LlmClient, id: number): Promise<Tagged> {
  const tagged = await repo.findOneByOrFail({ id });
  tagged.tags.push(await llm.complete(tagged.body));
  return tagged;
}
export async function caller(repo: Repository<Tagged>, llm: LlmClient, id: number, body: string) {
  const tagged = await loadTagged(repo, llm, id);
  tagged.body = body;
  await repo.save(tagged);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'tagged',
            loader: 'loadTagged() → findOneByOrFail()',
            loadLine: String(L + 20),
            method: 'save()',
            window: 'after `await loadTagged(…)`',
            awaitLine: String(L + 20),
            reason: 'a network call via loadTagged → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'views',
            advice: 'Write only the fields this code changes (body, …) with update(), or re-load it after the await.',
          },
          line: L + 22,
          column: 9,
          endLine: L + 22,
          endColumn: 26,
          suggestions: [],
        },
      ],
    },
  ],
});
