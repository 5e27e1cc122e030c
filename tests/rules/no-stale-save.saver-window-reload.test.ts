/**
 * no-stale-save and a project saver that opens the window itself (issue 15, "saves inside the
 * project's own savers"): `summarise(repo, llm, conversation)` awaits the LLM, then sets a field
 * and saves the object its caller loaded. A re-load in the caller would come before the call, too
 * early; when the saver is in the linted file, the suggestion re-loads the row inside it, right
 * after its slow await. Each refusal states what that re-load would undo or leave stale.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { DataSource, Repository } from 'typeorm';
import { Account, Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { PaymentClient } from './shared/payments.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** Asks the LLM, then stores its summary: the window is inside, before the save. */
const summarise = (reloaded: boolean): string => `
async function summarise(repo: Repository<Conversation>, llm: LlmClient, conversation: Conversation): Promise<void> {
  const text = await llm.complete(conversation.id);${reloaded ? '\n  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));' : ''}
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`;

const LLM = 'a network call via summarise → LlmClient.complete → openai.chat.completions.create';
const SAVER_ADVICE = (line: number) => `Make that function write only the fields it changes with update() (its save() is at line ${String(line)}), or re-load the entity after the await.`;
const RELOAD = 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))';

/**
 * The report at the caller's `await summarise(…)` when no re-load is offered: lines count from
 * `imports`; `saverLine` is the saver's `save()` the advice points to (or `advice` itself).
 */
function reportedAtCall(at: { load: number; call: number; endColumn: number; atRisk: string; saverLine?: number; advice?: string; loader?: string }) {
  return {
    messageId: 'staleSave' as const,
    data: {
      name: 'conversation',
      loader: at.loader ?? 'findOneByOrFail()',
      loadLine: String(L + at.load),
      method: 'summarise() (summarise → save())',
      window: 'after `await summarise(…)`',
      awaitLine: String(L + at.call),
      reason: LLM,
      atRisk: at.atRisk,
      advice: at.advice ?? SAVER_ADVICE(L + (at.saverLine ?? 0)),
    },
    line: L + at.call,
    column: 9,
    endLine: L + at.call,
    endColumn: at.endColumn,
    suggestions: [],
  };
}

ruleTester.run('no-stale-save (a re-load inside a saver that opens the window)', rule, {
  valid: [
    {
      name: 'the suggestion applied: the saver re-loads the row after its slow call, and saves that',
      code: `${imports}${summarise(true)}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
    },
    {
      name: 'an Active Record saver that re-loads itself after the slow call',
      code: `${imports}
async function chargeAndDowngrade(payments: PaymentClient, account: Account): Promise<void> {
  await payments.capture(String(account.id));
  await account.reload();
  account.downgrade();
  await account.save();
}
export async function downgrade(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  await chargeAndDowngrade(payments, account);
}`,
    },
  ],
  invalid: [
    {
      name: 'the saver awaits the LLM, then sets a field and saves: the re-load goes inside it, after that await',
      code: `${imports}${summarise(false)}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 8),
            method: 'summarise() (summarise → save())',
            window: 'after `await summarise(…)`',
            awaitLine: String(L + 9),
            reason: LLM,
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: SAVER_ADVICE(L + 5),
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 43,
          suggestions: [
            {
              messageId: 'rewriteToReloadInSaver',
              data: { saver: 'summarise()', name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 3), reload: RELOAD },
              output: `${imports}${summarise(true)}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the saver logs a spread copy of the object before its slow call: a logger only reads it, and the re-load is still offered',
      code: `${imports}${summarise(false).replace('  const text', "  console.info('summarising', { conversation: { ...conversation, lastMessageSnippet: undefined } });\n  const text")}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 9),
            method: 'summarise() (summarise → save())',
            window: 'after `await summarise(…)`',
            awaitLine: String(L + 10),
            reason: LLM,
            atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt',
            advice: SAVER_ADVICE(L + 6),
          },
          line: L + 10,
          column: 9,
          endLine: L + 10,
          endColumn: 43,
          suggestions: [
            {
              messageId: 'rewriteToReloadInSaver',
              data: { saver: 'summarise()', name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: RELOAD },
              output: `${imports}${summarise(true).replace('  const text', "  console.info('summarising', { conversation: { ...conversation, lastMessageSnippet: undefined } });\n  const text")}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the saver re-loads the row, then makes the slow call before saving: still stale, still reported',
      code: `${imports}
async function summarise(repo: Repository<Conversation>, llm: LlmClient, conversation: Conversation): Promise<void> {
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  const text = await llm.complete(conversation.id);
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [reportedAtCall({ load: 9, call: 10, endColumn: 43, atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt', saverLine: 6 })],
    },
    {
      name: 'an exported saver may have other callers (one passing a new object would read another row): no suggestion',
      code: `${imports}${summarise(false).replace('async function summarise', 'export async function summarise')}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [reportedAtCall({ load: 8, call: 9, endColumn: 43, atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt', saverLine: 5 })],
    },
    {
      name: 'the saver declares its repository after the slow call: the re-load could not use it there, so no suggestion',
      code: `${imports}
async function summarise(dataSource: DataSource, llm: LlmClient, conversation: Conversation): Promise<void> {
  const text = await llm.complete(conversation.id);
  const repo = dataSource.getRepository(Conversation);
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}
export async function answer(dataSource: DataSource, llm: LlmClient, id: string) {
  const conversation = await dataSource.getRepository(Conversation).findOneByOrFail({ id });
  await summarise(dataSource, llm, conversation);
}`,
      output: null,
      errors: [reportedAtCall({ load: 9, call: 10, endColumn: 49, atRisk: 'status, lastMessageId, assigneeId, priority, version, updatedAt', saverLine: 6 })],
    },
    {
      name: 'the caller set a field before the call: the re-load would drop it, so no suggestion',
      code: `${imports}${summarise(false)}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority = 2;
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [reportedAtCall({ load: 8, call: 10, endColumn: 43, atRisk: 'status, lastMessageId, assigneeId, version, updatedAt', advice: 'Update only priority, lastMessageSnippet with update(). The save() to change is at line ' + String(L + 5) + '.' })],
    },
    {
      name: 'the load joined a relation: a re-load by the key would leave the stale one to be saved, so no suggestion',
      code: `${imports}${summarise(false)}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneOrFail({ where: { id }, relations: { assignee: true } });
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [reportedAtCall({ load: 8, call: 9, endColumn: 43, atRisk: 'status, lastMessageId, assignee, assigneeId, priority, version and 1 more', saverLine: 5, loader: 'findOneOrFail()' })],
    },
    {
      name: 'the saver changes the object before its slow call: the re-load after it would undo that, so no suggestion',
      code: `${imports}
async function summarise(repo: Repository<Conversation>, llm: LlmClient, conversation: Conversation): Promise<void> {
  conversation.priority = 0;
  conversation.lastMessageSnippet = await llm.complete(conversation.id);
  await repo.save(conversation);
}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await summarise(repo, llm, conversation);
}`,
      output: null,
      errors: [reportedAtCall({ load: 8, call: 9, endColumn: 43, atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt', saverLine: 5 })],
    },
  ],
});
