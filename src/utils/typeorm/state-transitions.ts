import ts from 'typescript';

import { assignedNamedState } from './assigned-states.js';
import type { EntityMetadata } from './entity-metadata.js';
import { isStateColumn, writtenColumns, type StateColumnOptions, type WrittenColumn } from './state-columns.js';

/**
 * A transition moves a row to a state the code names (`Status.DONE`, `'offline'`); a value the
 * caller supplies (`{ status: presence.status }`) is a setting, where last-writer-wins is the
 * intended behaviour.
 */

/**
 * Whether an object literal may set a column to a named state: a syntactic test, so that an
 * update none of whose literals does is settled without resolving its entity or its call (the
 * costliest part of reading an update).
 */
export function mayWriteKnownState(literal: ts.Expression | undefined): literal is ts.ObjectLiteralExpression {
  return literal != null && ts.isObjectLiteralExpression(literal) && literal.properties.some((property) => knownStateCandidate(property) != null);
}

/**
 * The transitions an object literal writes: the state columns it sets to a named state, in the
 * order written. `entity` is the entity written, when the caller knows it (else the literal's
 * contextual type tells).
 */
export function stateTransitions(
  checker: ts.TypeChecker,
  literal: ts.Expression | undefined,
  entity: EntityMetadata | undefined,
  options: StateColumnOptions,
): WrittenColumn[] {
  if (!mayWriteKnownState(literal)) return [];
  return writtenColumns(checker, literal, entity).filter(
    (written) => isStateColumn(written.column, options) && isKnownState(checker, written.property),
  );
}

/**
 * A literal, a member access that resolves to an enum member, or an entity's property the same
 * function set to one (`order.status = Status.SHIPPED; … { status: order.status }`).
 */
function isKnownState(checker: ts.TypeChecker, property: ts.ObjectLiteralElementLike): boolean {
  const value = knownStateCandidate(property);
  if (value == null) return false;
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
    const symbol = checker.getSymbolAtLocation(value);
    if (symbol != null && (symbol.flags & ts.SymbolFlags.EnumMember) !== 0) return true;
    return assignedNamedState(checker, value) != null;
  }
  return true;
}

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
