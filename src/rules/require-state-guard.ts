import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import { namesReaching } from '../utils/calls/call-name-gates.js';
import { callLabel } from '../utils/calls/call-labels.js';
import { isTestFile } from '../utils/calls/module-origin.js';
import { andWhereGuardFix, criteriaGuardFix, type GuardFix } from '../utils/fixes/state-guards.js';
import type { WriteOutcome } from '../utils/orm/row-model.js';
import { stateFilteredRowReadBefore } from '../utils/orm/state-filtered-reads.js';
import { conditionNamesOneRow, guardsStateTransition, stateAsRead, stateTestBefore, stateTransitionOf, type StateTransition } from '../utils/orm/state-transitions.js';
import { createRule } from '../utils/plugin/create-rule.js';
import {
  columnRefOf,
  entityRefAt,
  entityRefOf,
  fillTemplate,
  recordObservation,
  recordReportDetails,
  type GuardRef,
  type StateGuardDetails,
} from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';
import type { ColumnMetadata, EntityMetadata } from '../utils/typeorm/entity-metadata.js';
import { guardedQueryBuilderUpdate, guardedRepositoryUpdate } from '../utils/typeorm/guarded-updates.js';
import { literalMayCarryPrimaryKey } from '../utils/typeorm/inserted-rows.js';
import { argumentForParameter, criteriaColumns, updatedEntity } from '../utils/typeorm/repository-updates.js';
import { loadedState, stateCheckBefore } from '../utils/typeorm/state-checks.js';
import { stateFilteredReadBefore } from '../utils/typeorm/state-filtered-reads.js';
import {
  columnNames,
  columnsNamed,
  conditionColumns,
  conditionGuards,
  entityOfReceiver,
  guardsTransition,
  type StateColumnOptions,
  type WrittenColumn,
} from '../utils/typeorm/state-columns.js';
import { mayWriteKnownState, stateTransitions } from '../utils/typeorm/state-transitions.js';
import { classifyTypeormCall } from '../utils/typeorm/typeorm-calls.js';
import { isOutcomeDiscarded, presenceOnlyTest } from '../utils/typeorm/update-outcomes.js';
import { isUpdateQueryBuilderExecute } from '../utils/typeorm/update-query-builders.js';
import { updateWrapperOfCall } from '../utils/typeorm/update-wrappers.js';
import { callChain, columnsCheckedByChain, conditionKeepingMethod, overriddenConditionOf } from '../utils/typeorm/where-chains.js';

export interface RequireStateGuardOptions {
  stateColumns?: string[];
  guardColumns?: string[];
  checkAffected?: boolean;
  blindTransitions?: boolean;
}

type Options = [RequireStateGuardOptions];
/** The reports' message ids are the contract's (report-details), and the suggestions'. */
export type MessageIds = StateGuardDetails['messageId'] | 'addGuard' | 'useAndWhere';

/** The TypeORM method a project's update wrapper calls (the seed of its name gate). */
const UPDATE_METHODS = ['update'];

/** The where-methods of a query builder chain whose condition may name the state. */
const WHERE_METHODS: ReadonlySet<string> = new Set(['where', 'andWhere', 'orWhere']);

/** How messages name a query-builder update (its `execute()` call). */
const QUERY_BUILDER_UPDATE = 'This update';

/** The sentence each report ends with: what to do. The audit shows it as the recommendation. */
const ADVICE: Readonly<Record<StateGuardDetails['messageId'], string>> = {
  unguardedTransition: 'Put the expected prior state in the condition and check {{outcome}}.',
  checkThenAct: 'Move the check into the condition and check {{outcome}}.',
  whereOverrides: 'Use `.{{replacement}}()`.',
  uncheckedOutcome: 'Check {{outcome}} (e.g. `{{example}}`).',
  presenceCheckOnly: 'Test the count (e.g. `if (!result.affected) return;`).',
};

/** How a TypeORM update tells whether it matched a row (the row model says it for the other ORMs). */
const AFFECTED: WriteOutcome = { check: '`affected`', example: 'if (!result.affected) return;', throwsWhenMissed: false };

export default createRule<Options, MessageIds>({
  name: 'require-state-guard',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require state transitions to be compare-and-set updates whose outcome is checked',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          stateColumns: {
            type: 'array',
            description: 'More columns (property or database names) that hold a state; status/state/stage/phase and enum- or string-literal-typed columns not named for a category (`type`, `source`, …) always do.',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          guardColumns: {
            type: 'array',
            description: 'Columns whose check in the condition also guards a transition (e.g. `last_message_id` as a trigger guard); the version column always does.',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          checkAffected: {
            type: 'boolean',
            description: 'Whether a guarded update must have its `affected` count checked.',
          },
          blindTransitions: {
            type: 'boolean',
            description: 'Also report transitions the code makes without having checked or selected by the prior state (marking a row failed or deleted from any state).',
          },
        },
      },
    ],
    defaultOptions: [{ stateColumns: [], guardColumns: [], checkAffected: true, blindTransitions: false }],
    messages: {
      unguardedTransition: `{{method}} sets the state column \`{{column}}\` to {{value}} without checking its current value: the condition has no \`{{column}}\`, version or guard column, so a concurrent transition is silently overwritten. ${ADVICE.unguardedTransition}`,
      checkThenAct: `{{method}} sets \`{{column}}\` to {{value}} after checking it at line {{checkLine}} (\`{{check}}\`), but its condition does not repeat the check: the row may have changed since it was read. ${ADVICE.checkThenAct}`,
      whereOverrides: `This \`.{{method}}()\` replaces the condition of \`.{{previousMethod}}()\` at line {{previousLine}} ({{previous}}): that check is silently dropped. ${ADVICE.whereOverrides}`,
      uncheckedOutcome: `The result of this compare-and-set update of \`{{column}}\` is discarded: when another writer moved the row first it updates 0 rows and the code carries on as if the transition happened. ${ADVICE.uncheckedOutcome}`,
      presenceCheckOnly: `\`{{check}}\` holds whether or not the compare-and-set update of \`{{column}}\` at line {{line}} changed a row: \`affected\` is 0, not missing, when another writer moved the row first. ${ADVICE.presenceCheckOnly}`,
      addGuard: 'Only update while `{{column}}` is still {{expected}}.',
      useAndWhere: 'Use `.{{replacement}}()` to keep the earlier condition.',
    },
  },
  create(context, [options]) {
    // A test's writes set up its fixtures (`status: 'error'` before the case runs): no request races them.
    if (isTestFile(context.filename)) return {};
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const { sourceCode } = context;
    const columnOptions: StateColumnOptions = {
      stateColumns: options.stateColumns ?? [],
      guardColumns: options.guardColumns ?? [],
    };

    /**
     * Resolving which entity an update writes, and which call it is, is the costliest part of
     * this rule; an update none of whose object literals sets a named state is settled without it.
     */
    function mayWriteTransition(node: TSESTree.CallExpression): boolean {
      return node.arguments.some((argument) => argument.type === AST_NODE_TYPES.ObjectExpression && mayWriteKnownState(services.esTreeNodeToTSNodeMap.get(argument)));
    }

    /** `repository.update(criteria, partial)`, `manager.update(E, …)`, `Entity.update(…)`, `updateAll(partial)`. */
    function checkRepositoryUpdate(node: TSESTree.CallExpression, method: string): void {
      if (!mayWriteTransition(node)) {
        observeGuardedUpdate(node, `${method}()`, guardedRepositoryUpdate);
        return;
      }
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const typeorm = classifyTypeormCall(checker, tsCall);
      if (typeorm == null) {
        // A store's own `update(id, data)` that hands both to TypeORM's.
        checkWrappedUpdate(node, method);
        return;
      }
      if (typeorm.kind !== 'atomic-write' || (typeorm.method !== 'update' && typeorm.method !== 'updateAll')) return;
      if (typeorm.api !== 'Repository' && typeorm.api !== 'EntityManager' && typeorm.api !== 'BaseEntity static') return;
      const partial = argumentForParameter(checker, tsCall, 'partialEntity');
      const [written] = stateTransitions(checker, partial, updatedEntity(checker, tsCall, typeorm.api), columnOptions);
      if (written == null) {
        observeGuardedUpdate(node, `${method}()`, guardedRepositoryUpdate);
        return;
      }
      const criteria = argumentForParameter(checker, tsCall, 'criteria');
      const columns = method === 'updateAll' ? new Set<string>() : criteriaColumns(checker, criteria);
      if (columns == null) return;
      if (guardsTransition(columns, written, columnOptions)) {
        if (!reportIfUnchecked(node, written, columns, `${method}()`)) observeGuardedUpdate(node, `${method}()`, guardedRepositoryUpdate);
        return;
      }
      reportUnguarded(node, tsCall, written, `${method}()`, (expected) =>
        criteria == null ? undefined : criteriaGuardFix(criteria, written, expected),
      );
    }

    /**
     * `this.updateOne({ id }, { status: DECLINED })`: a function of the project that hands its
     * parameters to TypeORM's `update()` as the criteria and the partial is judged at its call, where
     * the arguments are written (and the check before it, if any, is made).
     */
    function checkWrappedUpdate(node: TSESTree.CallExpression, name: string): void {
      if (!mayWriteTransition(node) || !namesReaching(services.program, UPDATE_METHODS).has(name)) return;
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const wrapper = updateWrapperOfCall(checker, tsCall);
      if (wrapper == null) return;
      const [written] = stateTransitions(checker, tsCall.arguments[wrapper.partialIndex], wrapper.entity, columnOptions);
      if (written == null) return;
      const criteria = tsCall.arguments[wrapper.criteriaIndex];
      const columns = criteriaColumns(checker, criteria);
      if (columns == null) return;
      const method = `${name}() → update()`;
      if (guardsTransition(columns, written, columnOptions)) {
        // A wrapper that keeps the result to itself leaves its caller nothing to check.
        if (wrapper.returnsResult) reportIfUnchecked(node, written, columns, method);
        return;
      }
      reportUnguarded(node, tsCall, written, method, (expected) => (criteria == null ? undefined : criteriaGuardFix(criteria, written, expected)));
    }

    /**
     * Prisma's and drizzle's updates, read through the row model: `prisma.job.update({ where, data })`,
     * `updateMany`, `db.update(jobs).set({ … }).where(…)`. A guarded one must have its outcome read,
     * unless it throws when it matches no row (Prisma's `update`: P2025).
     */
    function checkRowTransition(node: TSESTree.CallExpression): void {
      if (!node.arguments.some((argument) => argument.type === AST_NODE_TYPES.ObjectExpression && mayWriteStateWithin(services.esTreeNodeToTSNodeMap.get(argument)))) return;
      const transition = stateTransitionOf(checker, services.esTreeNodeToTSNodeMap.get(node), columnOptions);
      const statement = transition == null ? undefined : (services.tsNodeToESTreeNodeMap.get(transition.write.call) as TSESTree.CallExpression | undefined);
      const guarded = transition == null ? undefined : guardsStateTransition(transition, columnOptions);
      if (transition == null || statement == null || guarded == null) return;
      const { outcome } = transition.state;
      const method = callLabel(statement);
      if (guarded) {
        if (options.checkAffected === false || outcome.throwsWhenMissed || !conditionNamesOneRow(transition) || !isOutcomeDiscarded(sourceCode, statement)) return;
        const data = { column: transition.field, outcome: outcome.check, example: outcome.example };
        recordReportDetails(context, statement, 'uncheckedOutcome', () => ({
          ...rowWriteDetails(statement, transition, method),
          messageId: 'uncheckedOutcome',
          advice: fillTemplate(ADVICE.uncheckedOutcome, data),
          guards: rowGuardRefs(transition),
        }));
        context.report({ node: statement, messageId: 'uncheckedOutcome', data });
        return;
      }
      const test = stateTestBefore(checker, transition) ?? stateFilteredRowReadBefore(checker, transition);
      // A blind write (see reportUnguarded) is reported only when asked for.
      if (test == null && options.blindTransitions !== true) return;
      const expected = test?.expected ?? stateAsRead(checker, transition);
      const guard = expected == null ? undefined : transition.write.compareAndSet(transition.field, expected);
      const edits = guard?.edits;
      const suggest = edits == null || expected == null
        ? []
        : [{ messageId: 'addGuard' as const, data: { column: transition.field, expected: `\`${expected}\`` }, fix: (fixer: Parameters<GuardFix>[0]) => edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)) }];
      const valueText = transition.value.value.getText();
      const base = { method, column: transition.field, value: `\`${truncate(valueText)}\``, outcome: outcome.check };
      const details = () => ({ ...rowWriteDetails(statement, transition, method), value: truncate(valueText), ...(expected == null ? {} : { expected }) });
      if (test != null) {
        const data = { ...base, checkLine: String(lineOf(test.node)), check: truncate(test.node.getText()) };
        recordReportDetails(context, statement, 'checkThenAct', () => ({ ...details(), messageId: 'checkThenAct', advice: fillTemplate(ADVICE.checkThenAct, data), check: { text: data.check, line: lineOf(test.node) } }));
        context.report({ node: statement, messageId: 'checkThenAct', data, suggest });
      } else {
        recordReportDetails(context, statement, 'unguardedTransition', () => ({ ...details(), messageId: 'unguardedTransition', advice: fillTemplate(ADVICE.unguardedTransition, base) }));
        context.report({ node: statement, messageId: 'unguardedTransition', data: base, suggest });
      }
    }

    /** The entity (model or table), the state column and the write a row-model report names. */
    function rowWriteDetails(statement: TSESTree.CallExpression, transition: StateTransition, method: string) {
      const { declaration } = transition.state;
      return {
        rule: 'require-state-guard' as const,
        entity: entityRefAt(transition.write.target ?? method, declaration ?? transition.write.call),
        column: { property: transition.field, column: transition.field, kind: 'column' as const, stateLike: true },
        write: { method, line: statement.loc.start.line },
      };
    }

    function rowGuardRefs(transition: StateTransition): GuardRef[] {
      const guards = new Set(columnOptions.guardColumns);
      return [...(transition.state.conditionFields ?? [])].flatMap((field): GuardRef[] => {
        const role = field === transition.field ? 'state' : field === 'version' ? 'version' : guards.has(field) ? 'guard' : undefined;
        return role == null ? [] : [{ property: field, column: field, role }];
      });
    }

    /** `qb.update(E).set({ status: … }).where(…).execute()`. */
    function checkQueryBuilderExecute(node: TSESTree.CallExpression): void {
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const chain = callChain(tsCall.expression);
      const setIndex = chain.findIndex((link) => link.name === 'set');
      const setCall = chain[setIndex];
      const setLiteral = setCall?.call.arguments[0];
      if (setCall == null) return;
      if (!mayWriteKnownState(setLiteral)) {
        observeGuardedUpdate(node, QUERY_BUILDER_UPDATE, guardedQueryBuilderUpdate);
        return;
      }
      if (!isUpdateQueryBuilderExecute(checker, tsCall, chain, setIndex)) return;
      const [written] = stateTransitions(checker, setLiteral, entityOfReceiver(checker, setCall.call.expression.expression), columnOptions);
      if (written == null) {
        observeGuardedUpdate(node, QUERY_BUILDER_UPDATE, guardedQueryBuilderUpdate);
        return;
      }
      const columns = columnsCheckedByChain(chain);
      if (columns == null) return;
      if (guardsTransition(columns, written, columnOptions)) {
        if (!reportIfUnchecked(node, written, columns, QUERY_BUILDER_UPDATE)) observeGuardedUpdate(node, QUERY_BUILDER_UPDATE, guardedQueryBuilderUpdate);
        return;
      }
      // The condition in force does not check the state: a where-method that did was replaced.
      const droppedGuard = chain.some((link) => WHERE_METHODS.has(link.name) && checksState(link.call.arguments[0], written));
      reportUnguarded(node, tsCall, written, QUERY_BUILDER_UPDATE, (expected) => andWhereGuardFix(tsCall, written, expected), droppedGuard);
    }

    /** `save({ id, status: … })`: a partial entity saved to move a row's state. */
    function checkPartialSave(node: TSESTree.CallExpression): void {
      if (!mayWriteTransition(node)) return;
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const typeorm = classifyTypeormCall(checker, tsCall);
      if (typeorm?.kind !== 'diffing-write' || typeorm.method !== 'save' || typeorm.entityArgumentIndex == null) return;
      const literal = tsCall.arguments[typeorm.entityArgumentIndex];
      const target = typeorm.targetArgumentIndex == null ? undefined : tsCall.arguments[typeorm.targetArgumentIndex];
      const receiver = ts.isPropertyAccessExpression(tsCall.expression) ? tsCall.expression.expression : undefined;
      const entityHolder = target ?? receiver;
      const entity = entityHolder == null ? undefined : entityOfReceiver(checker, entityHolder);
      const [written] = stateTransitions(checker, literal, entity, columnOptions);
      if (written == null) return;
      // `save({ ...fields, status: INITIAL })` without a key inserts a new row: no prior state.
      if (literal != null && ts.isObjectLiteralExpression(literal) && !literalMayCarryPrimaryKey(checker, literal, written.metadata)) return;
      // `save({ id, status })` re-reads the row and writes: no condition can be attached.
      reportUnguarded(node, tsCall, written, 'save()', () => undefined);
    }

    /** A `.where()` or `.whereInIds()` after another where-method, whose condition it replaces. */
    function checkWhereOverride(node: TSESTree.CallExpression): void {
      if (node.callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const previous = overriddenConditionOf(checker, services.esTreeNodeToTSNodeMap.get(node));
      if (previous == null) return;
      const property = node.callee.property;
      if (property.type !== AST_NODE_TYPES.Identifier) return;
      const replacement = conditionKeepingMethod(property.name);
      const previousArgument = previous.call.arguments[0];
      // `.where('podcast."podcastIndexId')`: a leftover fragment that compares nothing drops no check
      // (and adding it with `.andWhere()` would break the query).
      if (previousArgument != null && ts.isStringLiteralLike(previousArgument) && !/[=<>!]|\b(?:in|is|like|between|exists|not)\b/i.test(previousArgument.text)) return;
      const data = {
        method: property.name,
        replacement,
        previousMethod: previous.name,
        previousLine: String(lineOf(previous.call.expression.name)),
        previous: previousArgument == null ? '' : truncate(previousArgument.getText()),
      };
      recordReportDetails(context, property.loc.start, 'whereOverrides', () => {
        const callee = services.esTreeNodeToTSNodeMap.get(node).expression;
        const metadata = ts.isPropertyAccessExpression(callee) ? entityOfReceiver(checker, callee.expression) : undefined;
        const names = previousArgument == null ? undefined : conditionColumns(previousArgument);
        return {
          rule: 'require-state-guard',
          messageId: 'whereOverrides',
          advice: fillTemplate(ADVICE.whereOverrides, data),
          method: data.method,
          line: property.loc.start.line,
          replacement,
          replaced: { method: previous.name, text: data.previous, line: lineOf(previous.call.expression.name) },
          ...(metadata == null ? {} : { entity: entityRefOf(metadata) }),
          droppedColumns: metadata == null || names == null ? [] : columnsNamed(metadata, names).map(columnRefOf),
        };
      });
      context.report({
        loc: { start: property.loc.start, end: node.loc.end },
        messageId: 'whereOverrides',
        data,
        suggest: [
          {
            messageId: 'useAndWhere',
            data: { replacement },
            fix: (fixer) => fixer.replaceText(property, replacement),
          },
        ],
      });
    }

    /**
     * Reports a transition whose condition does not check the prior state, as check-then-act when
     * the code tested the state first or read the row by it. Without such a sign that the code
     * depends on the prior state — or a guard the chain wrote and then dropped — the write is
     * blind: made whatever the state (a soft delete, marking a row failed), with no prior state
     * to put in the condition, and it is reported only with `blindTransitions`. The guard is
     * suggested when the expected state is known: from the check, or from the loaded entity the
     * write names.
     */
    function reportUnguarded(
      node: TSESTree.CallExpression,
      tsCall: ts.CallExpression,
      written: WrittenColumn,
      method: string,
      guardFix: (expected: string) => GuardFix | undefined,
      droppedGuard = false,
    ): void {
      const outcome = AFFECTED.check;
      const check = stateCheckBefore(checker, tsCall, written.column, written.metadata) ?? stateFilteredReadBefore(checker, tsCall, written.column, written.metadata);
      if (check == null && !droppedGuard && options.blindTransitions !== true) return;
      const value = written.valueText == null ? 'a new value' : `\`${truncate(written.valueText)}\``;
      const expected = check?.expected ?? loadedState(checker, tsCall, written);
      const fix = expected == null ? undefined : guardFix(expected);
      const suggest =
        fix == null || expected == null
          ? []
          : [{ messageId: 'addGuard' as const, data: { column: written.column.propertyName, expected: `\`${expected}\`` }, fix }];
      const transition = () => ({
        ...writeDetails(node, written, method),
        ...(written.valueText == null ? {} : { value: truncate(written.valueText) }),
        ...(expected == null ? {} : { expected }),
      });
      if (check != null) {
        const data = { method, column: written.column.propertyName, value, checkLine: String(lineOf(check.node)), check: truncate(check.node.getText()), outcome };
        recordReportDetails(context, node, 'checkThenAct', () => ({
          ...transition(),
          messageId: 'checkThenAct',
          advice: fillTemplate(ADVICE.checkThenAct, data),
          check: { text: data.check, line: lineOf(check.node) },
        }));
        context.report({ node, messageId: 'checkThenAct', data, suggest });
      } else {
        const data = { method, column: written.column.propertyName, value, outcome };
        recordReportDetails(context, node, 'unguardedTransition', () => ({ ...transition(), messageId: 'unguardedTransition', advice: fillTemplate(ADVICE.unguardedTransition, data) }));
        context.report({ node, messageId: 'unguardedTransition', data, suggest });
      }
    }

    /** What every report of a state write names: the entity, the column and the write. */
    function writeDetails(node: TSESTree.CallExpression, written: WrittenColumn, method: string) {
      return {
        rule: 'require-state-guard' as const,
        entity: entityRefOf(written.metadata),
        column: columnRefOf(written.column),
        write: { method, line: node.loc.start.line },
      };
    }

    function guardRefs(metadata: EntityMetadata, columns: ReadonlySet<string>): GuardRef[] {
      return conditionGuards(metadata, columns, columnOptions).map(guardRefOf);
    }

    /**
     * An update whose condition checks more than the key and whose outcome is read: the audit
     * lists it as a safe pattern. Only for updates this rule does not report.
     */
    function observeGuardedUpdate(node: TSESTree.CallExpression, method: string, guardedUpdateOf: typeof guardedRepositoryUpdate): void {
      recordObservation(context, () => {
        const guarded = guardedUpdateOf(checker, services.esTreeNodeToTSNodeMap.get(node), columnOptions);
        if (guarded == null || isOutcomeDiscarded(sourceCode, node) || presenceOnlyTest(sourceCode, node) != null) return undefined;
        return {
          rule: 'require-state-guard',
          kind: 'guarded-update',
          entity: entityRefOf(guarded.metadata),
          write: { method, line: node.loc.start.line, column: node.loc.start.column + 1, endLine: node.loc.end.line },
          columns: guarded.written.map(columnRefOf),
          guards: guarded.guards.map(guardRefOf),
        };
      });
    }

    /** A guarded update must still have its outcome checked: it updates 0 rows when it loses. Whether it was reported. */
    function reportIfUnchecked(node: TSESTree.CallExpression, written: WrittenColumn, columns: ReadonlySet<string>, method: string): boolean {
      if (options.checkAffected === false) return false;
      if (isOutcomeDiscarded(sourceCode, node)) {
        const data = { column: written.column.propertyName, outcome: AFFECTED.check, example: AFFECTED.example };
        recordReportDetails(context, node, 'uncheckedOutcome', () => ({
          ...writeDetails(node, written, method),
          messageId: 'uncheckedOutcome',
          advice: fillTemplate(ADVICE.uncheckedOutcome, data),
          guards: guardRefs(written.metadata, columns),
        }));
        context.report({ node, messageId: 'uncheckedOutcome', data });
        return true;
      }
      const presenceCheck = presenceOnlyTest(sourceCode, node);
      if (presenceCheck == null) return false;
      const data = { check: truncate(sourceCode.getText(presenceCheck)), column: written.column.propertyName, line: String(node.loc.start.line) };
      recordReportDetails(context, presenceCheck, 'presenceCheckOnly', () => ({
        ...writeDetails(node, written, method),
        messageId: 'presenceCheckOnly',
        advice: ADVICE.presenceCheckOnly,
        guards: guardRefs(written.metadata, columns),
        check: { text: data.check, line: presenceCheck.loc.start.line },
      }));
      context.report({ node: presenceCheck, messageId: 'presenceCheckOnly', data });
      return true;
    }

    return {
      CallExpression(node) {
        if (node.callee.type === AST_NODE_TYPES.Identifier) {
          checkWrappedUpdate(node, node.callee.name);
          return;
        }
        if (node.callee.type !== AST_NODE_TYPES.MemberExpression || node.callee.computed || node.callee.property.type !== AST_NODE_TYPES.Identifier) return;
        switch (node.callee.property.name) {
          case 'update':
          case 'updateAll':
            checkRepositoryUpdate(node, node.callee.property.name);
            if (node.callee.property.name === 'update') checkRowTransition(node);
            break;
          case 'updateMany':
          case 'updateManyAndReturn':
          case 'set':
            checkRowTransition(node);
            break;
          case 'execute':
            checkQueryBuilderExecute(node);
            break;
          case 'save':
            checkPartialSave(node);
            break;
          case 'where':
          case 'whereInIds':
            checkWhereOverride(node);
            break;
          default:
            checkWrappedUpdate(node, node.callee.property.name);
            break;
        }
      },
    };
  },
});

/** `{ where, data: { status: 'running' } }`, `{ status: 'running' }`: an object literal that may set a named state, itself or one level down. */
function mayWriteStateWithin(literal: ts.Expression): boolean {
  if (mayWriteKnownState(literal)) return true;
  return ts.isObjectLiteralExpression(literal) && literal.properties.some((property) => ts.isPropertyAssignment(property) && mayWriteKnownState(property.initializer));
}

/** Whether a where-method's condition names the state column written. */
function checksState(condition: ts.Expression | undefined, written: WrittenColumn): boolean {
  const names = condition == null ? undefined : conditionColumns(condition);
  return names != null && columnNames(written.column).some((name) => names.has(name));
}

function guardRefOf({ column, role }: { column: ColumnMetadata; role: GuardRef['role'] }): GuardRef {
  return { property: column.propertyName, column: column.databaseName, role };
}

/** The 1-based line a TypeScript node starts on. */
function lineOf(node: ts.Node): number {
  const sourceFile = node.getSourceFile();
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}

/** Source text for a message: whitespace runs as one space, cut to 60 characters. */
function truncate(text: string): string {
  const flat = text.replaceAll(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
