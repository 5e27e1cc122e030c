/**
 * The re-load after the wait (issue 15) for an Active Record entity the project's own loader
 * loaded (`const member = await findMemberById(id)`, no TypeORM read in the function that saves
 * it) and that saves itself (`member.save()`): `await member.reload()` right after the last slow
 * await. `reload()` reads the row again with `findOneByOrFail()` of the primary key, joining the
 * eager relations and nothing else, and copies what it read over the object; so it is offered only
 * when every object the loader returns comes from a read it repeats exactly. Each refusal names the
 * loader shape that a `reload()` would not repeat.
 */
import path from 'node:path';

import rule from '../../src/rules/no-stale-save.js';
import { createRuleTester, fixturesDir } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { Repository } from 'typeorm';
import { PaymentClient } from './shared/payments.js';
import {
  Member, findMemberById, findMemberByHandle, getMemberOrThrow, findPassById, findMemberWithCrew, findMemberHandle,
  findMemberWithCode, findMemberEvenDeleted, findMemberTrimmed, findOrStartMember, findPassByLabel, findMemberPrefs,
  findMembersOfCrew, findPublicMember, findHandleOnly, findMemberAndTouch, findMemberAfterCheck, findMemberCached,
  findMemberWithOptions, findMemberNarrowed,
} from './no-stale-save/loader-reload.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** A file in the project compiled with `strictNullChecks: false`, and its imports (as many lines). */
const LOOSE_FILE = path.join(fixturesDir, 'loose', 'file.ts');
const looseImports = `
import { Repository } from 'typeorm';
import { PaymentClient } from '../shared/payments.js';
import { Member, findMemberById } from '../no-stale-save/loader-reload.js';





`;

const PAYMENT = 'a network call via PaymentClient.capture → axios.post';
const RELOAD_OR_UPDATE = 'Re-load it after the await, or write only the fields this code changes with update().';

/** The report on `<name>.save()` at `line` (counted from the first line of the imports), and its suggestion if any. */
function staleSave(options: { name: string; loader: string; loadLine: number; awaitLine: number; line: number; atRisk?: string; advice?: string; output?: string }) {
  const { name, loader, loadLine, awaitLine, line, output } = options;
  return {
    messageId: 'staleSave' as const,
    data: {
      name,
      loader,
      loadLine: String(L + loadLine),
      method: 'save()',
      window: 'after `await payments.capture(…)`',
      awaitLine: String(L + awaitLine),
      reason: PAYMENT,
      atRisk: options.atRisk ?? 'handle, prefs',
      advice: options.advice ?? RELOAD_OR_UPDATE,
    },
    line: L + line,
    column: 9,
    endLine: L + line,
    endColumn: 9 + name.length + 7,
    suggestions:
      output == null
        ? []
        : [
            {
              messageId: 'rewriteToReloadAfterWindow' as const,
              data: { name, awaited: 'payments.capture(…)', awaitLine: String(L + awaitLine), reload: `await ${name}.reload()` },
              output,
            },
          ],
  };
}

/**
 * The linted function of a case: `<name>` loaded by `call`, optionally tested for null, the slow
 * call, then `change` and the save (`<name>.save()` unless `save` says otherwise). `reload` puts
 * the suggested line right after the slow call. Lines count as in `staleSave`: the load on 3, the
 * slow call on 4 (5 after a null test), the save 2 lines later (3 with the re-load).
 */
function caseBody(options: { name: string; call: string; test?: string; change: string; save?: string; reload?: boolean; recall?: boolean; captured?: string }): string {
  const { name } = options;
  return [
    '',
    'export async function change(members: Repository<Member>, payments: PaymentClient, id: number, handle: string) {',
    `  const ${name} = await ${options.call};`,
    ...(options.test == null ? [] : [`  ${options.test}`]),
    `  await payments.capture(${options.captured ?? `String(${name}.id)`});`,
    ...(options.reload === true ? [`  await ${name}.reload();`] : []),
    ...(options.recall === true ? recallLines(name, options.call) : []),
    `  ${options.change}`,
    `  await ${options.save ?? `${name}.save()`};`,
    '}',
  ].join('\n');
}

/** The loader called again after the slow call, its row copied in after a check that it is the same row. */
function recallLines(name: string, call: string): string[] {
  const reloaded = `reloaded${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return [
    `  const ${reloaded} = await ${call};`,
    `  if (!(${reloaded}?.id === ${name}.id)) throw new Error('Member was deleted or replaced by another writer during the wait');`,
    `  Object.assign(${name}, ${reloaded});`,
  ];
}

/** `member.handle` set after the slow call: the fields are known, an update() of them is the rewrite where the key is loaded. */
function renamed(call: string) {
  return { name: 'member', call, test: 'if (member == null) return;', change: 'member.handle = handle;' };
}
const UPDATE_ONLY_HANDLE = { name: 'member', loadLine: 3, awaitLine: 5, line: 7, atRisk: 'prefs', advice: 'Update only handle with update().' };

/** `member.handle` set on what `call` loaded, the key loaded: the autofix is an update() keyed on it. */
function updated(options: { name: string; call: string; loader: string }) {
  return {
    name: options.name,
    code: `${imports}${caseBody(renamed(options.call))}`,
    output: `${imports}${caseBody({ ...renamed(options.call), save: 'Member.update({ id: member.id }, { handle: member.handle })' })}`,
    errors: [
      {
        messageId: 'staleSave' as const,
        data: staleSave({ ...UPDATE_ONLY_HANDLE, loader: options.loader }).data,
        line: L + 7,
        column: 9,
        endLine: L + 7,
        endColumn: 22,
      },
    ],
  };
}

/** A case where the re-load is suggested: the code without it, the output with it. */
function offered(options: { name: string; loader: string; call: string; test?: string; change: string; entity?: string; atRisk?: string; loose?: boolean }) {
  const name = options.entity ?? 'member';
  const head = options.loose === true ? looseImports : imports;
  const body = { name, call: options.call, change: options.change, ...(options.test == null ? {} : { test: options.test }) };
  const awaitLine = options.test == null ? 4 : 5;
  return {
    name: options.name,
    ...(options.loose === true ? { filename: LOOSE_FILE } : {}),
    code: `${head}${caseBody(body)}`,
    output: null,
    errors: [
      staleSave({
        name,
        loader: options.loader,
        loadLine: 3,
        awaitLine,
        line: awaitLine + 2,
        ...(options.atRisk == null ? {} : { atRisk: options.atRisk }),
        output: `${head}${caseBody({ ...body, reload: true })}`,
      }),
    ],
  };
}

ruleTester.run('no-stale-save (re-load after the wait, loaded by a project loader)', rule, {
  valid: [
    {
      name: 'the suggested text: re-loaded after the slow call, nothing left to report',
      code: `${imports}
export async function rename(payments: PaymentClient, id: number, handle: string) {
  const member = await findMemberById(id);
  if (member == null) return;
  await payments.capture(String(member.id));
  await member.reload();
  member.rename(handle);
  await member.save();
}`,
    },
  ],
  invalid: [
    offered({
      name: 'a loader that returns a findOneBy() read, tested for null here: await member.reload() right after the call',
      loader: 'findMemberById() → findOneBy()',
      call: 'findMemberById(id)',
      test: 'if (member == null) return;',
      change: 'member.rename(handle);',
    }),
    offered({
      name: 'a loader whose query builder, kept in a const, only chooses rows (where(), cache()): re-loaded',
      loader: 'findMemberByHandle() → getOne()',
      call: 'findMemberByHandle(handle)',
      test: 'if (!member) return;',
      change: 'member.prefs.theme = handle;',
    }),
    offered({
      name: 'a loader that tests its read for null and returns it: re-loaded (no test needed here)',
      loader: 'getMemberOrThrow() → findOne()',
      call: 'getMemberOrThrow(id)',
      change: 'member.rename(handle);',
    }),
    offered({
      name: 'an eager relation loaded by the loader\'s find: reload() joins it again, re-loaded',
      loader: 'findPassById() → findOneBy()',
      call: 'findPassById(id)',
      test: 'if (pass == null) return;',
      change: 'pass.relabel(handle);',
      entity: 'pass',
      atRisk: 'label, crew',
    }),
    {
      name: 'no re-load: strictNullChecks off, the loader may give null and the code never tests it nor reads it before (reload() of null would throw a TypeError where the code went on)',
      filename: LOOSE_FILE,
      code: `${looseImports}${caseBody({ name: 'member', call: 'findMemberById(id)', change: 'member.rename(handle);', captured: 'String(id)' })}`,
      output: null,
      errors: [staleSave({ name: 'member', loader: 'findMemberById() → findOneBy()', loadLine: 3, awaitLine: 4, line: 6 })],
    },
    offered({
      name: 'strictNullChecks off, the loader may give null, but the slow call reads `member.id` (a null would have thrown there): re-loaded after it',
      loader: 'findMemberById() → findOneBy()',
      call: 'findMemberById(id)',
      change: 'member.rename(handle);',
      loose: true,
    }),
    offered({
      name: 'strictNullChecks off, the loader may give null and the code left on null before the call: re-loaded',
      loader: 'findMemberById() → findOneBy()',
      call: 'findMemberById(id)',
      test: 'if (!member) return;',
      change: 'member.rename(handle);',
      loose: true,
    }),
    updated({
      name: 'the fields set are known and the loader\'s select includes the primary key: the update() keyed on it (an autofix)',
      call: 'findMemberHandle(id)',
      loader: 'findMemberHandle() → findOne()',
    }),
    {
      name: 'no update(): the loader selects columns without the primary key, so `{ id: member.id }` would hold undefined (TypeORM 0.3 drops it: every row written)',
      code: `${imports}${caseBody(renamed('findMemberPrefs(id)'))}`,
      output: null,
      errors: [staleSave({ ...UPDATE_ONLY_HANDLE, loader: 'findMemberPrefs() → findOne()' })],
    },
    updated({
      name: 'a loader whose query builder may select a const list of columns that names the primary key: the update() keyed on it',
      call: 'findPublicMember(id)',
      loader: 'findPublicMember() → getOne()',
    }),
    {
      name: 'each member of a list a loader returns (find()): the update() keyed on its primary key',
      code: `${imports}
export async function renameCrew(payments: PaymentClient, crewId: number, handle: string) {
  for (const member of await findMembersOfCrew(crewId)) {
    await payments.capture(String(member.id));
    member.handle = handle;
    await member.save();
  }
}`,
      output: `${imports}
export async function renameCrew(payments: PaymentClient, crewId: number, handle: string) {
  for (const member of await findMembersOfCrew(crewId)) {
    await payments.capture(String(member.id));
    member.handle = handle;
    await Member.update({ id: member.id }, { handle: member.handle });
  }
}`,
      errors: [
        {
          messageId: 'staleSave',
          data: staleSave({ ...UPDATE_ONLY_HANDLE, loader: 'findMembersOfCrew() → find()', awaitLine: 4, line: 6 }).data,
          line: L + 6,
          column: 11,
          endLine: L + 6,
          endColumn: 24,
        },
      ],
    },
    {
      name: 'no update(): the loader\'s query builder selects a const list of columns without the primary key',
      code: `${imports}${caseBody(renamed('findHandleOnly(id)'))}`,
      output: null,
      errors: [staleSave({ ...UPDATE_ONLY_HANDLE, loader: 'findHandleOnly() → getOne()' })],
    },
    {
      name: 'no update(): a read here whose select leaves the primary key out, the same way',
      code: `${imports}${caseBody(renamed('Member.findOne({ where: { id }, select: { handle: true, prefs: true } })'))}`,
      output: null,
      errors: [staleSave({ ...UPDATE_ONLY_HANDLE, loader: 'findOne()' })],
    },
    ...refusals(),
    {
      name: 'no re-load: the loader\'s argument is narrowed at the load (id tested in the conditional): the same call after the wait would not type-check',
      code: `${imports}
export async function change(members: Repository<Member>, payments: PaymentClient, id: number | undefined, handle: string) {
  const member = id ? await findMemberWithCrew(id) : null;
  if (member == null) return;
  await payments.capture(String(member.id));
  member.rename(handle);
  await members.save(member);
}`,
      output: null,
      errors: [crewMemberSavedByRepository({ loadLine: 3, awaitLine: 5, line: 7 })],
    },
    {
      name: 'no re-load: the loader\'s argument is assigned again before the save, so calling it again may read another row',
      code: `${imports}
export async function change(members: Repository<Member>, payments: PaymentClient, first: number, handle: string) {
  let id = first;
  const member = await findMemberWithCrew(id);
  if (member == null) return;
  await payments.capture(String(member.id));
  id = 0;
  member.rename(handle);
  await members.save(member);
}`,
      output: null,
      errors: [crewMemberSavedByRepository({ loadLine: 4, awaitLine: 6, line: 9 })],
    },
  ],
});

/** The report, with no rewrite, on `members.save(member)` of a member `findMemberWithCrew()` loaded (lines as in `staleSave`). */
function crewMemberSavedByRepository(lines: { loadLine: number; awaitLine: number; line: number }) {
  return { ...staleSave({ name: 'member', loader: 'findMemberWithCrew() → findOne()', ...lines, atRisk: 'handle, prefs, crew' }), endColumn: 9 + 'members.save(member)'.length };
}

/**
 * Loader-loaded entities `reload()` is refused for, because it would not bring back what the
 * loader loaded, or the loader may not return a row as read. Where the loader only reads
 * (`recalled`), it is called again instead, with the same arguments, after the slow call: it
 * repeats its own relations, `select`, hidden columns and `withDeleted`, and its row is copied in
 * only when its primary key is the object's. Any save form takes that re-load.
 */
function refusals() {
  const cases: { name: string; loaderCall: string; loader: string; entity?: 'member' | 'pass'; save?: string; atRisk?: string; recalled?: true }[] = [
    {
      name: 'the loader joins a relation (relations): reload() leaves it out, and the stale related object would be saved through it',
      loaderCall: 'findMemberWithCrew(id)',
      loader: 'findMemberWithCrew() → findOne()',
      // The crew the loader joined comes with the row, and is written back through it.
      atRisk: 'handle, prefs, crew',
      recalled: true,
    },
    {
      name: 'the loader selects columns (select): reload() brings back the others, and this code then saves them',
      loaderCall: 'findMemberHandle(id)',
      loader: 'findMemberHandle() → findOne()',
      recalled: true,
    },
    {
      name: 'the loader adds a hidden column (addSelect()): reload() leaves it out, and the stale value stays in the object',
      loaderCall: 'findMemberWithCode(id)',
      loader: 'findMemberWithCode() → getOne()',
      recalled: true,
    },
    {
      name: 'the loader reads soft-deleted rows too (withDeleted): reload() would throw for the row the code was given',
      loaderCall: 'findMemberEvenDeleted(id)',
      loader: 'findMemberEvenDeleted() → findOne()',
      recalled: true,
    },
    {
      name: 'the loader changes the object before it returns it: reload() would undo that change',
      loaderCall: 'findMemberTrimmed(id)',
      loader: 'findMemberTrimmed() → findOneByOrFail()',
      // The handle the loader set is written by the save, not reverted by it.
      atRisk: 'prefs',
    },
    {
      name: 'the loader may return a new object it created (?? Member.create()): no row to re-load',
      loaderCall: 'findOrStartMember(id)',
      loader: 'findOrStartMember() → findOneBy()',
    },
    {
      name: 'the loader\'s query builder leaves out an eager relation that reload() would bring',
      loaderCall: 'findPassByLabel(String(id))',
      loader: 'findPassByLabel() → getOne()',
      entity: 'pass',
    },
    {
      name: 'the loader builds its options in a const (withDeleted set on one path): reload() cannot repeat them, calling the loader again does, and the key is loaded',
      loaderCall: 'findMemberWithOptions(id, true)',
      loader: 'findMemberWithOptions() → findOne()',
      save: 'members.save(member)',
      recalled: true,
    },
    {
      name: 'the loader\'s options in a const select columns without the key on one path: no same-row test possible',
      loaderCall: 'findMemberNarrowed(id, true)',
      loader: 'findMemberNarrowed() → findOne()',
      save: 'members.save(member)',
    },
    {
      name: 'the loader answers from the query-result cache (a query builder with cache()): called again, it may hand back the same stale row',
      loaderCall: 'findMemberByHandle(handle)',
      loader: 'findMemberByHandle() → getOne()',
      save: 'members.save(member)',
    },
    {
      name: 'the loader writes (an update() of the row it read): calling it again would write again',
      loaderCall: 'findMemberAndTouch(id)',
      loader: 'findMemberAndTouch() → findOneBy()',
      save: 'members.save(member)',
    },
    {
      name: 'the loader awaits a network call before its read: calling it again would make that call again',
      loaderCall: 'findMemberAfterCheck(id)',
      loader: 'findMemberAfterCheck() → findOneBy()',
      save: 'members.save(member)',
    },
    {
      name: 'the loader may return an object it keeps (a cache): called again, it hands back the same stale object',
      loaderCall: 'findMemberCached(id)',
      loader: 'findMemberCached() → findOneBy()',
      save: 'members.save(member)',
    },
    {
      name: 'saved by a repository, not by itself: only an Active Record object re-loads itself here',
      loaderCall: 'findMemberById(id)',
      loader: 'findMemberById() → findOneBy()',
      save: 'members.save(member)',
      recalled: true,
    },
  ];
  return cases.map((refusal) => {
    const name = refusal.entity ?? 'member';
    const save = refusal.save ?? `${name}.save()`;
    const change = name === 'pass' ? 'pass.relabel(handle);' : 'member.rename(handle);';
    const body = { name, call: refusal.loaderCall, test: `if (${name} == null) return;`, change, save };
    const loaderName = refusal.loaderCall.slice(0, refusal.loaderCall.indexOf('('));
    return {
      name: `${refusal.recalled === true ? 'the loader called again, not reload()' : 'no re-load'}: ${refusal.name}`,
      code: `${imports}${caseBody(body)}`,
      output: null,
      errors: [
        {
          ...staleSave({ name, loader: refusal.loader, loadLine: 3, awaitLine: 5, line: 7, atRisk: refusal.atRisk ?? (name === 'pass' ? 'label, crew' : 'handle, prefs') }),
          endColumn: 9 + save.length,
          suggestions:
            refusal.recalled === true
              ? [
                  {
                    messageId: 'rewriteToLoaderRecallAfterWindow' as const,
                    data: { name, awaited: 'payments.capture(…)', awaitLine: String(L + 5), loader: `${loaderName}()` },
                    output: `${imports}${caseBody({ ...body, recall: true })}`,
                  },
                ]
              : [],
        },
      ],
    };
  });
}
