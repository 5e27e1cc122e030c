/**
 * no-stale-save and a relation handed to the project's saver through its owner (issue 14, related
 * entities): `promote(order)` whose body saves `order.customer` writes the customer loaded with the
 * order, as old as the order. The relation must have come with the owner — joined by the read, or
 * by every read a project loader returns — and the window may be in the caller or inside the saver.
 */
import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Repository } from 'typeorm';
import { Assistant } from './shared/assistant.js';
import { Customer, SalesOrder } from './no-stale-save/related-entities.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** Saves the order's customer: a saver of the relation. */
const promote = `
async function promote(customers: Repository<Customer>, order: SalesOrder): Promise<void> {
  order.customer.tier = 'gold';
  await customers.save(order.customer);
}`;

/** Asks the assistant, then renames and saves the customer: the window is inside. */
const renameAfterCheck = `
async function renameAfterCheck(customers: Repository<Customer>, assistant: Assistant, order: SalesOrder): Promise<void> {
  order.customer.name = await assistant.reply('Rename');
  await customers.save(order.customer);
}`;

const LLM_CHAIN = 'Assistant.reply → LlmClient.complete → openai.chat.completions.create';
const SAVER_ADVICE = (line: number) => `Make that function write only the fields it changes with update() (its save() is at line ${String(line)}), or re-load the entity after the await.`;

ruleTester.run('no-stale-save (a relation saved by a saver of its owner)', rule, {
  valid: [
    {
      name: 'the relation was not joined: the saver saves nothing the order brought',
      code: `${imports}${promote}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneByOrFail({ id });
  await assistant.reply('Promote?');
  await promote(customers, order);
}`,
    },
    {
      name: 'the saver saves the relation before the slow call',
      code: `${imports}${promote}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await promote(customers, order);
  await assistant.reply('Promoted');
}`,
    },
    {
      name: 'only one read of the loader joins the relation: it is not known to come with the order',
      code: `${imports}${renameAfterCheck}
async function findOrder(orders: Repository<SalesOrder>, id: string, withCustomer: boolean): Promise<SalesOrder | null> {
  if (withCustomer) return orders.findOne({ where: { id }, relations: { customer: true } });
  return orders.findOneBy({ id });
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await findOrder(orders, id, true);
  if (order == null) return;
  await renameAfterCheck(customers, assistant, order);
}`,
    },
    {
      name: 'the saver writes a relation of its second parameter, not of the order it is given',
      code: `${imports}
async function promoteOther(customers: Repository<Customer>, order: SalesOrder, other: SalesOrder): Promise<void> {
  await customers.save(other.customer);
  order.note = 'promoted';
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string, other: SalesOrder) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await assistant.reply('Promote?');
  await promoteOther(customers, order, other);
}`,
    },
    {
      name: 'the saver re-reads the relation before it saves it: nothing of the caller\'s copy is written',
      code: `${imports}
async function refreshAndPromote(customers: Repository<Customer>, order: SalesOrder): Promise<void> {
  order.customer = await customers.findOneByOrFail({ id: order.customer.id });
  order.customer.tier = 'gold';
  await customers.save(order.customer);
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await assistant.reply('Promote?');
  await refreshAndPromote(customers, order);
}`,
    },
    {
      name: 'a loader whose ternary joins the relation on one side only: not known to come with the order',
      code: `${imports}${renameAfterCheck}
async function findOrder(orders: Repository<SalesOrder>, id: string, withCustomer: boolean): Promise<SalesOrder | null> {
  return withCustomer ? orders.findOne({ where: { id }, relations: { customer: true } }) : orders.findOneBy({ id });
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await findOrder(orders, id, true);
  if (order == null) return;
  await renameAfterCheck(customers, assistant, order);
}`,
    },
  ],
  invalid: [
    {
      name: 'a saver that re-loads the order by its key before it saves the relation: the re-load leaves the customer as the caller loaded it',
      code: `${imports}
async function reloadAndPromote(orders: Repository<SalesOrder>, customers: Repository<Customer>, order: SalesOrder): Promise<void> {
  Object.assign(order, await orders.findOneByOrFail({ id: order.id }));
  order.customer.tier = 'gold';
  await customers.save(order.customer);
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await assistant.reply('Promote?');
  await reloadAndPromote(orders, customers, order);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'order.customer',
            loader: 'findOneOrFail()',
            loadLine: String(L + 8),
            method: 'reloadAndPromote() (reloadAndPromote → save())',
            window: 'after `await assistant.reply(…)`',
            awaitLine: String(L + 9),
            reason: `a network call via ${LLM_CHAIN}`,
            atRisk: 'name, loyaltyPoints',
            advice: SAVER_ADVICE(L + 5),
          },
          line: L + 10,
          column: 9,
          endLine: L + 10,
          endColumn: 51,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: { name: 'order', awaited: 'assistant.reply(…)', awaitLine: String(L + 9), reload: 'Object.assign(order, await orders.findOneOrFail({ where: { id: order.id }, relations: { customer: true } }))' },
              output: `${imports}
async function reloadAndPromote(orders: Repository<SalesOrder>, customers: Repository<Customer>, order: SalesOrder): Promise<void> {
  Object.assign(order, await orders.findOneByOrFail({ id: order.id }));
  order.customer.tier = 'gold';
  await customers.save(order.customer);
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await assistant.reply('Promote?');
  Object.assign(order, await orders.findOneOrFail({ where: { id: order.id }, relations: { customer: true } }));
  await reloadAndPromote(orders, customers, order);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a saver that saves the relation and then the order: the order\'s own stale save is what is reported',
      code: `${imports}
async function persistBoth(customers: Repository<Customer>, orders: Repository<SalesOrder>, order: SalesOrder): Promise<void> {
  await customers.save(order.customer);
  await orders.save(order);
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  order.note = await assistant.reply('Note?');
  await persistBoth(customers, orders, order);
  order.note = 'done';
  await orders.save(order);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'order',
            loader: 'findOneOrFail()',
            loadLine: String(L + 7),
            method: 'persistBoth() (persistBoth → save())',
            window: 'after `await assistant.reply(…)`',
            awaitLine: String(L + 8),
            reason: `a network call via ${LLM_CHAIN}`,
            atRisk: 'customer',
            advice: `Update only note with update(). The save() to change is at line ${String(L + 4)}.`,
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 46,
        },
      ],
    },
    {
      name: 'the order\'s own save, then a saver of its customer: the later relation write does not block the order\'s update()',
      code: `${imports}${renameAfterCheck}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  order.note = await assistant.reply('Note?');
  await orders.save(order);
  await renameAfterCheck(customers, assistant, order);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'order',
            loader: 'findOneOrFail()',
            loadLine: String(L + 7),
            method: 'save()',
            window: 'after `await assistant.reply(…)`',
            awaitLine: String(L + 8),
            reason: `a network call via ${LLM_CHAIN}`,
            atRisk: 'customer',
            advice: 'Update only note with update().',
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 27,
          suggestions: [
            {
              messageId: 'rewriteToUpdate',
              data: { fields: 'note', then: '' },
              output: `${imports}${renameAfterCheck}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  order.note = await assistant.reply('Note?');
  await orders.update({ id: order.id }, { note: order.note });
  await renameAfterCheck(customers, assistant, order);
}`,
            },
          ],
        },
        {
          messageId: 'staleSave',
          data: {
            name: 'order.customer',
            loader: 'findOneOrFail()',
            loadLine: String(L + 7),
            method: 'renameAfterCheck() (renameAfterCheck → save())',
            window: 'after `await renameAfterCheck(…)`',
            awaitLine: String(L + 10),
            reason: `a network call via renameAfterCheck → ${LLM_CHAIN}`,
            atRisk: 'tier, loyaltyPoints',
            advice: SAVER_ADVICE(L + 4),
          },
          line: L + 10,
          column: 9,
          endLine: L + 10,
          endColumn: 54,
        },
      ],
    },
    {
      name: 'the customer, joined by the read, reaches the relation saver after the LLM call: the re-load of the order with the relation is suggested',
      code: `${imports}${promote}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await assistant.reply('Promote?');
  await promote(customers, order);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'order.customer',
            loader: 'findOneOrFail()',
            loadLine: String(L + 7),
            method: 'promote() (promote → save())',
            window: 'after `await assistant.reply(…)`',
            awaitLine: String(L + 8),
            reason: `a network call via ${LLM_CHAIN}`,
            // The tier the saver sets is written by it, not reverted.
            atRisk: 'name, loyaltyPoints',
            advice: SAVER_ADVICE(L + 4),
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'rewriteToReloadAfterWindow',
              data: {
                name: 'order',
                awaited: 'assistant.reply(…)',
                awaitLine: String(L + 8),
                reload: 'Object.assign(order, await orders.findOneOrFail({ where: { id: order.id }, relations: { customer: true } }))',
              },
              output: `${imports}${promote}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await orders.findOneOrFail({ where: { id }, relations: { customer: true } });
  await assistant.reply('Promote?');
  Object.assign(order, await orders.findOneOrFail({ where: { id: order.id }, relations: { customer: true } }));
  await promote(customers, order);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'the saver waits itself, then saves the relation every read of the project loader joined',
      code: `${imports}${renameAfterCheck}
async function findOrder(orders: Repository<SalesOrder>, id: string): Promise<SalesOrder | null> {
  const order = await orders.findOne({ where: { id }, relations: { customer: true } });
  if (order != null) return order;
  const byNote = await orders.findOne({ where: { note: id }, relations: { customer: true } });
  return byNote;
}
export async function caller(orders: Repository<SalesOrder>, customers: Repository<Customer>, assistant: Assistant, id: string) {
  const order = await findOrder(orders, id);
  if (order == null) return;
  await renameAfterCheck(customers, assistant, order);
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSave',
          data: {
            name: 'order.customer',
            loader: 'findOrder() → findOne()',
            loadLine: String(L + 13),
            method: 'renameAfterCheck() (renameAfterCheck → save())',
            window: 'after `await renameAfterCheck(…)`',
            awaitLine: String(L + 15),
            reason: `a network call via renameAfterCheck → ${LLM_CHAIN}`,
            atRisk: 'tier, loyaltyPoints',
            advice: SAVER_ADVICE(L + 4),
          },
          line: L + 15,
          column: 9,
          endLine: L + 15,
          endColumn: 54,
        },
      ],
    },
  ],
});
