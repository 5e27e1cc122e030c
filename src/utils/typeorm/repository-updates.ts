import ts from 'typescript';

import type { EntityMetadata } from './entity-metadata.js';
import { conditionColumns, entityOfReceiver } from './state-columns.js';
import { resolvedDeclaration, type TypeormApi } from './typeorm-calls.js';

/**
 * `repository.update(criteria, partialEntity)`, `manager.update(Entity, criteria, partialEntity)`
 * and `Entity.update(criteria, partialEntity)`: which argument is which, the entity written, and
 * the columns the criteria check.
 */

/**
 * The argument passed for the parameter `name` (`criteria`, `partialEntity`) of the declaration
 * the call resolves to: the position differs between the Repository, EntityManager and BaseEntity
 * forms.
 */
export function argumentForParameter(checker: ts.TypeChecker, call: ts.CallExpression, name: string): ts.Expression | undefined {
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || !ts.isFunctionLike(declaration)) return undefined;
  const parameters = declaration.parameters.filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));
  const index = parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === name);
  return index < 0 ? undefined : call.arguments[index];
}

/**
 * The entity `repository.update()`, `manager.update(Entity, …)` or `Entity.update()` writes,
 * read from the repository's type argument or the entity class: cheaper than the contextual
 * type of the partial, which TypeScript only finds by resolving the whole call.
 */
export function updatedEntity(checker: ts.TypeChecker, call: ts.CallExpression, api: TypeormApi): EntityMetadata | undefined {
  const holder = api === 'EntityManager' ? call.arguments[0] : ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : undefined;
  return holder == null ? undefined : entityOfReceiver(checker, holder);
}

/**
 * The columns `update()`'s criteria check: none for an id, ids or `In(ids)`, which say nothing
 * about the state; `undefined` when the criteria cannot be read (a variable holding a
 * `FindOptionsWhere`, a built condition).
 */
export function criteriaColumns(checker: ts.TypeChecker, criteria: ts.Expression | undefined): Set<string> | undefined {
  if (criteria == null) return new Set();
  let node = criteria;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) node = node.expression;
  if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node)) {
    if (ts.isArrayLiteralExpression(node) && node.elements.every((element) => !ts.isObjectLiteralExpression(element))) return new Set();
    return conditionColumns(node);
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'In') return new Set();
  return isKeyLike(checker, checker.getTypeAtLocation(node)) ? new Set() : undefined;
}

/** A string or number, or an array of them: a primary key value or several. */
function isKeyLike(checker: ts.TypeChecker, type: ts.Type): boolean {
  const nonNullable = checker.getNonNullableType(type);
  if (nonNullable.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) return true;
  if (checker.isArrayType(nonNullable)) {
    const element = checker.getTypeArguments(nonNullable as ts.TypeReference)[0];
    return element != null && (element.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) !== 0;
  }
  return false;
}
