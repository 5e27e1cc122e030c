import ts from 'typescript';

import { classifyIfDiffingWriteName } from '../typeorm/typeorm-calls.js';
import { enclosingTsFunction } from '../ast/functions.js';
import { isPrimitive, isReadOfObject, projectParameterOf, provisionalVerdict, type ProjectParameter } from './read-only-callees.js';

/**
 * Whether a call leaves no unsaved change on the object it is handed. The project's own link
 * checks and savers (`collection = await this.checkLink(collection)`) often set a field and save
 * the object right away: what they change is in the row when they return, so a later save in the
 * caller writes none of it for the first time, and an `update()` of the caller's own fields (or a
 * re-load after the caller's wait) keeps it. The callee's body is read: every use of the parameter
 * either only reads it (see read-only-callees), saves it, hands it to a callee that leaves no
 * unsaved change in turn, or sets a field of it in a run of such sets that the next statement
 * saves on every path — outside a `try` that could swallow the save's failure. Reassigning the
 * parameter is allowed only from a save of it.
 */

const MAX_DEPTH = 4;

const cache = new WeakMap<ts.TypeChecker, Map<ts.ParameterDeclaration, boolean>>();

/** Whether `call` leaves no unsaved change on its argument at `argumentIndex`. */
export function persistsArgument(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argumentIndex: number, depth = 0): boolean {
  const found = projectParameter(checker, call, argumentIndex, depth);
  if (found == null) return false;
  // A recursive function persists what it is given if nothing else in it leaves a change.
  return provisionalVerdict(cache, checker, found.parameter, () => bodyPersists(checker, found.declaration, found.parameter, depth));
}

function projectParameter(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argumentIndex: number, depth: number): ProjectParameter | undefined {
  return depth > MAX_DEPTH ? undefined : projectParameterOf(checker, call, argumentIndex);
}

function bodyPersists(checker: ts.TypeChecker, declaration: ProjectParameter['declaration'], parameter: ProjectParameter['parameter'], depth: number): boolean {
  const symbol = checker.getSymbolAtLocation(parameter.name);
  if (symbol == null) return false;
  const isParameter = (node: ts.Node): node is ts.Identifier => ts.isIdentifier(node) && checker.getSymbolAtLocation(node) === symbol;
  let persists = true;
  const visit = (node: ts.Node): void => {
    if (!persists) return;
    if (ts.isShorthandPropertyAssignment(node) && checker.getShorthandAssignmentValueSymbol(node) === symbol) {
      persists = false;
      return;
    }
    if (node !== parameter.name && isParameter(node)) {
      if (!isPersistingUse(checker, node, isParameter, declaration, depth)) persists = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(declaration.body);
  return persists;
}

function isPersistingUse(checker: ts.TypeChecker, use: ts.Identifier, isParameter: (node: ts.Node) => node is ts.Identifier, owner: ts.SignatureDeclaration, depth: number): boolean {
  if (isReadOfObject(checker, use, depth)) return true;
  const parent = use.parent;
  // `return p` from the function itself (not from a callback that would hand it to other code).
  if (ts.isReturnStatement(parent)) return enclosingTsFunction(parent) === owner;
  // `p = await this.save(p)`: the name now holds what the save hands back, itself saved.
  if (ts.isBinaryExpression(parent) && parent.left === use && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const call = awaitedCall(parent.right);
    return call != null && savesOnEveryPath(checker, call, isParameter, depth) && returnsWhatItSaves(checker, call, isParameter, depth);
  }
  if (ts.isCallExpression(parent) && parent.expression !== use) {
    const index = parent.arguments.indexOf(use);
    if (index < 0) return false;
    // A save or a hand-off whose failure is caught here leaves what was set before it unsaved.
    if (isTypeormSaveOf(checker, parent, isParameter) || persistsArgument(checker, parent, index, depth + 1)) return !mayBeSwallowed(parent);
    return false;
  }
  // `p.save()`.
  if (ts.isPropertyAccessExpression(parent) && parent.expression === use && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) {
    return isTypeormSaveOf(checker, parent.parent, isParameter) && !mayBeSwallowed(parent.parent);
  }
  // `p.field = value;` in a run of such statements the next one saves; a plain value, since an
  // object set on the field could still be changed through another name after the save.
  if (ts.isPropertyAccessExpression(parent) && parent.expression === use) {
    const statement = fieldSetStatement(parent, isParameter);
    return statement != null && setsPlainValue(checker, statement) && isSavedRightAfter(checker, statement, isParameter, depth);
  }
  return false;
}


/** `p.field = value;` as a statement of its own. */
function fieldSetStatement(access: ts.PropertyAccessExpression, isParameter: (node: ts.Node) => node is ts.Identifier): ts.ExpressionStatement | undefined {
  const assignment = access.parent;
  if (!ts.isBinaryExpression(assignment) || assignment.left !== access || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const statement = assignment.parent;
  return ts.isExpressionStatement(statement) && isParameter(access.expression) ? statement : undefined;
}

function isSavedRightAfter(checker: ts.TypeChecker, statement: ts.ExpressionStatement, isParameter: (node: ts.Node) => node is ts.Identifier, depth: number): boolean {
  const block = statement.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block)) return false;
  if (insideTryBlock(statement)) return false;
  const statements = block.statements;
  for (let index = statements.indexOf(statement) + 1; index < statements.length; index++) {
    const next = statements[index];
    if (next == null) return false;
    if (ts.isExpressionStatement(next) && ts.isBinaryExpression(next.expression) && ts.isPropertyAccessExpression(next.expression.left) && fieldSetStatement(next.expression.left, isParameter) === next && setsPlainValue(checker, next)) continue;
    const call = savingCall(next);
    return call != null && savesOnEveryPath(checker, call, isParameter, depth);
  }
  return false;
}

/** `await save(…);`, `p = await save(…);`, `const saved = await save(…);`. */
function savingCall(statement: ts.Statement): ts.CallExpression | undefined {
  if (ts.isExpressionStatement(statement)) {
    const expression = statement.expression;
    if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) return awaitedCall(expression.right);
    return awaitedCall(expression);
  }
  if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
    const initializer = statement.declarationList.declarations[0]?.initializer;
    return initializer == null ? undefined : awaitedCall(initializer);
  }
  return undefined;
}

function awaitedCall(expression: ts.Expression): ts.CallExpression | undefined {
  const inner = ts.skipPartiallyEmittedExpressions(ts.isParenthesizedExpression(expression) ? expression.expression : expression);
  if (!ts.isAwaitExpression(inner)) return undefined;
  const call = ts.isParenthesizedExpression(inner.expression) ? inner.expression.expression : inner.expression;
  return ts.isCallExpression(call) ? call : undefined;
}

/**
 * A `try` block around the statement (up to its function) could catch the save's failure and go
 * on: a `catch` that does not end by throwing (or, where `leaves` says a return leaves the code
 * that matters, by returning), or a `finally` that returns; not one whose block also holds `write`,
 * the later write the caught failure would skip too.
 */
function insideTryBlock(statement: ts.Node, leaves: 'throw' | 'throw-or-return' = 'throw', write?: ts.Node): boolean {
  for (let current: ts.Node = statement; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    const parent = current.parent;
    if (!ts.isTryStatement(parent) || parent.tryBlock !== current) continue;
    // The later write in the same `try` block is skipped as well when the failure is caught.
    if (write != null && write.pos >= current.pos && write.end <= current.end) continue;
    if (parent.finallyBlock != null && containsReturn(parent.finallyBlock)) return true;
    const last = parent.catchClause?.block.statements.at(-1);
    if (parent.catchClause != null && !(last != null && (ts.isThrowStatement(last) || (leaves === 'throw-or-return' && ts.isReturnStatement(last))))) return true;
  }
  return false;
}

function containsReturn(block: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(block);
  return found;
}

/**
 * A call whose rejection is caught where it is made and the code goes on: inside such a `try`, or
 * given a `.catch()`. `leaves` as for `insideTryBlock`: in a callee, a `catch` that returns still
 * hands control back to its caller; in the caller, it leaves before the caller's later save.
 */
export function mayBeSwallowed(call: ts.CallExpression, leaves: 'throw' | 'throw-or-return' = 'throw', write?: ts.Node): boolean {
  let outer: ts.Node = call;
  while (ts.isParenthesizedExpression(outer.parent) || ts.isAwaitExpression(outer.parent)) outer = outer.parent;
  const access = outer.parent;
  if (ts.isPropertyAccessExpression(access) && access.expression === outer && (access.name.text === 'catch' || access.name.text === 'then')) return true;
  return insideTryBlock(call, leaves, write);
}

function setsPlainValue(checker: ts.TypeChecker, statement: ts.ExpressionStatement): boolean {
  const assignment = statement.expression;
  return ts.isBinaryExpression(assignment) && isPrimitive(checker.getTypeAtLocation(assignment.right));
}

function isTypeormSaveOf(checker: ts.TypeChecker, call: ts.CallExpression, isParameter: (node: ts.Node) => node is ts.Identifier): boolean {
  const typeorm = classifyIfDiffingWriteName(checker, call);
  // The project's override may not save on every path (or swallow the failure): not counted.
  if (typeorm?.method !== 'save' || typeorm.override != null) return false;
  if (typeorm.entityArgumentIndex == null) return ts.isPropertyAccessExpression(call.expression) && isParameter(call.expression.expression);
  const saved = call.arguments[typeorm.entityArgumentIndex];
  return saved != null && isParameter(saved);
}

/**
 * A call that saves the parameter whatever path it takes: TypeORM's `save()` of it, or the
 * project's saver whose body saves its own parameter on every path before any way out and leaves
 * no other change on it.
 */
function savesOnEveryPath(checker: ts.TypeChecker, call: ts.CallExpression, isParameter: (node: ts.Node) => node is ts.Identifier, depth: number): boolean {
  if (isTypeormSaveOf(checker, call, isParameter)) return !mayBeSwallowed(call);
  const index = call.arguments.findIndex((argument) => isParameter(argument));
  if (index < 0) return false;
  const found = projectParameter(checker, call, index, depth + 1);
  if (found == null || !ts.isBlock(found.declaration.body)) return false;
  const symbol = checker.getSymbolAtLocation(found.parameter.name);
  const isSaverParameter = (node: ts.Node): node is ts.Identifier => ts.isIdentifier(node) && symbol != null && checker.getSymbolAtLocation(node) === symbol;
  return persistsArgument(checker, call, index, depth + 1) && statementsSave(checker, found.declaration.body.statements, isSaverParameter);
}

/** The statements reach a TypeORM save of the parameter on every path, with no way out before it. */
function statementsSave(checker: ts.TypeChecker, statements: readonly ts.Statement[], isParameter: (node: ts.Node) => node is ts.Identifier): boolean {
  for (const statement of statements) {
    const call = savingCall(statement);
    if (call != null && isTypeormSaveOf(checker, call, isParameter)) return true;
    if (ts.isIfStatement(statement) && statement.elseStatement != null && branchSaves(checker, statement.thenStatement, isParameter) && branchSaves(checker, statement.elseStatement, isParameter)) return true;
    if (leavesEarly(statement)) return false;
  }
  return false;
}

function branchSaves(checker: ts.TypeChecker, branch: ts.Statement, isParameter: (node: ts.Node) => node is ts.Identifier): boolean {
  return statementsSave(checker, ts.isBlock(branch) ? branch.statements : [branch], isParameter);
}

/** A `return`, `throw`, `break` or `continue` anywhere in it (not in a nested function). */
function leavesEarly(statement: ts.Statement): boolean {
  let leaves = false;
  const visit = (node: ts.Node): void => {
    if (leaves || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) || ts.isThrowStatement(node) || ts.isBreakStatement(node) || ts.isContinueStatement(node)) {
      leaves = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(statement);
  return leaves;
}

/**
 * What the save hands back is what it saved: TypeORM's `save()` returns the object it was given;
 * the project's saver must return its parameter, TypeORM's save of it, or a name bound to that.
 */
function returnsWhatItSaves(checker: ts.TypeChecker, call: ts.CallExpression, isParameter: (node: ts.Node) => node is ts.Identifier, depth: number): boolean {
  if (isTypeormSaveOf(checker, call, isParameter)) return true;
  const found = projectParameter(checker, call, call.arguments.findIndex((argument) => isParameter(argument)), depth + 1);
  if (found == null || !ts.isBlock(found.declaration.body)) return false;
  const { declaration } = found;
  const symbol = checker.getSymbolAtLocation(found.parameter.name);
  const isSaverParameter = (node: ts.Node): node is ts.Identifier => ts.isIdentifier(node) && symbol != null && checker.getSymbolAtLocation(node) === symbol;
  let returnsSaved = true;
  const visit = (node: ts.Node): void => {
    if (!returnsSaved || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node)) {
      if (node.expression == null || !isSavedValue(checker, node.expression, isSaverParameter, depth)) returnsSaved = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(declaration.body, visit);
  return returnsSaved;
}

function isSavedValue(checker: ts.TypeChecker, expression: ts.Expression, isParameter: (node: ts.Node) => node is ts.Identifier, depth: number): boolean {
  if (isParameter(expression)) return true;
  const call = awaitedCall(expression) ?? (ts.isCallExpression(expression) ? expression : undefined);
  if (call != null) return isTypeormSaveOf(checker, call, isParameter);
  if (!ts.isIdentifier(expression) || depth > MAX_DEPTH) return false;
  const declaration = checker.getSymbolAtLocation(expression)?.valueDeclaration;
  if (declaration == null || !ts.isVariableDeclaration(declaration) || declaration.initializer == null) return false;
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return false;
  const initializer = awaitedCall(declaration.initializer);
  return initializer != null && isTypeormSaveOf(checker, initializer, isParameter);
}
