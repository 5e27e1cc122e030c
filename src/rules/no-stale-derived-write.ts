import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import type { RecordedCodePath } from '../flow/event-log.js';
import { FactTable } from '../flow/facts.js';
import { factMapLattice, withFacts, type FactMap, type FactSet } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { AWAIT_KINDS, getAwaitClassifier, skipOuterExpressions, windowKindsOf, type AwaitKind, type AwaitSummary } from '../utils/calls/await-classification.js';
import { callLabel, reasonText } from '../utils/calls/call-labels.js';
import type { AwaitSite, ReadSite, RowEvent, ValueUse, Variable, WriteCandidate } from '../utils/orm/row-flow-events.js';
import { mayReadAndWriteRows, RowFlowRecorder } from '../utils/orm/row-flow-recorder.js';
import type { RelativeChange, RowRead, RowWrite, WriteRewrite, WrittenValue } from '../utils/orm/row-model.js';
import { rowReadOf, rowWriteOf } from '../utils/orm/rows.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { awaitClassificationSchema } from '../utils/plugin/option-schemas.js';
import { recordReportDetails, type RuleDetails } from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';

export interface NoStaleDerivedWriteOptions {
  windowKinds?: AwaitKind[];
  networkModules?: string[];
  localModules?: string[];
  withoutWindow?: boolean;
}

type Options = [NoStaleDerivedWriteOptions];
export type MessageIds = RuleDetails<'no-stale-derived-write'>['messageId'] | 'compareAndSet';

/** A variable holds a row (or a value copied from its `field`) as read, or as read before a window opened. */
type RowFact = FreshFact | StaleFact;
interface FreshFact {
  kind: 'fresh';
  read: ReadSite;
  field: string | undefined;
  /** Fields the code set on the row object since it was read (`x.snippet = answer`): no longer the row's. */
  set: ReadonlySet<string>;
  /** Fields the code changed from their value as read (`x.points += 1`): derived, but not the value read. */
  changed: ReadonlySet<string>;
}
interface StaleFact {
  kind: 'stale';
  read: ReadSite;
  field: string | undefined;
  set: ReadonlySet<string>;
  changed: ReadonlySet<string>;
  window: AwaitSite;
}

type FlowState = FactMap<Variable, RowFact>;

/** A value written from a row as read: the use, the row's fact there, and what it resolved to. */
interface Derivation {
  value: WrittenValue;
  use: ValueUse;
  /** The field of the row the use reads (`…` for a spread of the row). */
  field: string;
  fact: RowFact;
  read: RowRead;
}

const DEFAULT_WINDOW_KINDS: AwaitKind[] = ['network', 'unknown', 'timer'];

export default createRule<Options, MessageIds>({
  name: 'no-stale-derived-write',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow writing a value computed from a row read before a network await: a change made to the row meanwhile is lost',
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
            'Which kinds of awaited call between the read and the write make the row stale.',
            'More packages whose calls are local work that never makes a row stale.',
          ),
          withoutWindow: {
            type: 'boolean',
            description: 'Whether a value computed from a row read with no such await before the write is reported too (another process can still change the row between the read and the write).',
          },
        },
      },
    ],
    defaultOptions: [{ windowKinds: DEFAULT_WINDOW_KINDS, networkModules: [], localModules: [], withoutWindow: false }],
    messages: {
      staleDerivedWrite:
        '`{{field}}` is written from `{{source}}`, read by {{reader}} at line {{readLine}} before `await {{awaited}}` (line {{awaitLine}}, {{reason}}): {{write}} writes a value computed from the row as it was, losing any change made to it since. {{advice}}',
      staleSpreadWrite:
        '`...{{source}}` writes the fields of the row read by {{reader}} at line {{readLine}} before `await {{awaited}}` (line {{awaitLine}}, {{reason}}): {{write}} writes them back as they were, reverting any change made to them since. {{advice}}',
      derivedWrite:
        '`{{field}}` is written from `{{source}}`, read by {{reader}} at line {{readLine}}: another request can change the row before {{write}} writes the value computed from it, and that change is lost. {{advice}}',
      compareAndSet: 'Write `{{field}}` only while the row still holds the value read: {{condition}}.',
    },
  },
  create(context, [options]) {
    // Most files neither read rows nor write values: no listeners at all for them.
    if (!mayReadAndWriteRows(context.sourceCode.text)) return {};
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const classifier = getAwaitClassifier(services.program, {
      networkModules: options.networkModules ?? [],
      localModules: options.localModules ?? [],
    });
    const windowKinds = new Set(options.windowKinds ?? DEFAULT_WINDOW_KINDS);
    const withoutWindow = options.withoutWindow === true;
    const { sourceCode } = context;
    const tsNode = (node: TSESTree.Node): ts.Node => services.esTreeNodeToTSNodeMap.get(node);
    const esNode = (node: ts.Node): TSESTree.Node | undefined => services.tsNodeToESTreeNodeMap.get(node);

    const recorder = new RowFlowRecorder({
      sourceCode,
      onFileEnd: (codePaths) => {
        for (const path of codePaths) analyse(path);
      },
    });
    const facts = {
      fresh: new FactTable((read: ReadSite, field: string | undefined, set: string, changed: string): RowFact => ({ kind: 'fresh', read, field, set: fieldSet(set), changed: fieldSet(changed) })),
      stale: new FactTable((read: ReadSite, field: string | undefined, set: string, changed: string, window: AwaitSite): RowFact => ({ kind: 'stale', read, field, set: fieldSet(set), changed: fieldSet(changed), window })),
    };
    const awaitSummaries = new Map<AwaitSite, AwaitSummary>();
    const reads = new Map<ReadSite, RowRead | null>();
    const writes = new Map<WriteCandidate, RowWrite | null>();
    /** The state inline callbacks are created in, from their enclosing function's solution. */
    const closureEntries = new Map<TSESTree.Node, FlowState>();

    function readAt(site: ReadSite): RowRead | undefined {
      let read = reads.get(site);
      if (read === undefined) {
        const call = tsNode(site.call) as ts.CallExpression;
        read = rowReadOf(checker, call) ?? null;
        reads.set(site, read);
      }
      return read ?? undefined;
    }

    function writeAt(candidate: WriteCandidate): RowWrite | undefined {
      let write = writes.get(candidate);
      if (write === undefined) {
        // Only a use of a real row makes the type query on the write worth it.
        const fromRows = candidate.uses.some((use) => {
          const site = recorder.readOf(use.variable);
          return site != null && readAt(site) != null;
        });
        write = fromRows ? (rowWriteOf(checker, tsNode(candidate.call) as ts.CallExpression) ?? null) : null;
        writes.set(candidate, write);
      }
      return write ?? undefined;
    }

    /**
     * The variables whose rows a write's values may be computed from: uses inside the values (not
     * the condition) that read no field naming the row. Only while one of them is as read does an
     * await need classifying.
     */
    function valueSources(candidate: WriteCandidate): Variable[] {
      const write = writeAt(candidate);
      if (write == null) return [];
      const ranges = write.values.map((value) => [value.property.getStart(), value.property.getEnd()] as const);
      return candidate.uses
        .filter((use) => ranges.some(([start, end]) => use.node.range[0] >= start && use.node.range[1] <= end))
        .filter((use) => {
          const site = recorder.readOf(use.variable);
          const read = site == null ? undefined : readAt(site);
          return read != null && (use.field == null || !read.identityFields.has(use.field));
        })
        .map((use) => use.variable);
    }

    function summaryOfAwait(site: AwaitSite): AwaitSummary {
      let summary = awaitSummaries.get(site);
      if (summary == null) {
        summary = classifier.classifyAwaited(tsNode(site.operand) as ts.Expression);
        awaitSummaries.set(site, summary);
      }
      return summary;
    }

    const kindOf = (site: AwaitSite): AwaitKind | undefined => windowKindsOf(summaryOfAwait(site), windowKinds)[0];

    function analyse(recorded: RecordedCodePath<RowEvent>): void {
      if (!recorder.writesIn(recorded.node)) return;
      const events = recorded.allEvents;
      const written = new Set<Variable>();
      for (const event of events) {
        if (event.type === 'write') for (const variable of valueSources(event.write)) written.add(variable);
        if (event.type === 'closure') for (const variable of recorder.variablesWrittenIn(event.fn)) written.add(variable);
      }
      if (written.size === 0) return;
      const relevant = withSources(events, written);

      // An inline callback starts in the state it was created in; any other function may run
      // any time, so the rows it captures start as read.
      const initial = new Map<Variable, FactSet<RowFact>>(closureEntries.get(recorded.node) ?? []);
      if (!closureEntries.has(recorded.node)) {
        const boundHere = new Set(events.flatMap((event) => ('variable' in event ? [event.variable] : [])));
        for (const variable of written) {
          const site = recorder.readOf(variable);
          if (!boundHere.has(variable) && site != null) initial.set(variable, new Set([facts.fresh.of(site, undefined, '', '')]));
        }
      }

      /**
       * Whether classifying an await can change a report: a row used by a write is as read, or
       * stale only since weaker evidence than a network call (a later network call is the one to cite).
       */
      const awaitMatters = (state: FlowState): boolean => {
        for (const [variable, states] of state) {
          if (!relevant.has(variable)) continue;
          let network = false;
          for (const fact of states) {
            if (fact.kind === 'fresh') return true;
            if (kindOf(fact.window) === 'network') network = true;
          }
          if (!network) return true;
        }
        return false;
      };

      solveFlow<RowEvent, FlowState>(recorded, {
        lattice: factMapLattice(),
        initial,
        finallyEntry: 'every-path',
        transfer(state, event, step) {
          switch (event.type) {
            case 'read':
              return withFacts(state, event.variable, new Set([facts.fresh.of(event.read, event.field, '', '')]));
            case 'alias':
              return withFacts(state, event.variable, copied(state.get(event.source), event.field));
            case 'kill':
              return withFacts(state, event.variable, undefined);
            case 'assign':
              return withFieldAssigned(state, event.variable, event.field, event.derived);
            case 'await': {
              if (!awaitMatters(state) || kindOf(event.site) == null) return state;
              const stale = markStale(state, event.site);
              step.throwTo(event.site.handlers, stale);
              return stale;
            }
            case 'closure':
              if (step.replaying) {
                const before = closureEntries.get(event.fn);
                closureEntries.set(event.fn, before == null ? state : factMapLattice<Variable, RowFact>().join(before, state));
              }
              return state;
            case 'write':
              if (step.replaying) check(event.write, state);
              return state;
          }
        },
      });
    }

    /** A row's facts as a copy sees them: the row itself, or the value of one of its fields. */
    function copied(states: FactSet<RowFact> | undefined, field: string | undefined): FactSet<RowFact> {
      if (states == null || field == null) return states ?? new Set();
      const next = new Set<RowFact>();
      for (const fact of states) {
        // A copy of a value the code set is not the row's.
        if (fact.field != null || fact.set.has(field)) continue;
        const changed = fact.changed.has(field) ? field : '';
        next.add(fact.kind === 'fresh' ? facts.fresh.of(fact.read, field, '', changed) : facts.stale.of(fact.read, field, '', changed, fact.window));
      }
      return next;
    }

    /**
     * `x.field = value`: on this path, `x.field` holds what the code set, not the row's value; or,
     * when the value is computed from rows read (`x.points += 1`), a value derived from them that
     * is no longer the value read (no compare-and-set can expect it).
     */
    function withFieldAssigned(state: FlowState, variable: Variable, field: string, derived: boolean): FlowState {
      const states = state.get(variable);
      if (states == null) return state;
      const next = new Set<RowFact>();
      for (const fact of states) {
        if (fact.field != null || fact.set.has(field)) {
          next.add(fact);
          continue;
        }
        const set = setKey(derived ? fact.set : new Set([...fact.set, field]));
        const changed = setKey(derived ? new Set([...fact.changed, field]) : fact.changed);
        next.add(fact.kind === 'fresh' ? facts.fresh.of(fact.read, undefined, set, changed) : facts.stale.of(fact.read, undefined, set, changed, fact.window));
      }
      return withFacts(state, variable, next);
    }

    /** A window: every row held is stale since this await; one stale already keeps its earlier windows. */
    function markStale(state: FlowState, window: AwaitSite): FlowState {
      const next = new Map<Variable, FactSet<RowFact>>();
      for (const [variable, states] of state) {
        const updated = new Set<RowFact>();
        for (const fact of states) {
          if (fact.kind === 'stale') updated.add(fact);
          updated.add(facts.stale.of(fact.read, fact.field, setKey(fact.set), setKey(fact.changed), window));
        }
        next.set(variable, updated);
      }
      return next;
    }

    /** The reports a write deserves in `state`: one per value derived from a stale row. */
    function check(candidate: WriteCandidate, state: FlowState): void {
      const write = writeAt(candidate);
      if (write == null) return;
      const conditions = write.conditions.map(esNode).filter((node) => node != null);
      const guardedReads = new Set<ReadSite>();
      for (const use of conditions.flatMap((condition) => recorder.usesIn(condition))) {
        for (const fact of state.get(use.variable) ?? []) {
          const field = use.field ?? fact.field;
          const read = readAt(fact.read);
          if (field != null && read != null && !read.identityFields.has(field)) guardedReads.add(fact.read);
        }
      }
      // Prisma's `{ increment: a }` and the like are values of their own under one property: one report each property.
      const byProperty = new Map<TSESTree.Node, Derivation[]>();
      for (const value of write.values) {
        const property = esNode(value.property);
        if (property == null) continue;
        const derivations = byProperty.get(property) ?? [];
        const [start, end] = value.spread ? property.range : [value.value.getStart(), value.value.getEnd()];
        for (const use of recorder.usesIn(property)) {
          if (use.node.range[0] < start || use.node.range[1] > end) continue;
          const held = [...(state.get(use.variable) ?? [])];
          for (const fact of held) {
            // `if (patch.email) account.email = patch.email; update(…, { email: account.email })`:
            // the code's own value where it set one; the paths are not told apart, so a field set
            // on any path is taken as set.
            if (use.field != null && held.some((other) => other.read === fact.read && other.set.has(use.field as string))) continue;
            const derivation = derivationOf(write, value, use, fact, guardedReads);
            if (derivation != null) derivations.push(derivation);
          }
        }
        byProperty.set(property, derivations);
      }
      for (const [property, derivations] of byProperty) {
        const chosen = pickDerivation(derivations);
        if (chosen != null) report(write, property, chosen);
      }
    }

    function derivationOf(write: RowWrite, value: WrittenValue, use: ValueUse, fact: RowFact, guardedReads: ReadonlySet<ReadSite>): Derivation | undefined {
      if (fact.kind === 'fresh' && !withoutWindow) return undefined;
      if (guardedReads.has(fact.read)) return undefined;
      const read = readAt(fact.read);
      if (read == null || (read.target != null && write.target != null && read.target !== write.target)) return undefined;
      if (use.spread) return fact.field == null ? { value, use, field: '…', fact, read } : undefined;
      const field = use.field ?? fact.field;
      if (field == null || (use.field != null && fact.field != null) || read.identityFields.has(field) || (use.field != null && fact.set.has(field))) return undefined;
      return { value, use, field, fact, read };
    }

    /** The strongest evidence of a window (network, timer, unknown), then the earliest; a stale row before one as read. */
    function pickDerivation(derivations: readonly Derivation[]): Derivation | undefined {
      const rank = (derivation: Derivation): number => {
        if (derivation.fact.kind === 'fresh') return AWAIT_KINDS.length + 1;
        const kind = kindOf(derivation.fact.window);
        return kind == null ? AWAIT_KINDS.length : AWAIT_KINDS.indexOf(kind);
      };
      let best: { derivation: Derivation; rank: number; order: number } | undefined;
      for (const derivation of derivations) {
        const candidate = { derivation, rank: rank(derivation), order: derivation.fact.kind === 'stale' ? derivation.fact.window.id : -1 };
        if (best == null || candidate.rank < best.rank || (candidate.rank === best.rank && candidate.order < best.order)) best = candidate;
      }
      return best?.derivation;
    }

    function report(write: RowWrite, property: TSESTree.Node, derivation: Derivation): void {
      const { value, use, field, fact, read } = derivation;
      const writeNode = esNode(write.call) ?? property;
      const source = sourceCode.getText(use.spread ? (use.node as TSESTree.SpreadElement).argument : use.node);
      const sameTarget = read.target != null && read.target === write.target;
      // A field the code changed since the read no longer holds the value read: neither form applies to it.
      const changed = fact.changed.has(field);
      const change = use.spread || !sameTarget || changed ? undefined : relativeChangeOf(value, use, field);
      const atomic = change == null ? undefined : write.atomicChange(value, change);
      const guard = use.spread || atomic != null || !sameTarget || changed || !isComparable(use) ? undefined : write.compareAndSet(field, source);
      const advice = use.spread ? 'Write only the fields this code changes.' : adviceText(field, atomic, guard);
      const readerLabel = callLabel(fact.read.call);
      const data: Record<string, string> = {
        field: use.spread ? '…' : value.field,
        source,
        reader: readerLabel,
        readLine: String(fact.read.line),
        write: callLabel(writeNode),
        advice,
      };
      let messageId: RuleDetails<'no-stale-derived-write'>['messageId'] = 'derivedWrite';
      if (fact.kind === 'stale') {
        const kind = kindOf(fact.window) ?? 'unknown';
        const chain = summaryOfAwait(fact.window).get(kind) ?? [];
        data.awaited = callLabel(fact.window.operand);
        data.awaitLine = String(fact.window.node.loc.start.line);
        data.reason = reasonText(kind, chain);
        messageId = use.spread ? 'staleSpreadWrite' : 'staleDerivedWrite';
        recordDetails(messageId, property, writeNode, data, { kind, chain: [...chain] }, atomic, guard);
      } else {
        recordDetails(messageId, property, writeNode, data, undefined, atomic, guard);
      }
      const atomicEdits = atomic?.edits;
      const guardEdits = guard?.edits;
      context.report({
        node: property,
        messageId,
        data,
        ...(atomicEdits == null ? {} : { fix: (fixer: TSESLint.RuleFixer) => atomicEdits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)) }),
        ...(guardEdits == null || guard == null
          ? {}
          : {
              suggest: [
                {
                  messageId: 'compareAndSet',
                  data: { field: value.field, condition: guard.text },
                  fix: (fixer: TSESLint.RuleFixer) => guardEdits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
                },
              ],
            }),
      });
    }

    function recordDetails(
      messageId: RuleDetails<'no-stale-derived-write'>['messageId'],
      property: TSESTree.Node,
      writeNode: TSESTree.Node,
      data: Readonly<Record<string, string>>,
      window: { kind: AwaitKind; chain: string[] } | undefined,
      atomic: WriteRewrite | undefined,
      guard: WriteRewrite | undefined,
    ): void {
      recordReportDetails(context, property, messageId, () => ({
        rule: 'no-stale-derived-write',
        messageId,
        advice: data.advice ?? '',
        field: data.field ?? '',
        source: data.source ?? '',
        read: { label: data.reader ?? '', line: Number(data.readLine) },
        write: { label: data.write ?? '', line: writeNode.loc.start.line },
        ...(window == null ? {} : { window: { label: data.awaited ?? '', line: Number(data.awaitLine), ...window } }),
        ...(atomic == null ? {} : { atomic: atomic.text }),
        ...(guard == null ? {} : { compareAndSet: guard.text }),
      }));
    }

    /**
     * `wallet.balance - amount` (or `amount + wallet.balance`) written to `balance` of the same
     * rows: a number column changed by an amount that owes nothing to the rows read.
     */
    function relativeChangeOf(value: WrittenValue, use: ValueUse, field: string): RelativeChange | undefined {
      if (!value.replaceable || field !== value.field) return undefined;
      const expression = skipOuterExpressions(value.value);
      if (!ts.isBinaryExpression(expression)) return undefined;
      const operator = expression.operatorToken.kind === ts.SyntaxKind.PlusToken ? '+' : expression.operatorToken.kind === ts.SyntaxKind.MinusToken ? '-' : undefined;
      if (operator == null) return undefined;
      const useNode = tsNode(use.node);
      const left = skipOuterExpressions(expression.left);
      const right = skipOuterExpressions(expression.right);
      const amount = left === useNode ? expression.right : operator === '+' && right === useNode ? expression.left : undefined;
      if (amount == null || !isPlainNumber(useNode) || !isPlainNumber(amount)) return undefined;
      const amountNode = esNode(amount);
      if (amountNode == null || recorder.usesIn(amountNode).length > 0) return undefined;
      return { operator, amount };
    }

    function isPlainNumber(node: ts.Node): boolean {
      const type = checker.getTypeAtLocation(node);
      return (type.flags & ts.TypeFlags.NumberLike) !== 0 && !type.isUnion();
    }

    /** A value a condition can compare for equality: a string, number, boolean or enum, never null. */
    function isComparable(use: ValueUse): boolean {
      const type = checker.getTypeAtLocation(tsNode(use.node));
      const parts = type.isUnion() ? type.types : [type];
      return parts.every((part) => (part.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.EnumLike | ts.TypeFlags.BigIntLike)) !== 0);
    }

    return recorder.listeners();
  },
});

/** Fields as a fact table key: sorted, joined. */
function setKey(fields: ReadonlySet<string>): string {
  return [...fields].sort().join('\n');
}

function fieldSet(key: string): ReadonlySet<string> {
  return new Set(key === '' ? [] : key.split('\n'));
}

/** The variables `written` and, through aliases, every variable they were copied from. */
function withSources(events: readonly (RowEvent | { type: 'catch-entry' | 'finally-entry' | 'try-completed' })[], written: ReadonlySet<Variable>): Set<Variable> {
  const sourcesOf = new Map<Variable, Variable[]>();
  for (const event of events) {
    if (event.type === 'alias') sourcesOf.set(event.variable, [...(sourcesOf.get(event.variable) ?? []), event.source]);
  }
  const relevant = new Set(written);
  const pending = [...written];
  for (let variable = pending.pop(); variable != null; variable = pending.pop()) {
    for (const source of sourcesOf.get(variable) ?? []) {
      if (!relevant.has(source)) {
        relevant.add(source);
        pending.push(source);
      }
    }
  }
  return relevant;
}

function adviceText(field: string, atomic: WriteRewrite | undefined, guard: WriteRewrite | undefined): string {
  if (atomic != null) return `Let the database compute it: \`${atomic.text}\`.`;
  if (guard != null) return `Write it only while \`${field}\` still holds the value read (\`${guard.text}\`) and check that the write matched the row, or re-read the row after the await.`;
  return 'Re-read the row after the await, or compute the new value in the database.';
}

