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
 * function set to one (`order.status = Status.SHIPPED; … { status: order.status }`); for a choice
 * between states (`paid ? PAID : FAILED`, directly or through a `const`), each of them.
 */
function isKnownState(checker: ts.TypeChecker, property: ts.ObjectLiteralElementLike): boolean {
  const candidate = knownStateCandidate(property);
  return candidate != null && stateChoices(candidate)?.every((value) => isKnownValue(checker, value)) === true;
}

function isKnownValue(checker: ts.TypeChecker, value: ts.Expression): boolean {
  // `PAID`, a constant of the program: named when its type is one literal.
  if (ts.isIdentifier(value)) {
    // One literal, not a union of them (an enum type as a whole is `EnumLiteral | Union`).
    const flags = checker.getTypeAtLocation(value).flags;
    return (flags & ts.TypeFlags.Union) === 0 && (flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.EnumLiteral)) !== 0;
  }
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
    const symbol = checker.getSymbolAtLocation(value);
    if (symbol != null && (symbol.flags & ts.SymbolFlags.EnumMember) !== 0) return true;
    return assignedNamedState(checker, value) != null;
  }
  return true;
}

/**
 * The value of `status: <value>` (or of a shorthand `status` bound by a `const` of the function)
 * when it is, or chooses between, literals and member accesses that may be enum members.
 */
function knownStateCandidate(property: ts.ObjectLiteralElementLike): ts.Expression | undefined {
  let value: ts.Expression;
  if (ts.isPropertyAssignment(property)) value = property.initializer;
  else if (ts.isShorthandPropertyAssignment(property)) value = property.name;
  else return undefined;
  value = skipTypeWrappers(value);
  if (ts.isIdentifier(value) && !isConstantName(value)) {
    const initializer = constInitializer(value);
    if (initializer == null) return undefined;
    value = skipTypeWrappers(initializer);
  }
  return stateChoices(value) == null ? undefined : value;
}

/** `A`, `ok ? A : B`, `ok ? A : retry ? B : C`: the values it may be, when each is a state candidate. */
function stateChoices(expression: ts.Expression): ts.Expression[] | undefined {
  const value = skipTypeWrappers(expression);
  if (ts.isConditionalExpression(value)) {
    const whenTrue = stateChoices(value.whenTrue);
    const whenFalse = stateChoices(value.whenFalse);
    return whenTrue == null || whenFalse == null ? undefined : [...whenTrue, ...whenFalse];
  }
  if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) return [value];
  if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword || value.kind === ts.SyntaxKind.NullKeyword) return [value];
  if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) return [value];
  if (ts.isIdentifier(value) && isConstantName(value)) return [value];
  return undefined;
}

/** `PAID`, `ORDER_PAID`: named like a constant, which a state value of the program often is. */
function isConstantName(name: ts.Identifier): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name.text);
}

/**
 * The initializer of the `const` a name refers to, found by syntax alone (this test runs before
 * any type query): the nearest earlier `const name = …` statement of an enclosing block, up to the
 * function.
 */
function constInitializer(name: ts.Identifier): ts.Expression | undefined {
  let child: ts.Node = name;
  for (let current = name.parent; !ts.isSourceFile(current); child = current, current = current.parent) {
    if (ts.isBlock(current) || ts.isCaseClause(current) || ts.isDefaultClause(current)) {
      for (const statement of current.statements) {
        if (statement.pos >= child.pos) break;
        if (!ts.isVariableStatement(statement)) continue;
        const declaration = statement.declarationList.declarations.find((candidate) => declaresName(candidate.name, name.text));
        // A `let` (or a destructured name) may hold anything by now.
        if (declaration != null) return (statement.declarationList.flags & ts.NodeFlags.Const) !== 0 && ts.isIdentifier(declaration.name) ? declaration.initializer : undefined;
      }
    }
    // A loop variable or a caught error of that name hides any outer one.
    if ((ts.isForOfStatement(current) || ts.isForInStatement(current) || ts.isForStatement(current)) && current.initializer != null && ts.isVariableDeclarationList(current.initializer) && current.initializer.declarations.some((declaration) => declaresName(declaration.name, name.text))) return undefined;
    if (ts.isCatchClause(current) && current.variableDeclaration != null && declaresName(current.variableDeclaration.name, name.text)) return undefined;
    if (ts.isFunctionLike(current)) return undefined;
  }
  return undefined;
}

function declaresName(binding: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((element) => !ts.isOmittedExpression(element) && declaresName(element.name, name));
}

function skipTypeWrappers(expression: ts.Expression): ts.Expression {
  let value = expression;
  while (ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isSatisfiesExpression(value)) value = value.expression;
  return value;
}
