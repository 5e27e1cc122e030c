import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import { createRule } from '../utils/plugin/create-rule.js';
import { isRowOfEntity, type ColumnMetadata, type EntityMetadata } from '../utils/typeorm/entity-metadata.js';
import {
  conditionColumns,
  entityOfReceiver,
  guardNames,
  isStateColumn,
  writtenColumns,
  type StateColumnOptions,
  type WrittenColumn,
} from '../utils/typeorm/state-columns.js';
import { getTypeServices } from '../utils/plugin/type-information.js';
import { classifyTypeormCall, resolvedDeclaration } from '../utils/typeorm/typeorm-calls.js';

export interface RequireStateGuardOptions {
  stateColumns?: string[];
  guardColumns?: string[];
  checkAffected?: boolean;
}

type Options = [RequireStateGuardOptions];
type MessageIds = 'unguardedTransition' | 'checkThenAct' | 'whereOverrides' | 'uncheckedOutcome' | 'presenceCheckOnly' | 'addGuard' | 'useAndWhere';

const WHERE_METHODS = new Set(['where', 'andWhere', 'orWhere', 'whereInIds']);

/** Methods of `UpdateQueryBuilder` (and `QueryBuilder`) that return the builder itself. */
const BUILDER_RETURNING_METHODS = new Set([
  'where', 'andWhere', 'orWhere', 'whereInIds', 'andWhereInIds', 'orWhereInIds', 'whereEntity', 'set',
  'output', 'returning', 'orderBy', 'addOrderBy', 'limit', 'updateEntity', 'callListeners', 'useTransaction',
  'setParameter', 'setParameters', 'setNativeParameters', 'comment', 'setQueryRunner', 'printSql', 'disableEscaping',
]);

/** What the update checks, as far as it can be read. */
interface Condition {
  /** Normalised column names the condition mentions; undefined when it cannot be read. */
  columns: Set<string> | undefined;
}

/** A state check in code before the write: `if (conv.status !== OPEN) return;`. */
interface StateCheck {
  node: ts.Node;
  text: string;
  /** The state the code expects the row to be in, when the check says it. */
  expected?: string;
}

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
            description: 'More columns (property or database names) that hold a state; enum- and string-literal-typed columns and status/state/stage/phase always do.',
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
        },
      },
    ],
    defaultOptions: [{ stateColumns: [], guardColumns: [], checkAffected: true }],
    messages: {
      unguardedTransition:
        '{{method}} sets the state column `{{column}}` to {{value}} without checking its current value: the condition has no `{{column}}`, version or guard column, so a concurrent transition is silently overwritten. Put the expected prior state in the condition and check `affected`.',
      checkThenAct:
        '{{method}} sets `{{column}}` to {{value}} after checking it at line {{checkLine}} (`{{check}}`), but its condition does not repeat the check: the row may have changed since it was read. Move the check into the condition and check `affected`.',
      whereOverrides:
        'This `.{{method}}()` replaces the condition of `.{{previousMethod}}()` at line {{previousLine}} ({{previous}}): that check is silently dropped. Use `.{{replacement}}()`.',
      uncheckedOutcome:
        'The result of this compare-and-set update of `{{column}}` is discarded: when another writer moved the row first it updates 0 rows and the code carries on as if the transition happened. Check `affected` (e.g. `if (!result.affected) return;`).',
      presenceCheckOnly:
        '`{{check}}` holds whether or not the compare-and-set update of `{{column}}` at line {{line}} changed a row: `affected` is 0, not missing, when another writer moved the row first. Test the count (e.g. `if (!result.affected) return;`).',
      addGuard: 'Only update while `{{column}}` is still {{expected}}.',
      useAndWhere: 'Use `.{{replacement}}()` to keep the earlier condition.',
    },
  },
  create(context, [options]) {
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const { sourceCode } = context;
    const columnOptions: StateColumnOptions = {
      stateColumns: options.stateColumns ?? [],
      guardColumns: options.guardColumns ?? [],
    };

    function stateWrites(literal: ts.Expression | undefined, entity?: EntityMetadata): WrittenColumn[] {
      if (literal == null || !ts.isObjectLiteralExpression(literal) || !literal.properties.some(mayBeKnownState)) return [];
      return writtenColumns(checker, literal, entity).filter(
        (written) => isStateColumn(written.column, columnOptions) && isKnownState(written.property),
      );
    }

    /**
     * Resolving which entity an update writes, and which call it is, is the costliest part of
     * this rule; an update none of whose object literals sets a named state is settled without it.
     */
    function mayWriteKnownState(node: TSESTree.CallExpression): boolean {
      return node.arguments.some((argument) => {
        if (argument.type !== AST_NODE_TYPES.ObjectExpression) return false;
        return services.esTreeNodeToTSNodeMap.get(argument).properties.some(mayBeKnownState);
      });
    }

    /**
     * A transition moves a row to a state the code names (`Status.DONE`, `'offline'`); a value the
     * caller supplies (`{ status: presence.status }`) is a setting, where last-writer-wins is the
     * intended behaviour.
     */
    function isKnownState(property: ts.ObjectLiteralElementLike): boolean {
      const value = knownStateCandidate(property);
      if (value == null) return false;
      if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
        const symbol = checker.getSymbolAtLocation(value);
        return symbol != null && (symbol.flags & ts.SymbolFlags.EnumMember) !== 0;
      }
      return true;
    }

    function isGuarded(written: WrittenColumn, condition: Condition): boolean | undefined {
      if (condition.columns == null) return undefined;
      const guards = guardNames(written.metadata, written.column, columnOptions);
      return [...condition.columns].some((name) => guards.has(name));
    }

    /** `update(criteria, …)`: an id, ids or `In(ids)` say nothing about the state. */
    function criteriaCondition(criteria: ts.Expression | undefined): Condition {
      if (criteria == null) return { columns: new Set() };
      let node = criteria;
      while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) node = node.expression;
      if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node)) {
        if (ts.isArrayLiteralExpression(node) && node.elements.every((element) => !ts.isObjectLiteralExpression(element))) {
          return { columns: new Set() };
        }
        return { columns: conditionColumns(node) };
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'In') return { columns: new Set() };
      const type = checker.getTypeAtLocation(node);
      return isKeyLike(type) ? { columns: new Set() } : { columns: undefined };
    }

    function isKeyLike(type: ts.Type): boolean {
      const nonNullable = checker.getNonNullableType(type);
      if (nonNullable.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) return true;
      if (checker.isArrayType(nonNullable)) {
        const element = checker.getTypeArguments(nonNullable as ts.TypeReference)[0];
        return element != null && (element.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) !== 0;
      }
      return false;
    }

    function parameterIndex(call: ts.CallExpression, name: string): number {
      const declaration = resolvedDeclaration(checker, call);
      if (declaration == null || !ts.isFunctionLike(declaration)) return -1;
      const parameters = declaration.parameters.filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));
      return parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === name);
    }

    function checkRepositoryUpdate(node: TSESTree.CallExpression, method: string): void {
      if (!mayWriteKnownState(node)) return;
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const typeorm = classifyTypeormCall(checker, tsCall);
      if (typeorm?.kind !== 'atomic-write' || (typeorm.method !== 'update' && typeorm.method !== 'updateAll')) return;
      if (typeorm.api !== 'Repository' && typeorm.api !== 'EntityManager' && typeorm.api !== 'BaseEntity static') return;
      const partialIndex = parameterIndex(tsCall, 'partialEntity');
      const [written] = stateWrites(tsCall.arguments[partialIndex], updatedEntity(tsCall, typeorm.api));
      if (written == null) return;
      const criteriaIndex = parameterIndex(tsCall, 'criteria');
      const criteria = criteriaIndex < 0 ? undefined : tsCall.arguments[criteriaIndex];
      const condition = method === 'updateAll' ? { columns: new Set<string>() } : criteriaCondition(criteria);
      const guarded = isGuarded(written, condition);
      if (guarded === undefined) return;
      const label = `${method}()`;
      if (!guarded) {
        reportUnguarded(node, tsCall, written, label, (expected) =>
          criteria == null ? undefined : criteriaGuardFix(criteria, written, expected),
        );
      } else {
        reportIfUnchecked(node, written);
      }
    }

    /**
     * The entity `repository.update()`, `manager.update(Entity, …)` or `Entity.update()` writes,
     * read from the repository's type argument or the entity class: cheaper than the contextual
     * type of the partial, which TypeScript only finds by resolving the whole call.
     */
    function updatedEntity(call: ts.CallExpression, api: string): EntityMetadata | undefined {
      const holder = api === 'EntityManager' ? call.arguments[0] : ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : undefined;
      return holder == null ? undefined : entityOfReceiver(checker, holder);
    }

    function criteriaGuardFix(criteria: ts.Expression, written: WrittenColumn, expected: string) {
      const key = written.column.propertyName;
      if (ts.isObjectLiteralExpression(criteria)) {
        const last = criteria.properties.at(-1);
        if (last == null) return undefined;
        return (fixer: TSESLint.RuleFixer) => fixer.insertTextAfterRange([last.end, last.end], `, ${key}: ${expected}`);
      }
      const [primary, ...others] = written.metadata.primaryColumns;
      if (primary == null || others.length > 0) return undefined;
      const keyText = criteria.getText() === primary.propertyName ? primary.propertyName : `${primary.propertyName}: ${criteria.getText()}`;
      return (fixer: TSESLint.RuleFixer) => fixer.replaceTextRange([criteria.getStart(), criteria.end], `{ ${keyText}, ${key}: ${expected} }`);
    }

    function checkQueryBuilderExecute(node: TSESTree.CallExpression): void {
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const chain = callChain(tsCall.expression);
      const setIndex = chain?.findIndex((link) => link.name === 'set') ?? -1;
      const setCall = chain?.[setIndex];
      const setLiteral = setCall?.call.arguments[0];
      if (chain == null || setCall == null || setLiteral == null || !ts.isObjectLiteralExpression(setLiteral) || !setLiteral.properties.some(mayBeKnownState)) return;
      if (!isUpdateQueryBuilderExecute(tsCall, chain, setIndex)) return;
      const [written] = stateWrites(setLiteral, entityOfReceiver(checker, setCall.call.expression.expression));
      if (written == null) return;
      // Only the conditions from the last `.where()` (or `.whereInIds()`, which sets too) are in force.
      const lastWhere = chain.findLastIndex((link) => link.name === 'where' || link.name === 'whereInIds');
      const conditions = chain.slice(Math.max(lastWhere, 0)).filter((link) => WHERE_METHODS.has(link.name));
      if (conditions.some((link) => link.name === 'orWhere')) return;
      const columns = new Set<string>();
      for (const link of conditions) {
        if (link.name === 'whereInIds') continue;
        const argument = link.call.arguments[0];
        const found = argument == null ? undefined : conditionColumns(argument);
        if (found == null) return;
        for (const name of found) columns.add(name);
      }
      const guarded = isGuarded(written, { columns });
      if (guarded === undefined) return;
      if (!guarded) {
        const receiverEnd = ts.isPropertyAccessExpression(tsCall.expression) ? tsCall.expression.expression.end : undefined;
        reportUnguarded(node, tsCall, written, 'This update', (expected) =>
          receiverEnd == null
            ? undefined
            : (fixer: TSESLint.RuleFixer) =>
                fixer.insertTextAfterRange(
                  [receiverEnd, receiverEnd],
                  `.andWhere('${written.column.databaseName} = :expected${capitalize(written.column.propertyName)}', { expected${capitalize(written.column.propertyName)}: ${expected} })`,
                ),
        );
      } else {
        reportIfUnchecked(node, written);
      }
    }

    /**
     * `….set(v).where(…).andWhere(…).execute()` executes the `UpdateQueryBuilder` whose `set()` it
     * calls when every call after `set()` is one of its methods that return the builder. Asking
     * that of `set()` needs only its receiver's type; asking it of `execute()` would type-check
     * `set()`'s values against the entity's deep-partial type, the costliest step of the chain.
     */
    function isUpdateQueryBuilderExecute(call: ts.CallExpression, chain: readonly ChainLink[], setIndex: number): boolean {
      const setCall = chain[setIndex];
      // The chain is the receiver of `execute()`: the calls after `set()` are the rest of it.
      if (setCall != null && chain.slice(setIndex + 1).every((link) => BUILDER_RETURNING_METHODS.has(link.name))) {
        const set = classifyTypeormCall(checker, setCall.call);
        return set?.api === 'UpdateQueryBuilder' && set.method === 'set';
      }
      const typeorm = classifyTypeormCall(checker, call);
      return typeorm?.kind === 'atomic-write' && typeorm.api === 'UpdateQueryBuilder';
    }

    function checkPartialSave(node: TSESTree.CallExpression): void {
      if (!mayWriteKnownState(node)) return;
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const typeorm = classifyTypeormCall(checker, tsCall);
      if (typeorm?.kind !== 'diffing-write' || typeorm.method !== 'save' || typeorm.entityArgumentIndex == null) return;
      const literal = tsCall.arguments[typeorm.entityArgumentIndex];
      const target = typeorm.targetArgumentIndex == null ? undefined : tsCall.arguments[typeorm.targetArgumentIndex];
      const receiver = ts.isPropertyAccessExpression(tsCall.expression) ? tsCall.expression.expression : undefined;
      const entityHolder = target ?? receiver;
      const entity = entityHolder == null ? undefined : entityOfReceiver(checker, entityHolder);
      const [written] = stateWrites(literal, entity);
      if (written == null) return;
      // `save({ id, status })` re-reads the row and writes: no condition can be attached.
      reportUnguarded(node, tsCall, written, 'save()', () => undefined);
    }

    function checkWhereOverride(node: TSESTree.CallExpression): void {
      if (node.callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const tsCall = services.esTreeNodeToTSNodeMap.get(node);
      const chain = callChain(tsCall.expression);
      const previous = chain?.findLast((link) => WHERE_METHODS.has(link.name));
      if (previous == null) return;
      const declaration = resolvedDeclaration(checker, tsCall);
      if (declaration == null || classifyTypeormCall(checker, tsCall) == null) return;
      const property = node.callee.property;
      if (property.type !== AST_NODE_TYPES.Identifier) return;
      const replacement = property.name === 'whereInIds' ? 'andWhereInIds' : 'andWhere';
      const previousArgument = previous.call.arguments[0];
      const previousText = previousArgument == null ? '' : truncate(previousArgument.getText());
      context.report({
        loc: { start: property.loc.start, end: node.loc.end },
        messageId: 'whereOverrides',
        data: {
          method: property.name,
          replacement,
          previousMethod: previous.name,
          previousLine: String(lineOf(previous.call.expression.name)),
          previous: previousText,
        },
        suggest: [
          {
            messageId: 'useAndWhere',
            data: { replacement },
            fix: (fixer) => fixer.replaceText(property, replacement),
          },
        ],
      });
    }

    function reportUnguarded(
      node: TSESTree.CallExpression,
      tsCall: ts.CallExpression,
      written: WrittenColumn,
      method: string,
      guardFix: (expected: string) => ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | undefined,
    ): void {
      const check = stateCheckBefore(tsCall, written.column, written.metadata);
      const value = written.valueText == null ? 'a new value' : `\`${truncate(written.valueText)}\``;
      const expected = check?.expected ?? loadedState(tsCall, written);
      const fix = expected == null ? undefined : guardFix(expected);
      const suggest =
        fix == null || expected == null
          ? []
          : [{ messageId: 'addGuard' as const, data: { column: written.column.propertyName, expected: `\`${expected}\`` }, fix }];
      if (check != null) {
        context.report({
          node,
          messageId: 'checkThenAct',
          data: { method, column: written.column.propertyName, value, checkLine: String(lineOf(check.node)), check: check.text },
          suggest,
        });
      } else {
        context.report({ node, messageId: 'unguardedTransition', data: { method, column: written.column.propertyName, value }, suggest });
      }
    }

    /**
     * `update({ id: conversation.id }, …)` with `conversation` a loaded entity: the state it was
     * loaded in (`conversation.status`) is the state the write expects.
     */
    function loadedState(call: ts.CallExpression, written: WrittenColumn): string | undefined {
      const [primary, ...others] = written.metadata.primaryColumns;
      if (primary == null || others.length > 0) return undefined;
      let holder: ts.Expression | undefined;
      const visit = (node: ts.Node): void => {
        if (holder != null) return;
        if (ts.isPropertyAccessExpression(node) && node.name.text === primary.propertyName && ts.isIdentifier(node.expression)) {
          if (isRowOfEntity(checker, checker.getTypeAtLocation(node.expression), written.metadata)) {
            holder = node.expression;
            return;
          }
        }
        ts.forEachChild(node, visit);
      };
      for (const argument of call.arguments) {
        if (ts.isObjectLiteralExpression(argument) && argument === written.property.parent) continue;
        visit(argument);
      }
      return holder == null ? undefined : `${holder.getText()}.${written.column.propertyName}`;
    }

    function reportIfUnchecked(node: TSESTree.CallExpression, written: WrittenColumn): void {
      if (options.checkAffected === false) return;
      if (isResultDiscarded(node)) {
        context.report({ node, messageId: 'uncheckedOutcome', data: { column: written.column.propertyName } });
        return;
      }
      const presenceCheck = onlyPresenceChecked(node);
      if (presenceCheck != null) {
        context.report({
          node: presenceCheck,
          messageId: 'presenceCheckOnly',
          data: { check: truncate(sourceCode.getText(presenceCheck)), column: written.column.propertyName, line: String(node.loc.start.line) },
        });
      }
    }

    /**
     * `const result = await …update(…); if (result.affected !== undefined) …`: every read of the
     * count only asks whether the driver reported one, which it does when 0 rows matched too. The
     * first such test, when there is no other read of the result.
     */
    function onlyPresenceChecked(node: TSESTree.CallExpression): TSESTree.Node | undefined {
      const parent = node.parent;
      if (parent.type !== AST_NODE_TYPES.AwaitExpression || parent.parent.type !== AST_NODE_TYPES.VariableDeclarator) return undefined;
      const declarator = parent.parent;
      const counts: { variable: TSESLint.Scope.Variable; throughResult: boolean }[] = [];
      if (declarator.id.type === AST_NODE_TYPES.Identifier) {
        const [variable] = sourceCode.getDeclaredVariables(declarator);
        if (variable != null) counts.push({ variable, throughResult: true });
      } else if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
        for (const property of declarator.id.properties) {
          // `{ affected, raw }`: the returned rows may be what the code tests.
          if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier || property.key.name !== 'affected') return undefined;
          if (property.value.type !== AST_NODE_TYPES.Identifier) return undefined;
          const name = property.value.name;
          const variable = sourceCode.getDeclaredVariables(declarator).find((candidate) => candidate.name === name);
          if (variable != null) counts.push({ variable, throughResult: false });
        }
      }
      let first: TSESTree.Node | undefined;
      for (const { variable, throughResult } of counts) {
        for (const reference of variable.references) {
          if (reference.init === true) continue;
          let read: TSESTree.Node = reference.identifier;
          if (throughResult) {
            const member = read.parent;
            if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== read || member.computed || member.property.type !== AST_NODE_TYPES.Identifier || member.property.name !== 'affected') return undefined;
            read = member.parent.type === AST_NODE_TYPES.ChainExpression ? member.parent : member;
          }
          const test = presenceTest(read);
          if (test == null) return undefined;
          if (first == null || test.range[0] < first.range[0]) first = test;
        }
      }
      return first;
    }

    function isResultDiscarded(node: TSESTree.CallExpression): boolean {
      const parent = node.parent;
      if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
      if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void') return true;
      if (parent.type === AST_NODE_TYPES.AwaitExpression) {
        if (parent.parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
        const declarator = parent.parent;
        if (declarator.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier) {
          const [variable] = sourceCode.getDeclaredVariables(declarator);
          // `const result = await …` that nothing reads again.
          return variable != null && variable.references.every((reference) => reference.init === true);
        }
      }
      return false;
    }

    /**
     * A read of the state in a test before the write, in the same function: `if (x.status …)`,
     * `switch (x.status)`, `x.status === A ? … : …`.
     */
    function stateCheckBefore(call: ts.CallExpression, column: ColumnMetadata, metadata: EntityMetadata): StateCheck | undefined {
      const body = enclosingFunctionBody(call);
      if (body == null) return undefined;
      let found: StateCheck | undefined;
      const visit = (node: ts.Node): void => {
        if (found != null || node.pos >= call.pos) return;
        if (ts.isFunctionLike(node)) return;
        const test = ts.isIfStatement(node)
          ? node.expression
          : ts.isSwitchStatement(node)
            ? node.expression
            : ts.isConditionalExpression(node)
              ? node.condition
              : undefined;
        if (test != null) {
          const read = findStateRead(test, column, metadata);
          if (read != null) {
            found = { node: test, text: truncate(test.getText()), ...expectedState(node, test, read, call) };
            return;
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(body);
      return found;
    }

    function findStateRead(test: ts.Node, column: ColumnMetadata, metadata: EntityMetadata): ts.PropertyAccessExpression | undefined {
      let read: ts.PropertyAccessExpression | undefined;
      const visit = (node: ts.Node): void => {
        if (read != null) return;
        if (ts.isPropertyAccessExpression(node) && node.name.text === column.propertyName) {
          if (isRowOfEntity(checker, checker.getTypeAtLocation(node.expression), metadata)) {
            read = node;
            return;
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(test);
      return read;
    }

    return {
      CallExpression(node) {
        if (node.callee.type !== AST_NODE_TYPES.MemberExpression || node.callee.computed || node.callee.property.type !== AST_NODE_TYPES.Identifier) return;
        switch (node.callee.property.name) {
          case 'update':
          case 'updateAll':
            checkRepositoryUpdate(node, node.callee.property.name);
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
            break;
        }
      },
    };
  },
});

/** The value of `status: <value>` when it is a literal or may be an enum member (`Status.DONE`). */
function knownStateCandidate(property: ts.ObjectLiteralElementLike): ts.Expression | undefined {
  if (!ts.isPropertyAssignment(property)) return undefined;
  let value = property.initializer;
  while (ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isSatisfiesExpression(value)) value = value.expression;
  if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) return value;
  if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword || value.kind === ts.SyntaxKind.NullKeyword) return value;
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) return value;
  return undefined;
}

function mayBeKnownState(property: ts.ObjectLiteralElementLike): boolean {
  return knownStateCandidate(property) != null;
}

const EQUALITY_OPERATORS = new Set(['===', '!==', '==', '!=']);

/** `x !== undefined`, `x != null`, `typeof x === 'number'`: true for a count of 0 as well. */
function presenceTest(read: TSESTree.Node): TSESTree.Node | undefined {
  const parent = read.parent;
  if (parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'typeof') {
    const comparison = parent.parent;
    if (comparison.type !== AST_NODE_TYPES.BinaryExpression || !EQUALITY_OPERATORS.has(comparison.operator)) return undefined;
    const other = comparison.left === parent ? comparison.right : comparison.left;
    return other.type === AST_NODE_TYPES.Literal && typeof other.value === 'string' ? comparison : undefined;
  }
  if (parent?.type !== AST_NODE_TYPES.BinaryExpression || !EQUALITY_OPERATORS.has(parent.operator)) return undefined;
  const other = parent.left === read ? parent.right : parent.left;
  const isNullish = (other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined') || (other.type === AST_NODE_TYPES.Literal && other.value === null && other.raw === 'null');
  return isNullish ? parent : undefined;
}

interface ChainLink {
  name: string;
  call: ts.CallExpression & { expression: ts.PropertyAccessExpression };
}

/** `a.update(E).set(x).where(y)` → [update, set, where]; undefined when the chain is not one expression of calls. */
function callChain(expression: ts.Expression): ChainLink[] | undefined {
  const links: ChainLink[] = [];
  let current: ts.Expression = expression;
  for (;;) {
    if (ts.isPropertyAccessExpression(current)) {
      current = current.expression;
    } else if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) {
      links.unshift({ name: current.expression.name.text, call: current as ChainLink['call'] });
      current = current.expression.expression;
    } else {
      return links;
    }
  }
}

/**
 * What the code expected the state to be: `x.status === A` (or the `case A:` holding the write),
 * or `x.status !== A` guarding an early exit.
 */
function expectedState(statement: ts.Node, test: ts.Expression, read: ts.PropertyAccessExpression, write: ts.Node): { expected?: string } {
  if (ts.isSwitchStatement(statement)) {
    const clause = statement.caseBlock.clauses.find((candidate) => candidate.pos <= write.pos && write.end <= candidate.end);
    return clause != null && ts.isCaseClause(clause) ? { expected: clause.expression.getText() } : {};
  }
  const comparison = read.parent;
  if (!ts.isBinaryExpression(comparison) || comparison !== unwrapParentheses(test)) return {};
  const other = comparison.left === read ? comparison.right : comparison.left;
  const kind = comparison.operatorToken.kind;
  const writeInside = statement.pos <= write.pos && write.end <= statement.end;
  if ((kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken) && writeInside) {
    return { expected: other.getText() };
  }
  if ((kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken) && !writeInside && ts.isIfStatement(statement) && exits(statement.thenStatement)) {
    return { expected: other.getText() };
  }
  return {};
}

function unwrapParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last != null && exits(last);
  }
  return false;
}

function enclosingFunctionBody(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent as ts.Node | undefined; current != null; current = current.parent) {
    if (ts.isFunctionLike(current)) return (current as ts.FunctionLikeDeclaration).body;
  }
  return undefined;
}

function lineOf(node: ts.Node): number {
  const sourceFile = node.getSourceFile();
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}

function truncate(text: string): string {
  const flat = text.replaceAll(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

