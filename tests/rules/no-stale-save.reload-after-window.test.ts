/**
 * The fallback suggestion of no-stale-save (issue 15): when no narrower write is known — the
 * entity is handed to a helper, a method is called on it, a nested value changes in place — and
 * every change comes after the slow call, the row is re-loaded by its primary key right after the
 * statement holding the last slow await. Each case states where the re-load goes and what it reads;
 * each refusal, the reason a re-load there would not mean what the suggestion says.
 */
import path from 'node:path';

import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester, fixturesDir } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Repository } from 'typeorm';
import { Account, Conversation, ConversationStatus, Ticket } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { PaymentClient } from './shared/payments.js';
import { ConversationStore } from './shared/services.js';
import { describeConversation, resetPriority } from './shared/conversation-views.js';
import { App, Profile } from './no-stale-save/reload-after-window.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** A file in the project compiled with `strictNullChecks: false`, and its imports (as many lines). */
const LOOSE_FILE = path.join(fixturesDir, 'loose', 'file.ts');
const looseImports = `
import { Repository } from 'typeorm';
import { Conversation } from '../shared/entities.js';
import { LlmClient } from '../shared/llm-client.js';
import { resetPriority } from '../shared/conversation-views.js';



`;

const LLM = 'a network call via LlmClient.complete → openai.chat.completions.create';
const CONVERSATION_AT_RISK = 'status, lastMessageId, lastMessageSnippet, assigneeId, priority, version and 1 more';
const CONVERSATION_AT_RISK_BUT_SNIPPET = 'status, lastMessageId, assigneeId, priority, version, updatedAt';
const RELOAD_OR_UPDATE = 'Re-load it after the await, or write only the fields this code changes with update().';

/**
 * Three statements shaped like the checked re-load that are not one: the test compares another
 * column than the key, or the row comes from a call that is no loader that only reads (a network
 * call). The report stays, with the real re-load suggested right after the slow call.
 */
function notARecall() {
  const shapes = [
    { name: 'the check compares status, not the primary key', call: 'store.getOrThrow(id)', test: '!(copy?.status === conversation.status)' },
    { name: 'the copied object is a copy of the stale one, not a row a loader read again', call: 'Promise.resolve({ ...conversation })', test: '!(copy?.id === conversation.id)' },
  ];
  return shapes.map((shape) => {
    const lines = (recalled: boolean): string =>
      [
        '',
        'export async function answer(store: ConversationStore, repo: Repository<Conversation>, llm: LlmClient, id: string) {',
        '  const conversation = await store.getOrThrow(id);',
        '  await llm.complete(conversation.id);',
        ...(recalled
          ? [
              '  const reloadedConversation = await store.getOrThrow(id);',
              "  if (!(reloadedConversation?.id === conversation.id)) throw new Error('Conversation was deleted or replaced by another writer during the wait');",
              '  Object.assign(conversation, reloadedConversation);',
            ]
          : []),
        `  const copy = await ${shape.call};`,
        `  if (${shape.test}) throw new Error('gone');`,
        '  Object.assign(conversation, copy);',
        '  resetPriority(conversation);',
        '  await repo.save(conversation);',
        '}',
      ].join('\n');
    return {
      name: `not a re-load: ${shape.name}`,
      code: `${imports}${lines(false)}`,
      output: null,
      errors: [recalledConversation(L + 9, `${imports}${lines(true)}`)],
    };
  });
}

/**
 * The report on `repo.save(conversation)` at `line` of a conversation `store.getOrThrow(id)`
 * loaded before `llm.complete(…)`, with the loader called again after that call as the suggestion
 * (`output`).
 */
function recalledConversation(line: number, output: string) {
  return {
    messageId: 'staleSave' as const,
    data: {
      name: 'conversation',
      loader: 'ConversationStore.getOrThrow() → findOne()',
      loadLine: String(L + 3),
      method: 'save()',
      window: 'after `await llm.complete(…)`',
      awaitLine: String(L + 4),
      reason: LLM,
      atRisk: CONVERSATION_AT_RISK,
      advice: RELOAD_OR_UPDATE,
    },
    line,
    column: 9,
    endLine: line,
    endColumn: 32,
    suggestions: [
      {
        messageId: 'rewriteToLoaderRecallAfterWindow' as const,
        data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), loader: 'store.getOrThrow()' },
        output,
      },
    ],
  };
}

/** A project loader's entity saved by a repository; `recalled` puts the suggested re-load after the slow call. */
const RECALLED_BODY = (recalled: boolean): string =>
  [
    '',
    'export async function answer(store: ConversationStore, repo: Repository<Conversation>, llm: LlmClient, id: string) {',
    '  const conversation = await store.getOrThrow(id);',
    '  await llm.complete(conversation.id);',
    ...(recalled
      ? [
          '  const reloadedConversation = await store.getOrThrow(id);',
          "  if (!(reloadedConversation?.id === conversation.id)) throw new Error('Conversation was deleted or replaced by another writer during the wait');",
          '  Object.assign(conversation, reloadedConversation);',
        ]
      : []),
    '  resetPriority(conversation);',
    '  await repo.save(conversation);',
    '}',
  ].join('\n');

ruleTester.run('no-stale-save (re-load after the window)', rule, {
  valid: [
    {
      name: 'the suggested text of a project loader called again: the checked copy is a re-load, nothing left to report',
      code: `${imports}${RECALLED_BODY(true)}`,
    },
    {
      name: 'the checked copy written with !== and the throw in a block (as curly would leave it): still a re-load',
      code: `${imports}
export async function answer(store: ConversationStore, repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await store.getOrThrow(id);
  await llm.complete(conversation.id);
  const reloadedConversation = await store.getOrThrow(id);
  if (reloadedConversation?.id !== conversation.id) {
    throw new Error('gone');
  }
  Object.assign(conversation, reloadedConversation);
  resetPriority(conversation);
  await repo.save(conversation);
}`,
    },
    {
      name: 'the suggested text of a helper case: re-loaded after the slow call, nothing left to report',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete(describeConversation(conversation));
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  conversation.lastMessageSnippet = text;
  resetPriority(conversation);
  await repo.save(conversation);
}`,
    },
    {
      name: 'the suggested text when relations are repeated: the Object.assign() of findOneOrFail() is a re-load, nothing left to report',
      code: `${imports}
export async function assign(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id }, relations: { assignee: true } });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  Object.assign(conversation, await repo.findOneOrFail({ where: { id: conversation.id }, relations: { assignee: true } }));
  resetPriority(conversation);
  await repo.save(conversation);
}`,
    },
  ],
  invalid: [
    {
      name: 'handed to a helper that changes it, after the call (a read-only hand-off before it is no change): re-loaded right after the call',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete(describeConversation(conversation));
  conversation.lastMessageSnippet = text;
  resetPriority(conversation);
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
            reason: LLM,
            atRisk: CONVERSATION_AT_RISK_BUT_SNIPPET,
            advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
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
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const text = await llm.complete(describeConversation(conversation));
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  conversation.lastMessageSnippet = text;
  resetPriority(conversation);
  await repo.save(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a method that changes the entity (ticket.touch()), after a null test: the re-load goes after the comment that ends the line',
      code: `${imports}
export async function summarise(repo: Repository<Ticket>, llm: LlmClient, id: number) {
  const ticket = await repo.findOneBy({ id });
  if (!ticket) return;
  const summary = await llm.complete(ticket.title); // the slow call
  ticket.summary = summary;
  ticket.touch();
  await repo.save(ticket);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'ticket',
            loader: 'findOneBy()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: LLM,
            atRisk: 'updatedAt, title, state',
            advice: 'Write only the fields this code changes (summary, …) with update(), or re-load it after the await.',
          },
          line: L + 8,
          column: 9,
          endLine: L + 8,
          endColumn: 26,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'ticket', awaited: 'llm.complete(…)', awaitLine: String(L + 5), reload: 'Object.assign(ticket, await repo.findOneByOrFail({ id: ticket.id }))' },
              output: `${imports}
export async function summarise(repo: Repository<Ticket>, llm: LlmClient, id: number) {
  const ticket = await repo.findOneBy({ id });
  if (!ticket) return;
  const summary = await llm.complete(ticket.title); // the slow call
  Object.assign(ticket, await repo.findOneByOrFail({ id: ticket.id }));
  ticket.summary = summary;
  ticket.touch();
  await repo.save(ticket);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a nested value changed in place (profile.settings.theme = …): the JSON column is re-read before it is changed',
      code: `${imports}
export async function retheme(profiles: Repository<Profile>, llm: LlmClient, id: number) {
  const profile = await profiles.findOneByOrFail({ id });
  const theme = await llm.complete(profile.name);
  profile.settings.theme = theme;
  await profiles.save(profile);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'profile',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: LLM,
            atRisk: 'name, settings',
            advice: RELOAD_OR_UPDATE,
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 31,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'profile', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(profile, await profiles.findOneByOrFail({ id: profile.id }))' },
              output: `${imports}
export async function retheme(profiles: Repository<Profile>, llm: LlmClient, id: number) {
  const profile = await profiles.findOneByOrFail({ id });
  const theme = await llm.complete(profile.name);
  Object.assign(profile, await profiles.findOneByOrFail({ id: profile.id }));
  profile.settings.theme = theme;
  await profiles.save(profile);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the slow call inside a try inside an if: the re-load goes after the whole if, in the block that holds the save',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  let text = '';
  if (conversation.status === ConversationStatus.OPEN) {
    try {
      text = await llm.complete(conversation.id);
    } catch {
      text = 'later';
    }
  }
  conversation.lastMessageSnippet = text;
  resetPriority(conversation);
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
            awaitLine: String(L + 7),
            reason: LLM,
            atRisk: CONVERSATION_AT_RISK_BUT_SNIPPET,
            advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
          },
          line: L + 14,
          column: 9,
          endLine: L + 14,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 7), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  let text = '';
  if (conversation.status === ConversationStatus.OPEN) {
    try {
      text = await llm.complete(conversation.id);
    } catch {
      text = 'later';
    }
  }
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  conversation.lastMessageSnippet = text;
  resetPriority(conversation);
  await repo.save(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'each element of a bulk load, in the loop: re-loaded in the loop body after its own slow call',
      code: `${imports}
export async function answerAll(repo: Repository<Conversation>, llm: LlmClient) {
  for (const conversation of await repo.findBy({ status: ConversationStatus.OPEN })) {
    const text = await llm.complete(conversation.id);
    resetPriority(conversation);
    conversation.lastMessageSnippet = text;
    await repo.save(conversation);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findBy()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 4),
            reason: LLM,
            atRisk: CONVERSATION_AT_RISK_BUT_SNIPPET,
            advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
          },
          line: L + 7,
          column: 11,
          endLine: L + 7,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function answerAll(repo: Repository<Conversation>, llm: LlmClient) {
  for (const conversation of await repo.findBy({ status: ConversationStatus.OPEN })) {
    const text = await llm.complete(conversation.id);
    Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
    resetPriority(conversation);
    conversation.lastMessageSnippet = text;
    await repo.save(conversation);
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an Active Record entity re-loads itself: await account.reload()',
      code: `${imports}
export async function refund(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture(String(account.id));
  account.downgrade();
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
            atRisk: 'email, plan, avatarUrl',
            advice: RELOAD_OR_UPDATE,
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'account', awaited: 'payments.capture(…)', awaitLine: String(L + 4), reload: 'await account.reload()' },
              output: `${imports}
export async function refund(payments: PaymentClient, id: number) {
  const account = await Account.findOneByOrFail({ id });
  await payments.capture(String(account.id));
  await account.reload();
  account.downgrade();
  await account.save();
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'loaded with a relation written out in full: the re-load joins it again (findOneOrFail({ where, relations }))',
      code: `${imports}
export async function assign(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id }, relations: { assignee: true } });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  resetPriority(conversation);
  await repo.save(conversation);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOne()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await llm.complete(…)`',
            awaitLine: String(L + 5),
            reason: LLM,
            atRisk: 'status, lastMessageId, lastMessageSnippet, assignee, assigneeId, priority and 2 more',
            advice: RELOAD_OR_UPDATE,
          },
          line: L + 7,
          column: 9,
          endLine: L + 7,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: {
                name: 'conversation',
                awaited: 'llm.complete(…)',
                awaitLine: String(L + 5),
                reload: 'Object.assign(conversation, await repo.findOneOrFail({ where: { id: conversation.id }, relations: { assignee: true } }))',
              },
              output: `${imports}
export async function assign(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOne({ where: { id }, relations: { assignee: true } });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  Object.assign(conversation, await repo.findOneOrFail({ where: { id: conversation.id }, relations: { assignee: true } }));
  resetPriority(conversation);
  await repo.save(conversation);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a callback that only reads the entity, and the save result put back into the variable: still re-loaded after the call',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  const label = () => conversation.id;
  const text = await llm.complete(label());
  resetPriority(conversation);
  conversation.lastMessageSnippet = text;
  conversation = await repo.save(conversation);
  return conversation;
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
            awaitLine: String(L + 5),
            reason: LLM,
            atRisk: CONVERSATION_AT_RISK_BUT_SNIPPET,
            advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
          },
          line: L + 8,
          column: 24,
          endLine: L + 8,
          endColumn: 47,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 5), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation = await repo.findOneByOrFail({ id });
  const label = () => conversation.id;
  const text = await llm.complete(label());
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  resetPriority(conversation);
  conversation.lastMessageSnippet = text;
  conversation = await repo.save(conversation);
  return conversation;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a relation saved through its owner (app.bot.save()) after a method changed it: the owner is re-loaded with the relation joined again',
      code: `${imports}
export async function describeBot(payments: PaymentClient, id: number, bio: string) {
  const app = await App.findOneOrFail({ where: { id }, relations: { bot: true } });
  await payments.capture(String(app.id));
  app.bot.describe(bio);
  await app.bot.save();
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'app.bot',
            loader: 'findOneOrFail()',
            loadLine: String(L + 3),
            method: 'save()',
            window: 'after `await payments.capture(…)`',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
            atRisk: 'bio',
            advice: RELOAD_OR_UPDATE,
          },
          line: L + 6,
          column: 9,
          endLine: L + 6,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'app', awaited: 'payments.capture(…)', awaitLine: String(L + 4), reload: 'Object.assign(app, await App.findOneOrFail({ where: { id: app.id }, relations: { bot: true } }))' },
              output: `${imports}
export async function describeBot(payments: PaymentClient, id: number, bio: string) {
  const app = await App.findOneOrFail({ where: { id }, relations: { bot: true } });
  await payments.capture(String(app.id));
  Object.assign(app, await App.findOneOrFail({ where: { id: app.id }, relations: { bot: true } }));
  app.bot.describe(bio);
  await app.bot.save();
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the save awaited together with another slow call (Promise.all): that call cannot reach the save, the re-load still goes after the earlier one',
      code: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(conversation.id);
  resetPriority(conversation);
  await Promise.all([repo.save(conversation), payments.capture(id)]);
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
            reason: LLM,
            atRisk: CONVERSATION_AT_RISK,
            advice: RELOAD_OR_UPDATE,
          },
          line: L + 6,
          column: 22,
          endLine: L + 6,
          endColumn: 45,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(L + 4), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
              output: `${imports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(conversation.id);
  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));
  resetPriority(conversation);
  await Promise.all([repo.save(conversation), payments.capture(id)]);
}`,
            },
          ],
        },
      ],
    },
    looseCase('strictNullChecks off: a load that may give null, left on null before the call, is re-loaded after it', [
      "  if (conversation == null) throw new Error('gone');",
      '  await llm.complete(id);',
    ], true),
    looseCase('strictNullChecks off: a load read unconditionally before the call (a null would have thrown there) is re-loaded after it', [
      '  if (!conversation.assigneeId && conversation.priority > 0) {',
      '    await llm.complete(id);',
      '  }',
    ], true),
    ...["id !== '' && conversation.priority > 0", 'conversation?.priority > 0'].map((test) =>
      looseCase(`no re-load: strictNullChecks off, the load is read only where it may not be (\`${test}\`)`, [
        `  if (${test}) {`,
        '    await llm.complete(id);',
        '  }',
      ], false),
    ),
    looseCase('no re-load: strictNullChecks off, a load that may give null is never tested (the re-load would throw a TypeError where the code went on)', [
      '  await llm.complete(id);',
    ], false),
    ...refusals(),
    {
      name: 'loaded by a project function that only reads, saved by a repository: the function is called again after the wait, and its row copied in once shown to be the same row',
      code: `${imports}${RECALLED_BODY(false)}`,
      output: null,
      errors: [recalledConversation(L + 6, `${imports}${RECALLED_BODY(true)}`)],
    },
    ...notARecall(),
    {
      name: 'the loader\'s row copied in without the same-row check: not a re-load (it could be another row, or none), still reported',
      code: `${imports}
export async function answer(store: ConversationStore, repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await store.getOrThrow(id);
  await llm.complete(conversation.id);
  const reloadedConversation = await store.getOrThrow(id);
  if (reloadedConversation.status === conversation.status) Object.assign(conversation, reloadedConversation);
  resetPriority(conversation);
  await repo.save(conversation);
}`,
      output: null,
      // Still reported; the checked re-load, right after the slow call, is still offered.
      errors: [recalledConversation(L + 8, `${imports}
export async function answer(store: ConversationStore, repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await store.getOrThrow(id);
  await llm.complete(conversation.id);
  const reloadedConversation2 = await store.getOrThrow(id);
  if (!(reloadedConversation2?.id === conversation.id)) throw new Error('Conversation was deleted or replaced by another writer during the wait');
  Object.assign(conversation, reloadedConversation2);
  const reloadedConversation = await store.getOrThrow(id);
  if (reloadedConversation.status === conversation.status) Object.assign(conversation, reloadedConversation);
  resetPriority(conversation);
  await repo.save(conversation);
}`)],
    },
  ],
});

/**
 * A case in the project compiled with `strictNullChecks: false`: `conversation` loaded by
 * `findOneBy()` (which may give null), then `lines` (holding `await llm.complete(id)`), then a
 * change and the save. `reloaded`: the suggestion re-loads it right before the change.
 */
function looseCase(name: string, lines: readonly string[], reloaded: boolean) {
  const source = (reload: boolean) => `${looseImports}
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneBy({ id });
${[...lines, ...(reload ? ['  Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }));'] : [])].join('\n')}
  resetPriority(conversation);
  await repo.save(conversation);
}`;
  const awaitLine = L + 4 + lines.findIndex((line) => line.includes('await llm.complete(id)'));
  const saveLine = L + 4 + lines.length + 1;
  return {
    name,
    filename: LOOSE_FILE,
    code: source(false),
    output: null,
    errors: [
      {
        messageId: 'staleSave' as const,
        data: {
          name: 'conversation',
          loader: 'findOneBy()',
          loadLine: String(L + 3),
          method: 'save()',
          window: 'after `await llm.complete(…)`',
          awaitLine: String(awaitLine),
          reason: LLM,
          atRisk: CONVERSATION_AT_RISK,
          advice: RELOAD_OR_UPDATE,
        },
        line: saveLine,
        column: 9,
        endLine: saveLine,
        endColumn: 32,
        suggestions: reloaded
          ? [
              {
                messageId: 'rewriteToReloadAfterWindow' as const,
                data: { name: 'conversation', awaited: 'llm.complete(…)', awaitLine: String(awaitLine), reload: 'Object.assign(conversation, await repo.findOneByOrFail({ id: conversation.id }))' },
                output: source(true),
              },
            ]
          : [],
      },
    ],
  };
}

/**
 * Stale saves the fallback leaves without a suggestion: each is reported as before, with no
 * rewrite, because a re-load where it would go would not mean what the suggestion says.
 */
function refusals() {
  const cases: { name: string; body: string; loader: string; loadLine: number; awaitLine: number; line: number; column: number; atRisk?: string; advice?: string }[] = [
    {
      name: 'relations named by a variable: the re-load could not repeat them, and the stale related object would be saved',
      body: `
export async function assign(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const withAssignee = { assignee: true };
  const conversation = await repo.findOne({ where: { id }, relations: withAssignee });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  resetPriority(conversation);
  await repo.save(conversation);
}`,
      loader: 'findOne()',
      loadLine: 4,
      awaitLine: 6,
      line: 8,
      column: 9,
    },
    {
      name: 'changed before the slow call: a re-load after it would undo the change',
      body: `
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  resetPriority(conversation);
  await llm.complete(conversation.id);
  await repo.save(conversation);
}`,
      loader: 'findOneByOrFail()',
      loadLine: 3,
      awaitLine: 5,
      line: 6,
      column: 9,
    },
    {
      name: 'a slow call after the save, in a loop around it: it reaches the next save without passing the re-load',
      body: `
export async function answerEach(repo: Repository<Conversation>, llm: LlmClient, id: string, prompts: string[]) {
  const conversation = await repo.findOneByOrFail({ id });
  await llm.complete(conversation.id);
  for (const prompt of prompts) {
    resetPriority(conversation);
    await repo.save(conversation);
    await llm.complete(prompt);
  }
}`,
      loader: 'findOneByOrFail()',
      loadLine: 3,
      awaitLine: 4,
      line: 7,
      column: 11,
    },
    {
      name: 'not one identifier bound by the load (destructured from a list): skipped',
      body: `
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const [conversation] = await repo.findBy({ id });
  if (conversation == null) return;
  await llm.complete(conversation.id);
  resetPriority(conversation);
  await repo.save(conversation);
}`,
      loader: 'findBy()',
      loadLine: 3,
      awaitLine: 5,
      line: 7,
      column: 9,
    },
    {
      name: 'possibly null right after the slow call (the null test comes later): the inserted line would not type-check',
      body: `
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneBy({ id });
  await llm.complete(id);
  if (!conversation) return;
  resetPriority(conversation);
  await repo.save(conversation);
}`,
      loader: 'findOneBy()',
      loadLine: 3,
      awaitLine: 4,
      line: 7,
      column: 9,
    },
    {
      name: 'inside a try whose catch reads the entity: the catch would see it re-loaded or not',
      body: `
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  try {
    await llm.complete(id);
    resetPriority(conversation);
    await repo.save(conversation);
  } catch {
    console.log(conversation.priority);
  }
}`,
      loader: 'findOneByOrFail()',
      loadLine: 3,
      awaitLine: 5,
      line: 7,
      column: 11,
    },
    {
      name: 'the load\'s receiver is declared in a block the re-load would be outside of',
      body: `
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  let conversation: Conversation;
  {
    const scoped = repo;
    conversation = await scoped.findOneByOrFail({ id });
  }
  await llm.complete(id);
  resetPriority(conversation);
  await repo.save(conversation);
}`,
      loader: 'findOneByOrFail()',
      loadLine: 6,
      awaitLine: 8,
      line: 10,
      column: 9,
    },
    {
      name: 'a callback that sets a field: it may run before the re-load (which would undo it) or after',
      body: `
export async function answer(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const keep = () => {
    conversation.priority = 2;
  };
  const text = await llm.complete(id);
  keep();
  conversation.lastMessageSnippet = text;
  await repo.save(conversation);
}`,
      loader: 'findOneByOrFail()',
      loadLine: 3,
      awaitLine: 7,
      line: 10,
      column: 9,
      atRisk: CONVERSATION_AT_RISK_BUT_SNIPPET,
      advice: 'Write only the fields this code changes (lastMessageSnippet, …) with update(), or re-load it after the await.',
    },
    {
      name: 'a field copied before the slow call and written back after it: the re-load cannot refresh the copy',
      body: `
export async function bump(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  const priority = conversation.priority;
  await llm.complete(id);
  resetPriority(conversation);
  conversation.priority = priority + 1;
  await repo.save(conversation);
}`,
      loader: 'findOneByOrFail()',
      loadLine: 3,
      awaitLine: 5,
      line: 8,
      column: 9,
      atRisk: 'status, lastMessageId, lastMessageSnippet, assigneeId, version, updatedAt',
      advice: 'Write only the fields this code changes (priority, …) with update(), or re-load it after the await.',
    },
  ];
  return cases.map((refusal) => ({
    name: `no re-load: ${refusal.name}`,
    code: `${imports}${refusal.body}`,
    output: null,
    errors: [
      {
        messageId: 'staleSave' as const,
        data: {
          name: 'conversation',
          loader: refusal.loader,
          loadLine: String(L + refusal.loadLine),
          method: 'save()',
          window: 'after `await llm.complete(…)`',
          awaitLine: String(L + refusal.awaitLine),
          reason: LLM,
          atRisk: refusal.atRisk ?? CONVERSATION_AT_RISK,
          advice: refusal.advice ?? RELOAD_OR_UPDATE,
        },
        line: L + refusal.line,
        column: refusal.column,
        endLine: L + refusal.line,
        endColumn: refusal.column + 23,
        suggestions: [],
      },
    ],
  }));
}
