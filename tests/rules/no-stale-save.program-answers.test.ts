/**
 * no-stale-save where the program itself says what an await is (issue 14, "unknown that the
 * program can answer"): a promise a class keeps in a property of its own is classified by what
 * its assignments started, and a method of an `any` local that only ever holds what one package's
 * calls return is that package's.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { readFile } from 'node:fs/promises';
import { DataSource, Repository } from 'typeorm';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

const CONVERSATION_AT_RISK = 'status, lastMessageId, assigneeId, priority, version, updatedAt';

/** A service that keeps a promise of its settings, made once in its constructor by `made`. */
const settingsService = (modifier: string, made: string): string => `
export class Summaries {
  ${modifier}settings: Promise<string>;
  constructor(private readonly repo: Repository<Conversation>, private readonly llm: LlmClient) {
    this.settings = ${made};
  }
  async refresh(id: string) {
    const conversation = await this.repo.findOneByOrFail({ id });
    conversation.lastMessageSnippet = await this.settings;
    await this.repo.save(conversation);
  }
}`;

/** The autofix of the save. */
const FIXED = 'await this.repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });';

ruleTester.run('no-stale-save (what the program answers)', rule, {
  valid: [
    {
      name: 'a private promise of settings read from a local file: awaiting it again is no window',
      code: `${imports}${settingsService('private ', "readFile('settings.txt', 'utf8')")}`,
    },
    {
      name: 'a method of an `any` local that only ever holds a TypeORM query runner is a database call',
      code: `${imports}
export async function rename(dataSource: DataSource, repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  let runner: any = dataSource.createQueryRunner();
  await runner.connect();
  conversation.lastMessageSnippet = 'renamed';
  await repo.save(conversation);
}`,
    },
  ],
  invalid: [
    {
      name: 'a private promise handed in through the constructor was made by its caller: unclassified',
      code: `${imports}
export class Summaries {
  private settings: Promise<string>;
  constructor(private readonly repo: Repository<Conversation>, settings: Promise<string>) {
    this.settings = settings;
  }
  async refresh(id: string) {
    const conversation = await this.repo.findOneByOrFail({ id });
    conversation.lastMessageSnippet = await this.settings;
    await this.repo.save(conversation);
  }
}`,
      output: `${imports}
export class Summaries {
  private settings: Promise<string>;
  constructor(private readonly repo: Repository<Conversation>, settings: Promise<string>) {
    this.settings = settings;
  }
  async refresh(id: string) {
    const conversation = await this.repo.findOneByOrFail({ id });
    conversation.lastMessageSnippet = await this.settings;
    await this.repo.update({ id: conversation.id }, { lastMessageSnippet: conversation.lastMessageSnippet });
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 8),
            method: 'save()',
            window: 'after `await this.settings`',
            awaitLine: String(L + 9),
            reason: 'an unclassified call via settings that may be slow I/O',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 10,
          column: 11,
          endLine: L + 10,
          endColumn: 39,
        },
      ],
    },
    {
      name: 'an `any` local also given a value by destructuring: its package is not known, unclassified',
      code: `${imports}
export async function rename(dataSource: DataSource, llm: LlmClient, repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  let runner: any = dataSource.createQueryRunner();
  [runner] = [llm];
  await runner.complete('q');
  conversation.lastMessageSnippet = 'renamed';
  await repo.save(conversation);
}`,
      output: `${imports}
export async function rename(dataSource: DataSource, llm: LlmClient, repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  let runner: any = dataSource.createQueryRunner();
  [runner] = [llm];
  await runner.complete('q');
  conversation.lastMessageSnippet = 'renamed';
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
            window: 'after `await runner.complete(…)`',
            awaitLine: String(L + 6),
            reason: 'an unclassified call via runner.complete that may be slow I/O',
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
      name: 'a private promise the constructor gets from the LLM: the await is that network call',
      code: `${imports}${settingsService('private ', "llm.complete('settings')")}`,
      output: `${imports}${settingsService('private ', "llm.complete('settings')").replace('await this.repo.save(conversation);', FIXED)}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 8),
            method: 'save()',
            window: 'after `await this.settings`',
            awaitLine: String(L + 9),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 10,
          column: 11,
          endLine: L + 10,
          endColumn: 39,
        },
      ],
    },
    {
      name: 'a public promise property may be set anywhere: the await stays unclassified',
      code: `${imports}${settingsService('', "readFile('settings.txt', 'utf8')")}`,
      output: `${imports}${settingsService('', "readFile('settings.txt', 'utf8')").replace('await this.repo.save(conversation);', FIXED)}`,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'conversation',
            loader: 'findOneByOrFail()',
            loadLine: String(L + 8),
            method: 'save()',
            window: 'after `await this.settings`',
            awaitLine: String(L + 9),
            reason: 'an unclassified call via settings that may be slow I/O',
            atRisk: CONVERSATION_AT_RISK,
            advice: 'Update only lastMessageSnippet with update().',
          },
          line: L + 10,
          column: 11,
          endLine: L + 10,
          endColumn: 39,
        },
      ],
    },
  ],
});
