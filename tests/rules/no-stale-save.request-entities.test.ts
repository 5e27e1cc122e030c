/**
 * no-stale-save and the rows a request handler receives through a parameter decorator the project
 * builds with `createParamDecorator` (issue 14, recall): `@CurrentUser() user: User` was read when
 * the request began (by the decorator, or the guard it reads from), so it is a load where the handler
 * receives it. A package's decorators (`@Body()`, `@Param()`), and the project's wrappers of them,
 * hand over request data, and a plain parameter's row was loaded by the caller, whose flow is checked
 * there.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Body } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Assistant } from './shared/assistant.js';
import { Customer } from './no-stale-save/related-entities.js';
import { CurrentCustomer, CustomerBody, CustomerInput } from './no-stale-save/request-entities.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

const controller = (method: string) => `${imports}
export class Controller {
  constructor(private readonly customers: Repository<Customer>, private readonly assistant: Assistant) {}
${method}
}`;

ruleTester.run('no-stale-save (rows a handler receives through a decorator of the project)', rule, {
  valid: [
    {
      name: "a package's decorator hands over request data, not a row read",
      code: controller(`  async rename(@Body() customer: Customer): Promise<void> {
    customer.name = await this.assistant.reply('Suggest a name');
    await this.customers.save(customer);
  }`),
    },
    {
      name: "a decorator of the project that wraps the framework's @Body() (not built by createParamDecorator): posted data",
      code: controller(`  async register(@CustomerBody() customer: Customer): Promise<void> {
    customer.name = await this.assistant.reply('Suggest a name');
    await this.customers.save(customer);
  }`),
    },
    {
      name: "a plain parameter: the caller's load is checked in the caller",
      code: controller(`  async rename(customer: Customer): Promise<void> {
    customer.name = await this.assistant.reply('Suggest a name');
    await this.customers.save(customer);
  }`),
    },
    {
      name: 'a parameter of the decorator typed by a class that is no entity',
      code: controller(`  async rename(@CurrentCustomer() input: CustomerInput): Promise<void> {
    const name = await this.assistant.reply(input.name);
    await this.customers.save({ id: input.id, name });
  }`),
    },
    {
      name: 'the received row is saved before the slow call',
      code: controller(`  async promote(@CurrentCustomer() customer: Customer): Promise<void> {
    customer.tier = 'gold';
    await this.customers.save(customer);
    await this.assistant.reply('Promoted');
  }`),
    },
  ],
  invalid: [
    {
      name: "the row the project's decorator hands over, read when the request began, is saved after the LLM call",
      code: controller(`  async rename(@CurrentCustomer() customer: Customer): Promise<void> {
    customer.name = await this.assistant.reply('Suggest a name');
    await this.customers.save(customer);
  }`),
      // What the decorator's factory returns may not be a whole row (an auth strategy may return
      // the token's claims, without the key): no rewrite keyed on the primary key.
      output: null,
      errors: [
        {
          messageId: 'staleSaveOfEventPayload',
          data: {
            name: 'customer',
            event: '@CurrentCustomer()',
            loadLine: String(L + 4),
            method: 'save()',
            window: 'after `await this.assistant.reply(…)`',
            awaitLine: String(L + 5),
            reason: 'a network call via Assistant.reply → LlmClient.complete → openai.chat.completions.create',
            atRisk: 'tier, loyaltyPoints',
            advice: 'Update only name with update().',
          },
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 40,
        },
      ],
    },
  ],
});
