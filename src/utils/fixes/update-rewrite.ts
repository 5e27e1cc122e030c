import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { EntityMetadata } from '../typeorm/entity-metadata.js';
import type { TypeormCall } from '../typeorm/typeorm-calls.js';

/**
 * How a rewrite reaches the table a diffing write went to: the same repository or entity manager,
 * or the Active Record class. Every statement a rewrite writes (an `update()`, an `increment()`, a
 * query builder, a re-load, a relation builder) is addressed through one of these.
 */
export interface WriteReceiver {
  /** `repo.method(args)`, `manager.method(Entity, args)`, `Entity.method(args)`. */
  call(method: string, args: readonly string[]): string;
  /** A repository for what only repositories have (`increment()` of an Active Record class). */
  repositoryCall(method: string, args: readonly string[]): string;
  /** An `UpdateQueryBuilder` of the entity's table. */
  updateBuilder(): string;
  /** An expression that evaluates to `databaseName` quoted for the connection's driver. */
  escapedColumn(databaseName: string): string;
  /** A `RelationQueryBuilder` of `property` (`.of(owner).add(…)` follows). */
  relationBuilder(property: string): string;
  /** Whether the receiver text is repeated in a rewrite without running anything twice. */
  repeatable: boolean;
}

export interface WriteReceiverInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  call: TSESTree.CallExpression;
  typeorm: TypeormCall;
  metadata: EntityMetadata;
  /** Whether the entity class is reachable by its name at the write (needed for some forms). */
  classNameInScope: boolean;
}

/** The receiver of `repo.save(e)`, `manager.save(e)`, `manager.save(E, e)` or `e.save()`. */
export function writeReceiverOf(input: WriteReceiverInput): WriteReceiver | undefined {
  const { call, typeorm, metadata, sourceCode, classNameInScope } = input;
  if (call.callee.type !== AST_NODE_TYPES.MemberExpression || call.callee.computed) return undefined;
  const receiver = call.callee.object;
  const receiverText = sourceCode.getText(receiver);
  const dot = call.callee.optional ? '?.' : '.';
  const className = classNameInScope ? metadata.className : undefined;
  const repeatable = isRepeatable(receiver);
  switch (typeorm.api) {
    case 'Repository':
      return {
        call: (method, args) => `${receiverText}${dot}${method}(${args.join(', ')})`,
        repositoryCall: (method, args) => `${receiverText}${dot}${method}(${args.join(', ')})`,
        updateBuilder: () => `${receiverText}${dot}createQueryBuilder().update()`,
        escapedColumn: (name) => `${receiverText}.manager.dataSource.driver.escape(${quote(name)})`,
        relationBuilder: (property) => `${receiverText}${dot}createQueryBuilder().relation(${className == null ? '' : `${className}, `}${quote(property)})`,
        repeatable,
      };
    case 'EntityManager': {
      const targetArgument = typeorm.targetArgumentIndex == null ? undefined : call.arguments[typeorm.targetArgumentIndex];
      const target = targetArgument != null && call.arguments.length > 1 ? sourceCode.getText(targetArgument) : className;
      if (target == null) return undefined;
      return {
        call: (method, args) => `${receiverText}${dot}${method}(${[target, ...args].join(', ')})`,
        repositoryCall: (method, args) => `${receiverText}${dot}${method}(${[target, ...args].join(', ')})`,
        updateBuilder: () => `${receiverText}${dot}createQueryBuilder().update(${target})`,
        escapedColumn: (name) => `${receiverText}.dataSource.driver.escape(${quote(name)})`,
        relationBuilder: (property) => `${receiverText}${dot}createQueryBuilder().relation(${target}, ${quote(property)})`,
        repeatable: repeatable && (targetArgument == null || isRepeatable(targetArgument)),
      };
    }
    case 'BaseEntity':
      if (className == null) return undefined;
      return {
        call: (method, args) => `${className}.${method}(${args.join(', ')})`,
        repositoryCall: (method, args) => `${className}.getRepository().${method}(${args.join(', ')})`,
        updateBuilder: () => `${className}.createQueryBuilder().update()`,
        escapedColumn: (name) => `${className}.getRepository().manager.dataSource.driver.escape(${quote(name)})`,
        relationBuilder: (property) => `${className}.createQueryBuilder().relation(${className}, ${quote(property)})`,
        repeatable: true,
      };
    default:
      return undefined;
  }
}

/** How an update sets one field. */
export type FieldAssignment =
  /** `f: <value>`. */
  | { field: string; value: string }
  /** `f = f ± <amount>` in SQL, the amount bound as a parameter. */
  | { field: string; databaseName: string; sign: 1 | -1; amount: string };

/**
 * One statement that writes exactly `assignments` to the row(s) `criteria` selects, and nothing
 * else: `update(criteria, { f: v })`; `increment(criteria, 'f', n)` / `decrement()` when the only
 * write is arithmetic on one field; otherwise a query builder whose `set()` computes the
 * arithmetic in SQL on the column (quoted by the driver) with the amount as a bound parameter —
 * `Repository.update()` takes no parameters, and the amount is never spliced into the SQL.
 */
export function updateCallText(receiver: WriteReceiver, criteria: string, assignments: readonly FieldAssignment[]): string | undefined {
  const arithmetic = assignments.filter((assignment) => 'amount' in assignment);
  const [only] = arithmetic;
  if (only != null && assignments.length === 1) {
    return receiver.repositoryCall(only.sign === 1 ? 'increment' : 'decrement', [criteria, quote(only.field), only.amount]);
  }
  if (arithmetic.length === 0) return receiver.call('update', [criteria, objectText(assignments.map((assignment) => [assignment.field, 'value' in assignment ? assignment.value : ''] as const))]);
  // The receiver is written once per computed column: only when that runs nothing twice.
  if (!receiver.repeatable) return undefined;
  const parameters: (readonly [string, string])[] = [];
  const values = assignments.map((assignment) => {
    if ('value' in assignment) return [assignment.field, assignment.value] as const;
    const parameter = `${assignment.field.replaceAll(/[^A-Za-z0-9_]/g, '_')}Delta`;
    parameters.push([parameter, assignment.amount]);
    return [assignment.field, `() => \`\${${receiver.escapedColumn(assignment.databaseName)}} ${assignment.sign === 1 ? '+' : '-'} :${parameter}\``] as const;
  });
  return `${receiver.updateBuilder()}.set(${objectText(values)}).setParameters(${objectText(parameters)}).where(${criteria}).execute()`;
}

/** `{ a: x, b: y }`, with `a: a` written `a`. */
export function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{ ${entries.map(([key, value]) => (value === key && isIdentifierName(key) ? key : `${propertyKey(key)}: ${value}`)).join(', ')} }`;
}

/** `entity.field`, or `entity["field-name"]`. */
export function memberText(entityText: string, property: string): string {
  return isIdentifierName(property) ? `${entityText}.${property}` : `${entityText}[${JSON.stringify(property)}]`;
}

/** The criteria that select the entity's row by its primary key, plus `extra` entries. */
export function primaryKeyCriteria(metadata: EntityMetadata, entityText: string, extra: readonly (readonly [string, string])[] = []): string | undefined {
  if (metadata.primaryColumns.length === 0) return undefined;
  return objectText([...metadata.primaryColumns.map((column) => [column.propertyName, memberText(entityText, column.propertyName)] as const), ...extra]);
}

/** A single-quoted string literal. */
export function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function propertyKey(property: string): string {
  return isIdentifierName(property) ? property : JSON.stringify(property);
}

function isIdentifierName(text: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(text);
}

/**
 * `repo`, `this.repo`, `this.deps.repo`, `dataSource.getRepository(Order)`: evaluating it again
 * runs nothing, or only TypeORM's cached repository lookup.
 */
function isRepeatable(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.ThisExpression) return true;
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const callee = node.callee;
    // `dataSource.getRepository(Order)`, or TypeORM's global `getRepository(Order)`: a lookup.
    const looksUp =
      (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'getRepository') ||
      (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && callee.property.name === 'getRepository' && isRepeatable(callee.object));
    return looksUp && node.arguments.every((argument) => isRepeatable(argument));
  }
  return node.type === AST_NODE_TYPES.MemberExpression && !node.computed && isRepeatable(node.object);
}
