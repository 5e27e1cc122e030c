import path from 'node:path';

import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import type { RecordedCodePath } from '../flow/event-log.js';
import { FactTable } from '../flow/facts.js';
import { factMapLattice, withFacts, type FactMap, type FactSet } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { AWAIT_KINDS, getAwaitClassifier, isOnceOnlyChain, windowKindsOf, type AwaitKind, type AwaitSummary } from '../utils/calls/await-classification.js';
import { endOfExitingBlock, onExclusiveBranches } from '../utils/ast/exiting-blocks.js';
import { isInside } from '../utils/ast/expressions.js';
import { enclosingFunction } from '../utils/ast/functions.js';
import { callLabel, reasonText } from '../utils/calls/call-labels.js';
import { isLoggingCall } from '../utils/calls/logging-calls.js';
import type { AwaitSite, EntityEvent, LoadSite, ReadLoadSite, Variable, WriteSite, WriteTarget } from '../utils/entity-flow/entity-events.js';
import { EntityFlowRecorder } from '../utils/entity-flow/entity-flow-recorder.js';
import { mayBeSwallowed, persistsArgument } from '../utils/entity-flow/persisting-callees.js';
import { isPrimitive, onlyReadsArgument, onlyReadsReceiver } from '../utils/entity-flow/read-only-callees.js';
import { writtenFields, type WrittenFields } from '../utils/entity-flow/written-fields.js';
import { buildKeyedDeleteRewrite } from '../utils/fixes/keyed-delete-rewrite.js';
import { buildRelationAddRewrite } from '../utils/fixes/relation-add-rewrite.js';
import { buildReloadAfterWindowRewrite } from '../utils/fixes/reload-after-window-rewrite.js';
import { reloadCallText } from '../utils/fixes/reload-call.js';
import { buildSaverReloadRewrite } from '../utils/fixes/saver-reload-rewrite.js';
import { buildSaverRewrite, onlyCaller } from '../utils/fixes/saver-rewrite.js';
import { buildStaleSaveRewrite, type StaleSaveRewrite, type StaleSaveRewriteMessage } from '../utils/fixes/stale-save-rewrite.js';
import { indentationOf, isRepeatableBetween, isSameValueAt, unusedName } from '../utils/fixes/statement-edits.js';
import { primaryKeyCriteria, writeReceiverOf } from '../utils/fixes/update-rewrite.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { awaitClassificationSchema } from '../utils/plugin/option-schemas.js';
import { columnRefOf, entityRefOf, recordReportDetails, type RuleDetails } from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';
import { entityMetadataOfType, type EntityMetadata } from '../utils/typeorm/entity-metadata.js';
import { isRecallableLoader, loaderReadsMeet } from '../utils/typeorm/loader-reads.js';
import { othersMayChangeAtRisk } from '../utils/typeorm/column-writers.js';
import { columnsAtRisk } from '../utils/typeorm/loaded-columns.js';
import { classifyTypeormCall, type TypeormCall } from '../utils/typeorm/typeorm-calls.js';
import { isStateColumn } from '../utils/typeorm/state-columns.js';
import { isNumericColumn } from '../utils/typeorm/writable-columns.js';

export interface NoStaleSaveOptions {
  windowKinds?: AwaitKind[];
  networkModules?: string[];
  localModules?: string[];
  loaders?: string[];
  autofix?: boolean;
  removals?: boolean;
}

type Options = [NoStaleSaveOptions];
/** The reports' message ids are the contract's (report-details), and the suggestion's. */
export type MessageIds = RuleDetails<'no-stale-save'>['messageId'] | StaleSaveRewriteMessage | 'rewriteToRelationAdd' | 'rewriteToKeyedDelete' | 'rewriteToSaverReload' | 'rewriteToReloadInSaver' | 'rewriteToReloadAfterWindow' | 'rewriteToLoaderRecallAfterWindow';

/** A rewrite the report offers (as a fix when `equivalent`), with its suggestion's message. */
type Rewrite = Omit<StaleSaveRewrite, 'messageId'> & { messageId: StaleSaveRewriteMessage | 'rewriteToRelationAdd' | 'rewriteToKeyedDelete' | 'rewriteToSaverReload' | 'rewriteToReloadInSaver' | 'rewriteToReloadAfterWindow' | 'rewriteToLoaderRecallAfterWindow' };

/** A variable holds the entity as loaded, or as loaded before a window opened. */
type EntityFact = FreshFact | StaleFact;
interface FreshFact {
  kind: 'fresh';
  load: LoadSite;
}
interface StaleFact {
  kind: 'stale';
  load: LoadSite;
  window: AwaitSite;
}

/** Per variable, what the object it holds may be. */
type FlowState = FactMap<Variable, EntityFact>;

const DEFAULT_WINDOW_KINDS: AwaitKind[] = ['network', 'unknown', 'timer'];
/** What a stale save or remove does, after the message has said where the entity came from. */
const SAVE_CONSEQUENCE =
  'reaches {{method}} {{window}} (line {{awaitLine}}, {{reason}}). save() writes back every loaded column that differs from the row, reverting concurrent changes to {{atRisk}}. {{advice}}';
const REMOVE_CONSEQUENCE =
  'reaches {{method}} {{window}} (line {{awaitLine}}, {{reason}}): {{method}} acts on the row by its primary key whatever it holds now, so a decision made from the row as it was read may no longer hold, and changes made since are deleted with it. Use delete()/softDelete() with criteria that repeat the check, and test `affected`.';
/** The state columns require-state-guard knows by default (this rule has no option for more). */
const NO_STATE_OPTIONS = { stateColumns: [], guardColumns: [] };
const MAX_LISTED_COLUMNS = 6;

export default createRule<Options, MessageIds>({
  name: 'no-stale-save',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow saving an entity loaded before a network await: save() writes back every stale column',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...awaitClassificationSchema(
            'Which kinds of awaited call open a stale-save window.',
            'More packages whose calls are local work that never opens a window.',
          ),
          loaders: {
            type: 'array',
            description: 'Names of more functions or methods that return a loaded entity (`retrieve`, `OrderService.retrieve`).',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          autofix: {
            type: 'boolean',
            description: 'Whether safe rewrites are applied by --fix; when false they are offered as suggestions only.',
          },
          removals: {
            type: 'boolean',
            description: 'Whether remove(), softRemove() and recover() of an entity loaded before a network call or a timer are reported too (they revert no column, but act on a decision made from the old row).',
          },
        },
      },
    ],
    defaultOptions: [
      { windowKinds: DEFAULT_WINDOW_KINDS, networkModules: [], localModules: [], loaders: [], autofix: true, removals: false },
    ],
    messages: {
      staleSave: `\`{{name}}\` (loaded by {{loader}} at line {{loadLine}}) ${SAVE_CONSEQUENCE}`,
      staleRemove: `\`{{name}}\` (loaded by {{loader}} at line {{loadLine}}) ${REMOVE_CONSEQUENCE}`,
      staleSaveOfEventPayload: `\`{{name}}\` (received with {{event}} at line {{loadLine}}) ${SAVE_CONSEQUENCE}`,
      staleRemoveOfEventPayload: `\`{{name}}\` (received with {{event}} at line {{loadLine}}) ${REMOVE_CONSEQUENCE}`,
      rewriteToUpdate: 'Write only {{fields}} with an atomic update(){{then}}.',
      rewriteToAtomicUpdate: 'Write {{fields}} in one UPDATE that computes {{derived}} in SQL ({{how}}){{then}}.',
      rewriteToKeyedDelete:
        'Delete with {{method}}() only while {{guarded}} is unchanged since the load: if another writer changed it first, nothing is deleted and an Error is thrown.',
      rewriteToRelationAdd:
        'Insert {{added}} into the join table of {{relation}} with RelationQueryBuilder.add(): rows others added meanwhile stay (it throws if that row is already there).',
      rewriteToSaverReload:
        'Hand {{saver}} `{{name}}` re-loaded by its primary key after the wait ({{reload}}): what it changes and saves then starts from the row as it is now, not as it was read before the wait (it throws if the row is gone).',
      rewriteToReloadInSaver:
        "In {{saver}}, which makes the slow call itself and is called only from here, re-load `{{name}}` by its primary key right after `await {{awaited}}` (line {{awaitLine}}) with `{{reload}}`: what {{saver}} then changes and saves starts from the row as it is after that call. It throws EntityNotFoundError if the row was deleted meanwhile, where save() would insert it again.",
      rewriteToReloadAfterWindow:
        'Re-load `{{name}}` by its primary key right after `await {{awaited}}` (line {{awaitLine}}) with `{{reload}}`: what the code then changes and saves starts from the row as it is after that call. The read-modify-write is still not atomic (only the database round trips are left between the read and the save; for a guarded write use update()), and it throws EntityNotFoundError if the row was deleted meanwhile, where save() would insert it again.',
      rewriteToLoaderRecallAfterWindow:
        "Re-load `{{name}}` right after `await {{awaited}}` (line {{awaitLine}}) by calling {{loader}} again with the same arguments, and copy the row it returns into `{{name}}`: what the code then changes and saves starts from the row as it is after that call. The read-modify-write is still not atomic (only the database round trips are left between the read and the save; for a guarded write use update()), and it throws an Error if {{loader}} then finds no row, or another one (same primary key required), where save() would write the old values back.",
      rewriteToCompareAndSet:
        'Write {{fields}} only while {{guarded}} is unchanged since the load (a compare-and-set update()){{then}}: if another writer changed it first, nothing is written and an Error is thrown.',
    },
  },
  create(context, [options]) {
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const classifier = getAwaitClassifier(services.program, {
      networkModules: options.networkModules ?? [],
      localModules: options.localModules ?? [],
    });
    const windowKinds = new Set(options.windowKinds ?? DEFAULT_WINDOW_KINDS);
    const compilerOptions = services.program.getCompilerOptions();
    const strictNullChecks = compilerOptions.strictNullChecks ?? compilerOptions.strict ?? false;
    const { sourceCode } = context;
    const tsNode = <N extends TSESTree.Node>(node: N) => services.esTreeNodeToTSNodeMap.get(node);

    const recorder = new EntityFlowRecorder({
      sourceCode,
      services,
      classifier,
      extraLoaders: new Set(options.loaders ?? []),
      windowKinds,
      onFileEnd: (codePaths) => {
        for (const path of codePaths) analyse(path);
      },
    });
    const facts = {
      fresh: new FactTable((load: LoadSite): EntityFact => ({ kind: 'fresh', load })),
      stale: new FactTable((load: LoadSite, window: AwaitSite): EntityFact => ({ kind: 'stale', load, window })),
    };
    const awaitSummaries = new Map<AwaitSite, AwaitSummary>();
    const innerWindowAwaits = new Map<WriteSite, AwaitSite>();
    const loaderWindows = new Map<TSESTree.Node, AwaitSite>();
    /** The state inline callbacks are created in, from their enclosing function's solution. */
    const closureEntries = new Map<TSESTree.Node, FlowState>();

    function hasFreshWritten(state: FlowState): boolean {
      for (const [variable, states] of state) {
        if (!recorder.isWritten(variable)) continue;
        for (const fact of states) if (fact.kind === 'fresh') return true;
      }
      return false;
    }

    /**
     * Whether an await here can tell the report something: an entity that is written later is
     * fresh, or stale only since weaker evidence than a direct network call (a later network call
     * with a shorter chain is the one to cite). Classifying the await otherwise (which may
     * summarise callees across the project) is wasted.
     */
    function awaitMatters(state: FlowState): boolean {
      for (const [variable, states] of state) {
        if (!recorder.isWritten(variable)) continue;
        let direct = false;
        for (const fact of states) {
          if (fact.kind === 'fresh') return true;
          const summary = summaryOfAwait(fact.window);
          if (windowKindsOf(summary, windowKinds)[0] === 'network' && (summary.get('network')?.length ?? 0) <= 1) direct = true;
        }
        if (!direct) return true;
      }
      return false;
    }

    function summaryOfAwait(info: AwaitSite): AwaitSummary {
      let summary = awaitSummaries.get(info);
      if (summary == null) {
        summary = classifier.classifyAwaited(tsNode(info.operand) as ts.Expression);
        awaitSummaries.set(info, summary);
      }
      return summary;
    }

    /**
     * A loader that waits for a slow call after its own read and then returns the object: the
     * entity arrives stale, the loader's call being the window (`await findAndVerify(id)`).
     */
    function loaderWindowOf(load: ReadLoadSite): AwaitSite | undefined {
      const staleSince = load.loader.staleSince;
      if (staleSince == null || windowKindsOf(staleSince, windowKinds).length === 0) return undefined;
      let site = loaderWindows.get(load.node);
      if (site == null) {
        const call = load.node as TSESTree.Expression;
        site = recorder.newAwaitSite(call, call);
        awaitSummaries.set(site, staleSince);
        loaderWindows.set(load.node, site);
      }
      return site;
    }

    function analyse(recorded: RecordedCodePath<EntityEvent>): void {
      const events = recorded.allEvents;
      const writes = events.filter((event): event is Extract<EntityEvent, { type: 'write' }> => event.type === 'write');
      const createsWritingCallback = events.some((event) => event.type === 'closure' && recorder.writesEntities(event.fn));
      if (writes.length === 0 && !createsWritingCallback) return;
      const functionNode = recorded.node;

      // An inline callback starts in the state it was created in; any other function may run
      // any time, so the entities it captures start fresh.
      const initial = new Map<Variable, FactSet<EntityFact>>(closureEntries.get(functionNode) ?? []);
      if (!closureEntries.has(functionNode)) {
        const boundHere = new Set(events.flatMap((event) => ('variable' in event ? [event.variable] : [])));
        for (const { write } of writes) {
          for (const { variable } of write.targets) {
            const load = recorder.loadOf(variable);
            if (!boundHere.has(variable) && load != null) initial.set(variable, new Set([facts.fresh.of(load)]));
          }
        }
      }
      if (initial.size === 0 && !events.some((event) => event.type === 'load')) return;

      const reports = new Map<WriteSite, { target: WriteTarget; stale: StaleFact }[]>();
      solveFlow<EntityEvent, FlowState>(recorded, {
        lattice: factMapLattice(),
        initial,
        finallyEntry: 'every-path',
        transfer(state, event, step) {
          switch (event.type) {
            case 'load': {
              const window = event.load.kind === 'read' ? loaderWindowOf(event.load) : undefined;
              return withFacts(state, event.variable, new Set([window == null ? facts.fresh.of(event.load) : facts.stale.of(event.load, window)]));
            }
            case 'alias':
              return withFacts(state, event.variable, state.get(event.source) ?? new Set());
            case 'kill':
              return withFacts(state, event.variable, undefined);
            case 'reload':
              return freshenAliases(state, event.variable);
            case 'await': {
              if (!awaitMatters(state)) return state;
              if (windowKindsOf(summaryOfAwait(event.site), windowKinds).length === 0) return state;
              const stale = markStale(state, event.site);
              step.throwTo(event.site.handlers, stale);
              return stale;
            }
            case 'closure': {
              if (step.replaying) {
                let entry = state;
                if (event.receiverWindow != null && hasFreshWritten(state) && windowKindsOf(summaryOfAwait(event.receiverWindow), windowKinds).length > 0) {
                  entry = markStale(state, event.receiverWindow);
                }
                const before = closureEntries.get(event.fn);
                closureEntries.set(event.fn, before == null ? entry : factMapLattice<Variable, EntityFact>().join(before, entry));
              }
              return state;
            }
            case 'write':
              return applyWrite(state, event.write, step.replaying ? reports : undefined);
          }
        },
      });
      for (const [write, found] of reports) {
        for (const entry of found) report(write, entry.target, entry.stale);
      }
    }

    /** A write (with the window its callee opens first): reports stale targets, then they are fresh again. */
    function applyWrite(state: FlowState, write: WriteSite, reports: Map<WriteSite, { target: WriteTarget; stale: StaleFact }[]> | undefined): FlowState {
      let current = state;
      const inner = write.innerWindow;
      if (inner != null && hasFresh(current)) {
        let info = innerWindowAwaits.get(write);
        if (info == null) {
          info = recorder.newAwaitSite(write.call, write.call);
          awaitSummaries.set(info, inner.summary);
          innerWindowAwaits.set(write, info);
        }
        current = markStale(current, info);
      }
      for (const target of write.targets) {
        const states = current.get(target.variable);
        if (states == null) continue;
        if (reports != null) {
          const kindOf = (info: AwaitSite): AwaitKind | undefined => windowKindsOf(summaryOfAwait(info), windowKinds)[0];
          // A stale remove reverts no column: by default it is not reported (see the `removals`
          // option); asked for, it is worth a report after a known slow call, not an unclassified one.
          const removes = write.diffingMethod !== 'save';
          const stale = removes && options.removals !== true ? [] : [...states].filter((fact): fact is StaleFact => fact.kind === 'stale' && (!removes || kindOf(fact.window) !== 'unknown'));
          const chosen = pickStale(stale, (info) => {
            const kind = kindOf(info);
            return kind == null ? { kind: AWAIT_KINDS.length, chain: 0 } : { kind: AWAIT_KINDS.indexOf(kind), chain: chainRank(summaryOfAwait(info).get(kind) ?? []) };
          });
          if (chosen != null) {
            const list = reports.get(write) ?? [];
            if (!list.some((entry) => entry.target.variable === target.variable && entry.target.relation === target.relation)) list.push({ target, stale: chosen });
            reports.set(write, list);
          }
        }
        // After the write the row holds what the object holds: fresh again, under every name. (A
        // saved relation says nothing about its owner's row.)
        if (target.relation == null) current = freshenAliases(current, target.variable);
      }
      return current;
    }

    /**
     * A window: every entity held becomes stale since this await. One already stale keeps its
     * earlier windows too, so the report can name the one with the strongest evidence.
     */
    function markStale(state: FlowState, window: AwaitSite): FlowState {
      const next = new Map<Variable, FactSet<EntityFact>>();
      for (const [variable, states] of state) {
        const updated = new Set<EntityFact>();
        for (const fact of states) {
          if (fact.kind === 'stale') updated.add(fact);
          updated.add(facts.stale.of(fact.load, window));
        }
        next.set(variable, updated);
      }
      return next;
    }

    function freshen(states: FactSet<EntityFact> | undefined): FactSet<EntityFact> {
      const fresh = new Set<EntityFact>();
      for (const fact of states ?? []) fresh.add(facts.fresh.of(fact.load));
      return fresh;
    }

    /** The object behind `variable` was refreshed: so it is for its plain aliases. */
    function freshenAliases(state: FlowState, variable: Variable): FlowState {
      const aliases = new Set(recorder.aliasesOf(variable));
      let next = state;
      for (const [candidate, states] of state) {
        if (candidate === variable || aliases.has(candidate)) next = withFacts(next, candidate, freshen(states));
      }
      return next;
    }

    /** The saved entity's class: the target's own, or for a relation a saver writes through its owner, the relation's. */
    function savedEntityMetadata(target: WriteTarget): EntityMetadata | undefined {
      const type = checker.getTypeAtLocation(tsNode(target.expression));
      if (target.relation == null || target.expression.type === AST_NODE_TYPES.MemberExpression) return entityMetadataOfType(checker, type);
      const relation = checker.getPropertyOfType(checker.getNonNullableType(type), target.relation);
      return relation == null ? undefined : entityMetadataOfType(checker, checker.getTypeOfSymbol(relation));
    }

    function report(write: WriteSite, target: WriteTarget, stale: StaleFact): void {
      const { load, window: awaitInfo } = stale;
      const { variable } = target;
      const name = target.relation == null ? variable.name : `${variable.name}.${target.relation}`;
      const summary = summaryOfAwait(awaitInfo);
      const kind = windowKindsOf(summary, windowKinds)[0] ?? 'unknown';
      const chain = summary.get(kind) ?? [];
      const metadata = savedEntityMetadata(target);
      const seenHere = writtenFields(recorder.aliasesOf(variable), load, write, target, onlyReads);
      // Columns the project's loader set are written by the save too, not reverted by it; with
      // them (or with the object handed on in the loader) the save writes more than this code sets.
      const setByLoader = load.kind === 'read' && target.relation == null ? (load.loader.fieldsSet ?? []).filter((field) => metadata == null || metadata.byProperty.has(field)) : [];
      const loaderMayWrite = setByLoader.length > 0 || (load.kind === 'read' && target.relation == null && load.loader.handsOnReturned === true);
      const fieldInfo = loaderMayWrite ? { ...seenHere, exact: false } : seenHere;
      // Fields the project's saver sets before its save are written by it too, not reverted.
      const setBySaver = (write.saverFieldsSet ?? []).filter((field) => metadata == null || metadata.byProperty.has(field));
      const written = new Set([...fieldInfo.fields, ...setByLoader, ...setBySaver]);
      const atRiskColumns = metadata == null ? undefined : columnsAtRisk(metadata, target.relation == null ? load.columns : { relations: new Set() }, written);
      const atRisk = atRiskColumns?.map((column) => column.propertyName);
      const isRemove = write.diffingMethod !== 'save';
      const { derived } = fieldInfo;
      // Only the fields this code sets are written, none from its stale value: the save does
      // what an update() of them would, and reverts nothing that carries data. A stale
      // `@UpdateDateColumn` or `@VersionColumn` alone is bookkeeping the next write moves on.
      if (!isRemove && derived.length === 0 && atRiskColumns?.every((column) => column.kind === 'update-date' || column.kind === 'version') === true) return;
      // Nor does it when nothing in the program changes the other columns once the row is stored
      // (an event log hidden by every writer, a record whose payload is written once).
      if (!isRemove && derived.length === 0 && target.relation == null && !othersMayChangeAtRisk(services.program, checker.getTypeAtLocation(tsNode(target.expression)), metadata, atRiskColumns, written)) return;
      const data = {
        name,
        ...(load.kind === 'read' ? { loader: loaderText(load) } : { event: load.event }),
        loadLine: String(load.line),
        method: write.method,
        window: windowText(awaitInfo),
        awaitLine: String(awaitInfo.node.loc.start.line),
        reason: reasonText(kind, chain),
        atRisk: atRisk == null ? 'every loaded column' : listText([...derived.map((field) => `${field} (set from its stale value)`), ...atRisk]),
        advice: saverAdvice(write, fieldInfo, metadata, setBySaver),
      };
      const rewrite = rewriteFor(write, target, metadata, fieldInfo, load) ?? saverRewriteFor(write, target, metadata, fieldInfo, load) ?? saverReloadRewriteFor(write, target, metadata, fieldInfo, stale) ?? saverWindowReloadRewriteFor(write, target, metadata, fieldInfo, load) ?? reloadAfterWindowRewriteFor(write, target, metadata, load);
      // A save through the project's override of `save()` also runs that override's own code, which
      // an update() would skip: a suggestion then, never a silent fix.
      const autofix = rewrite != null && rewrite.equivalent && options.autofix !== false && write.typeorm?.override == null && canAutofix(metadata, rewrite, target.expression);
      const messageId = load.kind === 'read'
        ? (isRemove ? 'staleRemove' : 'staleSave')
        : (isRemove ? 'staleRemoveOfEventPayload' : 'staleSaveOfEventPayload');
      recordReportDetails(context, write.call, messageId, () => ({
        rule: 'no-stale-save',
        messageId,
        // The sentence each message ends with (tests/audit/report-details.test.ts keeps them in step).
        advice: isRemove ? 'Use delete()/softDelete() with criteria that repeat the check, and test `affected`.' : data.advice,
        variable: name,
        ...(metadata == null ? {} : { entity: entityRefOf(metadata) }),
        load: { label: load.kind === 'read' ? loaderText(load) : load.event, line: load.line },
        window: {
          label: awaitedText(awaitInfo),
          line: awaitInfo.node.loc.start.line,
          kind,
          chain: [...chain],
          ...(awaitInfo.callback == null ? {} : { callback: awaitInfo.callback }),
        },
        write: { method: write.method, line: write.call.loc.start.line },
        writtenFields: fieldInfo.fields.map((field) => {
          const column = metadata?.byProperty.get(field)?.databaseName;
          return column == null ? { property: field } : { property: field, column };
        }),
        fieldsExact: fieldInfo.exact,
        derivedFields: [...fieldInfo.derived],
        ...(atRiskColumns == null ? {} : { columnsAtRisk: atRiskColumns.map(columnRefOf) }),
      }));
      context.report({
        node: write.call,
        messageId,
        data,
        ...(rewrite != null && autofix ? { fix: (fixer) => rewrite.edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)) } : {}),
        ...(rewrite != null && !autofix
          ? {
              suggest: [
                {
                  messageId: rewrite.messageId,
                  data: rewrite.data,
                  fix: (fixer: TSESLint.RuleFixer) => rewrite.edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
                },
              ],
            }
          : {}),
      });
    }

    /**
     * The advice: what to write instead, and for a save inside the project's own saver, where
     * that save is (the change is made there).
     */
    function saverAdvice(write: WriteSite, fieldInfo: WrittenFields, metadata: EntityMetadata | undefined, setBySaver: readonly string[]): string {
      const where = write.saverWrite == null ? undefined : placeText(write.saverWrite, write.call);
      if (write.typeorm == null && fieldInfo.fields.length === 0) {
        return `Make that function write only the fields it changes with update()${where == null ? '' : ` (its ${write.diffingMethod}() is at ${where})`}, or re-load the entity after the await.`;
      }
      // What the saver sets is written at that save too: an update() of this code's fields alone would drop it.
      const advised = setBySaver.every((field) => fieldInfo.fields.includes(field)) ? fieldInfo : { ...fieldInfo, fields: [...new Set([...fieldInfo.fields, ...setBySaver])] };
      const advice = adviceText(advised, metadata);
      return where == null ? advice : `${advice} The ${write.diffingMethod}() to change is at ${where}.`;
    }

    /** `line 42` in this file, `src/store/conversation-store.ts:42` in another (relative to ESLint's working directory). */
    function placeText(node: ts.Node, from: TSESTree.Node): string {
      const sourceFile = node.getSourceFile();
      const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
      if (sourceFile === tsNode(from).getSourceFile()) return `line ${String(line)}`;
      const relative = path.relative(context.cwd, sourceFile.fileName).split(path.sep).join('/');
      return `${relative.startsWith('..') || path.isAbsolute(relative) ? sourceFile.fileName : relative}:${String(line)}`;
    }

    /**
     * A stale entity handed to the project's own saver in this file, its only caller: the update of
     * the fields this code set goes where the saver's `save()` is.
     */
    function saverRewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata | undefined, fieldInfo: WrittenFields, load: LoadSite): Rewrite | undefined {
      const saveNode = write.saverWrite;
      if (saveNode == null || write.typeorm != null || metadata == null || target.relation != null || target.viaSpread || write.targets.length !== 1) return undefined;
      // A suggestion edits the file being linted only.
      if (saveNode.getSourceFile() !== tsNode(write.call).getSourceFile()) return undefined;
      const save = services.tsNodeToESTreeNodeMap.get(saveNode) as TSESTree.Node | undefined;
      const typeorm = classifyTypeormCall(checker, saveNode);
      if (save?.type !== AST_NODE_TYPES.CallExpression || typeorm?.method !== 'save') return undefined;
      const receiver = writeReceiverOf({ sourceCode, call: save, typeorm, metadata, classNameInScope: isClassInScope(save, metadata) });
      const rewrite = receiver == null || !holdsPrimaryKey(load, metadata) ? undefined : buildSaverRewrite({ sourceCode, call: write.call, save, receiver, metadata, entity: target.expression, fieldInfo });
      return rewrite == null ? undefined : { edits: rewrite.edits, equivalent: false, messageId: 'rewriteToUpdate', data: { fields: listText(fieldInfo.fields), then: ` where ${rewrite.saver} saves it` } };
    }

    /**
     * A stale entity this code changes not at all, handed after the wait to the project's saver
     * (which changes and saves it, wherever it is): the saver gets it re-loaded by its primary key
     * from where this code loaded it (`repo.findOne(…)` → `repo.findOneByOrFail({ id })`).
     * Not when the saver opens a window of its own before it saves (a re-load here would not
     * close it), or the load joined relations (the re-load would leave them out).
     */
    function saverReloadRewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata | undefined, fieldInfo: WrittenFields, stale: StaleFact): Rewrite | undefined {
      const { load } = stale;
      if (write.saverWrite == null || write.typeorm != null || write.innerWindow != null || write.diffingMethod !== 'save' || metadata == null) return undefined;
      if (target.relation != null || target.viaSpread || write.targets.length !== 1 || innerWindowAwaits.get(write) === stale.window) return undefined;
      if (!fieldInfo.exact || fieldInfo.fields.length > 0 || fieldInfo.appends.length > 0) return undefined;
      if (load.kind !== 'read' || load.node.type !== AST_NODE_TYPES.CallExpression || load.columns.relations.size > 0) return undefined;
      if (enclosingFunction(load.node) !== enclosingFunction(write.call)) return undefined;
      const typeorm = classifyTypeormCall(checker, tsNode(load.node));
      const reload = typeorm == null ? undefined : reloadCallText({ sourceCode, load: load.node, typeorm, metadata, entityText: sourceCode.getText(target.expression), classNameInScope: isClassInScope(write.call, metadata) });
      if (reload == null) return undefined;
      const rewrite = buildSaverReloadRewrite({ sourceCode, call: write.call, entity: target.expression, aliases: recorder.aliasesOf(target.variable), primaryKeys: new Set(metadata.primaryColumns.map((column) => column.propertyName)), reload });
      if (rewrite == null) return undefined;
      return { edits: rewrite.edits, equivalent: false, messageId: 'rewriteToSaverReload', data: { saver: `${callLabel(write.call.callee)}()`, name: target.variable.name, reload } };
    }

    /**
     * The fallback when no narrower write is known (the entity is handed to other code, a method
     * is called on it, a nested value changes): the row is read again by its primary key right
     * after the last slow await before the save, where nothing has changed the object yet.
     */
    function reloadAfterWindowRewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata | undefined, load: LoadSite): Rewrite | undefined {
      if (write.diffingMethod !== 'save' || write.innerWindow != null || metadata == null || load.kind !== 'read' || load.node.type !== AST_NODE_TYPES.CallExpression) return undefined;
      // Columns the default read would not bring back (`addSelect()` of a hidden one) would stay stale.
      if (load.columns.select != null || load.columns.added != null || load.columns.queryBuilder === true) return undefined;
      // A list is saved whole: there is no one row to re-load.
      if (write.targets.length !== 1 || (target.relation == null && checker.isArrayType(checker.getTypeAtLocation(tsNode(target.expression))))) return undefined;
      // `save({ ...order, id: other })` writes another row than the one re-loaded.
      if (target.viaSpread && setsPrimaryKey(target.expression.parent.parent, metadata)) return undefined;
      const typeorm = classifyTypeormCall(checker, tsNode(load.node));
      if (typeorm == null) return loaderReloadAfterWindowRewriteFor(write, target, metadata, load.node) ?? loaderRecallAfterWindowRewriteFor(write, target, metadata, load.node);
      if (typeorm.kind !== 'load') return undefined;
      const options = reloadableOptionsOf(load.node, typeorm);
      if (options == null) return undefined;
      const relations = options.relations == null ? undefined : sourceCode.getText(options.relations);
      // A relation saved through its owner (`app.bot.save()`): the owner's re-load must bring it back.
      if (target.relation != null && !(metadata.byProperty.get(target.relation)?.eager === true || (options.relations != null && namesRelation(options.relations, target.relation)))) return undefined;
      if (!isReceiverInScopeAt(load.node, write.call)) return undefined;
      const name = target.variable.name;
      const reload = reloadCallText({ sourceCode, load: load.node, typeorm, metadata, entityText: name, classNameInScope: isClassInScope(write.call, metadata), ...(relations == null ? {} : { relations }) });
      if (reload == null) return undefined;
      // An Active Record object re-loads itself the same way (BaseEntity.reload()).
      const statement = typeorm.api === 'BaseEntity static' && relations == null ? `await ${name}.reload()` : `Object.assign(${name}, await ${reload})`;
      return reloadAfterWindowWith(write, target, load.node, statement, typeorm.loadShape === 'one' && !typeorm.method.endsWith('OrFail') && !strictNullChecks);
    }

    /**
     * Loaded by the project's own loader and saved by itself (`user.save()`): the Active Record
     * object re-loads itself (`await user.reload()`, TypeORM's `findOneByOrFail()` of its primary
     * key, eager relations joined) only when every object the loader returns comes from a read
     * that re-load repeats exactly — no `select`, no joined relation, no `withDeleted` — so the
     * object holds afterwards what the loader gave it, as the row is now.
     */
    function loaderReloadAfterWindowRewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata, load: TSESTree.CallExpression): Rewrite | undefined {
      const saved = write.call.callee;
      if (target.relation != null || target.viaSpread || write.typeorm?.api !== 'BaseEntity' || write.typeorm.method !== 'save') return undefined;
      if (saved.type !== AST_NODE_TYPES.MemberExpression || saved.object !== target.expression) return undefined;
      if (!loaderReadsMeet(classifier, tsNode(load), metadata, 'reload')) return undefined;
      // The loader may return null: without strictNullChecks the types cannot tell it was tested.
      return reloadAfterWindowWith(write, target, load, `await ${target.variable.name}.reload()`, !strictNullChecks);
    }

    /** The re-load statement inserted right after the last slow await before the save, where that is sound. */
    /**
     * Loaded by the project's own loader, which only reads (see `isRecallableLoader`), and saved
     * any way: the loader is called again right after the last slow await, with the same receiver
     * and arguments, and the row it returns is copied into the object — after a check that it is
     * the same row (its primary key equal), which throws otherwise, as `findOneByOrFail()` does for
     * a row that is gone: `const reloadedCollection = await this.collections.get(id);
     * if (!(reloadedCollection?.id === collection.id)) throw new Error(…);
     * Object.assign(collection, reloadedCollection);`. The loader may find rows by other columns
     * than the key (a title), which can name another row by then.
     */
    function loaderRecallAfterWindowRewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata, load: TSESTree.CallExpression): Rewrite | undefined {
      if (target.relation != null || metadata.primaryColumns.length === 0 || load.parent.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
      const primitive = (node: TSESTree.Node): boolean => isPrimitive(checker.getTypeAtLocation(tsNode(node)));
      if (load.callee.type === AST_NODE_TYPES.MemberExpression ? load.callee.computed || load.callee.optional || !isRepeatableBetween(sourceCode, load.callee.object, load, write.call, 'receiver', primitive) : !isRepeatableBetween(sourceCode, load.callee, load, write.call, 'receiver', primitive)) return undefined;
      if (!load.arguments.every((argument) => isRepeatableBetween(sourceCode, argument, load, write.call, 'argument', primitive) && !isNarrowedAt(argument) && !spansLinesInTemplate(argument))) return undefined;
      // The same-row test compares primary keys with `===`: plain values, and named as identifiers.
      if (!metadata.primaryColumns.every((column) => /^[A-Za-z_$][\w$]*$/.test(column.propertyName) && isComparableKey(target.expression, column.propertyName))) return undefined;
      // The loader must load them.
      if (!isRecallableLoader(classifier, tsNode(load), metadata) || !loaderReadsMeet(classifier, tsNode(load), metadata, 'keyed')) return undefined;
      const name = target.variable.name;
      const reloaded = unusedName(sourceCode, write.call, `reloaded${name.charAt(0).toUpperCase()}${name.slice(1)}`);
      const keys = metadata.primaryColumns.map((column) => column.propertyName);
      const sameRow = keys.length === 1
        ? `${reloaded}?.${keys.join('')} === ${name}.${keys.join('')}`
        : [`${reloaded} != null`, ...keys.map((key) => `${reloaded}.${key} === ${name}.${key}`)].join(' && ');
      // The call as written, its continuation lines indented relative to its statement.
      const base = indentationOf(sourceCode, load);
      const call = sourceCode.getText(load).split(/\r?\n/).map((line, index) => (index > 0 && line.startsWith(base) ? line.slice(base.length) : line)).join('\n');
      const statements = [
        `const ${reloaded} = await ${call};`,
        `if (!(${sameRow})) throw new Error('${metadata.className} was deleted or replaced by another writer during the wait');`,
        `Object.assign(${name}, ${reloaded});`,
      ];
      return reloadAfterWindowWith(write, target, load, statements, !strictNullChecks, { messageId: 'rewriteToLoaderRecallAfterWindow', loader: `${callLabel(load.callee)}()` });
    }

    /**
     * An argument whose type at the load is narrower than its declaration's (`id` tested before:
     * `id ? await load(id) : null`): the same text at the insertion point may not type-check.
     */
    function isNarrowedAt(argument: TSESTree.Node): boolean {
      const node = tsNode(argument);
      const symbol = checker.getSymbolAtLocation(node);
      if (symbol == null) return !(argument.type === AST_NODE_TYPES.Literal || argument.type === AST_NODE_TYPES.ObjectExpression || argument.type === AST_NODE_TYPES.ArrayExpression || argument.type === AST_NODE_TYPES.TemplateLiteral);
      return checker.typeToString(checker.getTypeAtLocation(node)) !== checker.typeToString(checker.getTypeOfSymbol(symbol));
    }

    /** A template literal over several lines: re-indenting the copied call would change its text. */
    function spansLinesInTemplate(argument: TSESTree.Node): boolean {
      return argument.loc.start.line !== argument.loc.end.line && /`/.test(sourceCode.getText(argument));
    }

    /** The entity's key property holds a primitive (a string, a number…), which `===` compares by value. */
    function isComparableKey(entity: TSESTree.Node, key: string): boolean {
      const property = checker.getPropertyOfType(checker.getNonNullableType(checker.getTypeAtLocation(tsNode(entity))), key);
      return property != null && isPrimitive(checker.getNonNullableType(checker.getTypeOfSymbol(property)));
    }

    function reloadAfterWindowWith(
      write: WriteSite,
      target: WriteTarget,
      load: TSESTree.CallExpression,
      statement: string | readonly string[],
      mayBeNull: boolean,
      recall?: { messageId: 'rewriteToLoaderRecallAfterWindow'; loader: string },
    ): Rewrite | undefined {
      const rewrite = reloadInsertedAfterWindow({ save: write.call, load, variable: target.variable, aliases: recorder.aliasesOf(target.variable) }, statement, mayBeNull);
      if (rewrite == null) return undefined;
      const awaited = rewrite.window.type === AST_NODE_TYPES.AwaitExpression ? rewrite.window.argument : rewrite.window.right;
      const data = { name: target.variable.name, awaited: callLabel(awaited), awaitLine: String(rewrite.window.loc.start.line) };
      if (recall != null) return { edits: rewrite.edits, equivalent: false, messageId: recall.messageId, data: { ...data, loader: recall.loader } };
      return { edits: rewrite.edits, equivalent: false, messageId: 'rewriteToReloadAfterWindow', data: { ...data, reload: String(statement) } };
    }

    /** The re-load statements inserted right after the last slow await before `save`, where that is sound. */
    function reloadInsertedAfterWindow(
      place: { save: TSESTree.CallExpression; load: TSESTree.CallExpression | TSESTree.Identifier; variable: Variable; aliases: readonly Variable[] },
      statement: string | readonly string[],
      mayBeNull: boolean,
    ): ReturnType<typeof buildReloadAfterWindowRewrite> {
      return buildReloadAfterWindowRewrite({
        sourceCode,
        ...place,
        reloadStatements: typeof statement === 'string' ? [`${statement};`] : statement,
        opensWindow: (node) => windowKindsOf(classifier.classifyAwaited(tsNode(node.type === AST_NODE_TYPES.AwaitExpression ? node.argument : node.right) as ts.Expression), windowKinds).length > 0,
        onlyReads,
        isLogging: (call) => isLoggingCall(checker, tsNode(call)),
        isPrimitive: (node) => isPrimitive(checker.getTypeAtLocation(tsNode(node))),
        isNonNull: (use) => isNonNullable(checker.getTypeAtLocation(tsNode(use))),
        mayBeNull,
      });
    }

    /**
     * The project's saver in this file opens the window itself: it awaits the slow call, then
     * changes and saves the object this code hands it. A re-load here, before the call, would
     * come too early; it goes inside the saver, right after its last slow await before its
     * `save()`, so the saver changes and saves the row as it is after that call. That holds for
     * every caller of the saver, so the suggestion says what a caller would lose: a change it made
     * to the object and left for the saver to save. Offered only where this caller leaves none
     * (it changes nothing before the call) and its load joined no relation and selected no
     * columns (a re-load by the key would not bring back the same, and a stale relation would be
     * saved).
     */
    function saverWindowReloadRewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata | undefined, fieldInfo: WrittenFields, load: LoadSite): Rewrite | undefined {
      const saveNode = write.saverWrite;
      if (saveNode == null || write.innerWindow == null || write.typeorm != null || write.diffingMethod !== 'save' || metadata == null) return undefined;
      if (target.relation != null || target.viaSpread || write.targets.length !== 1) return undefined;
      if (!fieldInfo.exact || fieldInfo.fields.length > 0 || fieldInfo.appends.length > 0) return undefined;
      if (load.kind !== 'read' || load.columns.relations.size > 0 || load.columns.select != null || load.columns.added != null || load.columns.queryBuilder === true) return undefined;
      // A suggestion edits the file being linted only.
      if (saveNode.getSourceFile() !== tsNode(write.call).getSourceFile()) return undefined;
      const save = services.tsNodeToESTreeNodeMap.get(saveNode) as TSESTree.Node | undefined;
      const saveCall = classifyTypeormCall(checker, saveNode);
      if (save?.type !== AST_NODE_TYPES.CallExpression || saveCall?.method !== 'save' || saveCall.override != null) return undefined;
      // The function this code calls saves the object itself, not through a saver of its own.
      const saver = enclosingFunction(save);
      const called = checker.getResolvedSignature(tsNode(write.call))?.declaration;
      if (saver == null || called == null || (called !== tsNode(saver) && called !== tsNode(saver.parent))) return undefined;
      // The edit changes the saver for every caller: only where this call is its only one (a
      // caller passing a new object would have its insert turned into a read of another row).
      if (onlyCaller(sourceCode, saver, write.call) == null) return undefined;
      const saved = saveCall.entityArgumentIndex == null ? (save.callee.type === AST_NODE_TYPES.MemberExpression ? save.callee.object : undefined) : save.arguments[saveCall.entityArgumentIndex];
      const parameter = saver.params[write.call.arguments.findIndex((argument) => argument === target.expression)];
      if (saved?.type !== AST_NODE_TYPES.Identifier || parameter?.type !== AST_NODE_TYPES.Identifier || saved.name !== parameter.name) return undefined;
      const variable = sourceCode.getDeclaredVariables(saver).find((candidate) => candidate.identifiers.includes(parameter));
      if (variable == null || !variable.references.some((reference) => reference.identifier === saved)) return undefined;
      const name = parameter.name;
      let statement: string;
      if (saveCall.api === 'BaseEntity' && saveCall.entityArgumentIndex == null) {
        statement = `await ${name}.reload()`;
      } else {
        const receiver = writeReceiverOf({ sourceCode, call: save, typeorm: saveCall, metadata, classNameInScope: isClassInScope(save, metadata) });
        const criteria = primaryKeyCriteria(metadata, name);
        // The receiver is evaluated again earlier in the saver: it must name the same thing there.
        if (receiver?.repeatable !== true || criteria == null || save.callee.type !== AST_NODE_TYPES.MemberExpression || !namesSameAt(save.callee.object, saver)) return undefined;
        statement = `Object.assign(${name}, await ${receiver.repositoryCall('findOneByOrFail', [criteria])})`;
      }
      const rewrite = reloadInsertedAfterWindow({ save, load: parameter, variable, aliases: [variable] }, statement, !strictNullChecks);
      if (rewrite == null) return undefined;
      const awaited = rewrite.window.type === AST_NODE_TYPES.AwaitExpression ? rewrite.window.argument : rewrite.window.right;
      return {
        edits: rewrite.edits,
        equivalent: false,
        messageId: 'rewriteToReloadInSaver',
        data: { saver: `${callLabel(write.call.callee)}()`, name, awaited: callLabel(awaited), awaitLine: String(rewrite.window.loc.start.line), reload: statement },
      };
    }

    /**
     * Every variable `expression` reads (a receiver: `this.repo`, `getRepository(Order)`) names the
     * same value anywhere in `saver`: declared outside its body (a parameter, an import, a module
     * constant), so it exists before the re-load, and never reassigned.
     */
    function namesSameAt(expression: TSESTree.Node, saver: TSESTree.Node & { body?: unknown }): boolean {
      const at = saver.body as TSESTree.Node;
      switch (expression.type) {
        case AST_NODE_TYPES.ThisExpression:
        case AST_NODE_TYPES.Literal:
          return true;
        case AST_NODE_TYPES.Identifier: {
          const declared = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0]?.name;
          if (declared == null || isInside(declared, at)) return false;
          return isSameValueAt(sourceCode, expression, at);
        }
        case AST_NODE_TYPES.MemberExpression:
          return namesSameAt(expression.object, saver) && (!expression.computed || namesSameAt(expression.property, saver));
        case AST_NODE_TYPES.CallExpression:
          return namesSameAt(expression.callee, saver) && expression.arguments.every((argument) => namesSameAt(argument, saver));
        default:
          return false;
      }
    }

    /** The load's receiver (`repo`, `this.orders`, `dataSource.getRepository(Order)`) names the same thing at `at`. */
    function isReceiverInScopeAt(load: TSESTree.CallExpression, at: TSESTree.Node): boolean {
      let root: TSESTree.Node = load.callee;
      while (root.type === AST_NODE_TYPES.MemberExpression || root.type === AST_NODE_TYPES.CallExpression) root = root.type === AST_NODE_TYPES.MemberExpression ? root.object : root.callee;
      if (root.type === AST_NODE_TYPES.ThisExpression) return true;
      if (root.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(load), root);
      return variable != null && variable === ASTUtils.findVariable(sourceCode.getScope(at), root.name);
    }

    function isClassInScope(node: TSESTree.Node, metadata: EntityMetadata): boolean {
      const classVariable = ASTUtils.findVariable(sourceCode.getScope(node), metadata.className);
      return classVariable?.defs.some((def) => def.type === TSESLint.Scope.DefinitionType.ImportBinding || def.type === TSESLint.Scope.DefinitionType.ClassName) ?? false;
    }

    /**
     * Whether a call leaves the entity's fields as they are: `log(order)`, `toDto(order)`,
     * `order.isPaid()` (a body the checker resolves that only reads it), or an earlier TypeORM
     * `save()` of it, which changes in memory only what it generates (ids, version, dates) —
     * never a field the code sets, which is all a rewrite writes. The project's function that
     * saves every field it sets right after setting it (`this.checkLink(order)`) leaves no
     * unsaved change either: what it set is in the row already.
     */
    function onlyReads(use: TSESTree.Identifier, write?: TSESTree.CallExpression): boolean {
      const parent = use.parent;
      if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === use && parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
        const call = tsNode(parent.parent);
        const typeorm = classifyTypeormCall(checker, call);
        return typeorm == null ? onlyReadsReceiver(checker, call) : typeorm.method === 'save' && typeorm.entityArgumentIndex == null && typeorm.override == null;
      }
      if (parent.type !== AST_NODE_TYPES.CallExpression && parent.type !== AST_NODE_TYPES.NewExpression) return false;
      const index = parent.arguments.indexOf(use);
      if (index < 0) return false;
      if (parent.type === AST_NODE_TYPES.CallExpression) {
        const typeorm = classifyTypeormCall(checker, tsNode(parent));
        if (typeorm?.method === 'save' && typeorm.entityArgumentIndex === index) return true;
      }
      if (onlyReadsArgument(checker, tsNode(parent), index)) return true;
      // A failure of the callee's save caught here would leave its change for this save to write.
      return parent.type === AST_NODE_TYPES.CallExpression && persistsArgument(checker, tsNode(parent), index) && !mayBeSwallowed(tsNode(parent), 'throw-or-return', write == null ? undefined : tsNode(write));
    }

    /** The rewrite of a stale `save()` of one entity, passed as itself or spread into a literal. */
    function rewriteFor(write: WriteSite, target: WriteTarget, metadata: EntityMetadata | undefined, fieldInfo: WrittenFields, load: LoadSite): Rewrite | undefined {
      const { typeorm } = write;
      if (typeorm == null || !['save', 'remove', 'softRemove'].includes(typeorm.method) || metadata == null || target.relation != null || write.targets.length !== 1) return undefined;
      if (typeorm.method !== 'save' && target.viaSpread) return undefined;
      // The saved argument is the entity itself, or the literal it is spread into (and, for an
      // entity manager, whose class the call names: a bare literal cannot be saved).
      const saved = typeorm.entityArgumentIndex == null ? write.call.callee : write.call.arguments[typeorm.entityArgumentIndex];
      const carrier = target.viaSpread ? target.expression.parent.parent : target.expression;
      if (typeorm.entityArgumentIndex == null ? write.call.callee.type !== AST_NODE_TYPES.MemberExpression || write.call.callee.object !== target.expression : saved !== carrier) return undefined;
      if (target.viaSpread && !isSpreadOnlyFirst(carrier)) return undefined;
      if (target.viaSpread && typeorm.api === 'EntityManager' && (typeorm.targetArgumentIndex == null || write.call.arguments.length < 2)) return undefined;
      if (checker.isArrayType(checker.getTypeAtLocation(tsNode(target.expression)))) return undefined;
      // A later save of the same object would write back what the update leaves to others: the
      // save being rewritten is what kept that one harmless. (Saves past a `return`/`throw` that
      // always follows this one never run after it.)
      if (recorder.isWrittenBetween(target.variable, write.call.range[1], endOfExitingBlock(write.call) ?? Number.POSITIVE_INFINITY, (later) => onExclusiveBranches(later, write.call, target.variable.scope.variableScope.block))) return undefined;
      const receiver = writeReceiverOf({ sourceCode, call: write.call, typeorm, metadata, classNameInScope: isClassInScope(write.call, metadata) });
      if (receiver == null || !holdsPrimaryKey(load, metadata)) return undefined;
      if (typeorm.method !== 'save') {
        if (!fieldInfo.exact || fieldInfo.appends.length > 0) return undefined;
        const keyed = buildKeyedDeleteRewrite({ sourceCode, call: write.call, method: typeorm.method, receiver, metadata, entity: target.expression, writtenFields: fieldInfo.fields });
        return keyed == null ? undefined : { edits: keyed.edits, equivalent: false, messageId: 'rewriteToKeyedDelete', data: { method: keyed.method, guarded: listText(keyed.guarded) } };
      }
      const [append, ...moreAppends] = fieldInfo.appends;
      if (append != null) {
        // Only an append to a loaded relation, and nothing else changed on the entity.
        const relation = metadata.byProperty.get(append.property);
        if (!fieldInfo.exact || fieldInfo.fields.length > 0 || moreAppends.length > 0 || target.viaSpread || relation == null) return undefined;
        if (!relation.eager && !load.columns.relations.has(relation.propertyName)) return undefined;
        const added = buildRelationAddRewrite({ sourceCode, call: write.call, receiver, owner: target.expression, append, relation });
        return added == null ? undefined : { edits: added.edits, equivalent: false, messageId: 'rewriteToRelationAdd', data: { added: added.added, relation: `${target.variable.name}.${added.relation}` } };
      }
      return buildStaleSaveRewrite({
        sourceCode,
        call: write.call,
        receiver,
        metadata,
        entity: target.expression,
        viaSpread: target.viaSpread,
        fieldInfo,
        loadEnd: load.node.range[1],
        aliases: recorder.aliasesOf(target.variable),
        listText,
      });
    }

    /**
     * Whether criteria built from the entity's primary key select its row: with a `select` that
     * leaves the key out, `{ id: e.id }` holds `undefined`, which TypeORM 0.3 drops from the
     * criteria (every row would be written) and 1.x rejects. A TypeORM read here must not select
     * without the key; a loader the rule followed must be shown to load it; an event's payload and
     * a loader named by the `loaders` option are taken as whole rows, what a request's parameter
     * decorator hands over is not.
     */
    function holdsPrimaryKey(load: LoadSite, metadata: EntityMetadata): boolean {
      const { select } = load.columns;
      if (select != null && !metadata.primaryColumns.every((column) => select.has(column.propertyName))) return false;
      if (load.kind !== 'read') return load.request !== true;
      if (load.loader.byOption === true || load.node.type !== AST_NODE_TYPES.CallExpression) return true;
      const call = tsNode(load.node);
      return classifyTypeormCall(checker, call) != null || loaderReadsMeet(classifier, call, metadata, 'keyed');
    }

    /** Whether the rewrite may be applied unreviewed: update() would skip no listener, and no comment is lost. */
    function canAutofix(metadata: EntityMetadata | undefined, rewrite: Rewrite, target: TSESTree.Expression): boolean {
      if (metadata == null) return false;
      if (metadata.listeners.has('BeforeUpdate') || metadata.listeners.has('AfterUpdate')) return false;
      if (checker.isArrayType(checker.getTypeAtLocation(tsNode(target)))) return false;
      const comments = sourceCode.getAllComments();
      return !rewrite.edits.some((edit) => edit.range[1] > edit.range[0] && comments.some((comment) => comment.range[0] >= edit.range[0] && comment.range[1] <= edit.range[1]));
    }

    return recorder.listeners();
  },
});







function hasFresh(state: FlowState): boolean {
  for (const states of state.values()) for (const fact of states) if (fact.kind === 'fresh') return true;
  return false;
}


/**
 * Which window to name when several awaits (or several paths) lead to the write: the strongest
 * evidence of a slow wait (network, then timer, then unknown); among equals the clearest, the one
 * with the fewest calls between the await and the I/O (a deep chain is more often a branch that
 * only some configurations take), and any chain before one through a lazy initialisation or a
 * cache fill; then the earliest await — the one that opened the window.
 */
function pickStale(stale: readonly StaleFact[], evidence: (window: AwaitSite) => { kind: number; chain: number }): StaleFact | undefined {
  let best: { fact: StaleFact; kind: number; chain: number } | undefined;
  for (const fact of stale) {
    const { kind, chain } = evidence(fact.window);
    const better =
      best == null || kind < best.kind || (kind === best.kind && (chain < best.chain || (chain === best.chain && fact.window.id < best.fact.window.id)));
    if (better) best = { fact, kind, chain };
  }
  return best?.fact;
}

/** Shorter chains are clearer; a chain through a lazy initialisation or a cache fill comes after any other. */
function chainRank(chain: readonly string[]): number {
  return isOnceOnlyChain(chain) ? Number.MAX_SAFE_INTEGER / 2 + chain.length : chain.length;
}

function loaderText(load: ReadLoadSite): string {
  const [first, ...rest] = load.loader.chain;
  return rest.length === 0 ? `${first ?? 'a load'}()` : `${first ?? ''}() → ${rest.join(' → ')}()`;
}

function awaitedText(info: AwaitSite): string {
  return callLabel(info.operand);
}

/** Where the window opened, as the message says it: `after \`await x()\``, or in a `.then()` callback of it. */
function windowText(info: AwaitSite): string {
  return info.callback == null ? `after \`await ${awaitedText(info)}\`` : `in the \`.${info.callback}()\` callback of \`${awaitedText(info)}\``;
}


function listText(names: readonly string[]): string {
  if (names.length <= MAX_LISTED_COLUMNS) return names.join(', ');
  return `${names.slice(0, MAX_LISTED_COLUMNS).join(', ')} and ${String(names.length - MAX_LISTED_COLUMNS)} more`;
}

function adviceText(fieldInfo: WrittenFields, metadata: EntityMetadata | undefined): string {
  if (fieldInfo.derived.length > 0) {
    const numeric = metadata != null && fieldInfo.derived.every((field) => {
      const column = metadata.byProperty.get(field);
      return column != null && isNumericColumn(column);
    });
    return numeric
      ? `Change ${listText(fieldInfo.derived)} in the database (increment()/decrement(), or an update() that computes the new value in SQL) instead of from the object loaded before the await.`
      : `Re-load it after the await and derive ${listText(fieldInfo.derived)} from the row as it is then, or compute the new value in SQL.`;
  }
  if (fieldInfo.appends.length > 0) {
    const appended = [...new Set(fieldInfo.appends.map((append) => append.property))];
    const joinRows = appended.every((property) => metadata?.byProperty.get(property)?.relationKind === 'many-to-many');
    if (!joinRows || !fieldInfo.exact) return `Write only what this code changes (${listText([...fieldInfo.fields, ...appended])}) with single statements, or re-load it after the await.`;
    const add = `add the new ${listText(appended)} with RelationQueryBuilder.add()`;
    return fieldInfo.fields.length === 0 ? `${capitalize(add)} instead of saving the loaded array.` : `Update only ${listText(fieldInfo.fields)} with update(), and ${add}.`;
  }
  if (fieldInfo.fields.length === 0) {
    return 'Re-load it after the await, or write only the fields this code changes with update().';
  }
  const states = metadata == null ? [] : fieldInfo.fields.filter((field) => {
    const column = metadata.byProperty.get(field);
    return column != null && isStateColumn(column, NO_STATE_OPTIONS);
  });
  if (fieldInfo.exact && states.length > 0) {
    return `Update only ${listText(fieldInfo.fields)} with a compare-and-set update(): the loaded ${listText(states)} in its criteria, and \`affected\` checked.`;
  }
  return fieldInfo.exact
    ? `Update only ${listText(fieldInfo.fields)} with update().`
    : `Write only the fields this code changes (${listText(fieldInfo.fields)}, …) with update(), or re-load it after the await.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `{ ...entity, f: v }`: one spread, first, so the literal's own keys are what it adds. */
function isSpreadOnlyFirst(literal: TSESTree.Node | undefined): boolean {
  if (literal?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  const [first, ...rest] = literal.properties;
  return first?.type === AST_NODE_TYPES.SpreadElement && rest.every((property) => property.type === AST_NODE_TYPES.Property && !property.computed);
}

/** `['lines', 'customer']`, `{ lines: { product: true } }`: names only, nothing evaluated. */
function isConstantLiteral(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.Literal) return typeof node.value === 'string' || typeof node.value === 'boolean';
  if (node.type === AST_NODE_TYPES.ArrayExpression) return node.elements.every((element) => element != null && isConstantLiteral(element));
  if (node.type === AST_NODE_TYPES.ObjectExpression) {
    return node.properties.every((property) => property.type === AST_NODE_TYPES.Property && !property.computed && property.kind === 'init' && !property.method && !property.shorthand && isConstantLiteral(property.value));
  }
  return false;
}


/** Neither `null` nor `undefined` (nor `any`, which could be either). */
function isNonNullable(type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((part) => (part.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) === 0);
}

/** Find options a re-load by the primary key may leave out: they choose rows or order them, not what a row holds. */
const ROW_CHOOSING_OPTIONS: ReadonlySet<string> = new Set(['where', 'order', 'skip', 'take', 'cache', 'comment', 'transaction']);

/**
 * The options of a `find…()` load when a re-load by the primary key brings back the same shape of
 * row: written out in full, nothing in them but what chooses rows, and relations (to join again)
 * named by literals only. `undefined` for a `select`, a `lock`, `withDeleted`, options built
 * elsewhere, or relations named by a variable. (`find…By()` takes criteria only.)
 */
function reloadableOptionsOf(call: TSESTree.CallExpression, typeorm: TypeormCall): { relations?: TSESTree.Node } | undefined {
  if (typeorm.method.includes('By')) return {};
  // `manager.findOne(Order, { … })`: the class comes first.
  const options = call.arguments[typeorm.api === 'EntityManager' ? 1 : 0];
  if (options == null) return {};
  if (options.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  let relations: TSESTree.Node | undefined;
  for (const property of options.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) return undefined;
    if (property.key.name === 'relations' && isConstantLiteral(property.value)) relations = property.value;
    else if (!ROW_CHOOSING_OPTIONS.has(property.key.name)) return undefined;
  }
  return relations == null ? {} : { relations };
}

/** `{ ...order, id: other }`: the literal names a primary key of its own. */
function setsPrimaryKey(literal: TSESTree.Node | undefined, metadata: EntityMetadata): boolean {
  if (literal?.type !== AST_NODE_TYPES.ObjectExpression) return true;
  const keys = new Set(metadata.primaryColumns.map((column) => column.propertyName));
  return literal.properties.some((property) => property.type === AST_NODE_TYPES.Property && (property.computed || (property.key.type === AST_NODE_TYPES.Identifier && keys.has(property.key.name))));
}

/** `{ bot: true }`, `['bot']`: the relations option names `relation` at its top level. */
function namesRelation(relations: TSESTree.Node, relation: string): boolean {
  if (relations.type === AST_NODE_TYPES.ArrayExpression) return relations.elements.some((element) => element?.type === AST_NODE_TYPES.Literal && element.value === relation);
  return relations.type === AST_NODE_TYPES.ObjectExpression && relations.properties.some((property) => property.type === AST_NODE_TYPES.Property && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === relation && !(property.value.type === AST_NODE_TYPES.Literal && property.value.value === false));
}
