import ts from 'typescript';

import { isLoggingCall } from './logging-calls.js';
import { moduleOriginOfDeclaration } from './module-origin.js';
import { resolvedDeclaration } from '../typeorm/typeorm-calls.js';

/**
 * Calls that do not throw in practice. Of the standard library: reading and filling collections
 * (`map.has(k)`, `set.add(v)`, `Array.from(ids)`, `Object.values(o)`), `Math`, string and number
 * methods, `JSON.stringify`, `new Map()`, `new Date()`, `new Error(…)`; anything that runs code of
 * the caller's (a callback argument: `items.forEach(send)`, `new Promise(run)`) may throw, and so
 * may `JSON.parse` or `new URL(…)`. Of the project: only accessors whose whole body returns a
 * field of `this`, a parameter or a literal (`getPlatformType = () => this.platform`). Logging
 * calls (`this.logger.error(e)`, `console.warn(…)`, the project's own `error(e)` from its log
 * module) do not throw either. Any other function of the project or of a package may throw.
 */

/** The standard library's interfaces whose methods (or constructors) do not throw on ordinary input. */
const QUIET_OWNERS = new Set([
  'Map',
  'ReadonlyMap',
  'MapConstructor',
  'Set',
  'ReadonlySet',
  'SetConstructor',
  'WeakMap',
  'WeakMapConstructor',
  'WeakSet',
  'WeakSetConstructor',
  'Array',
  'ReadonlyArray',
  'ArrayConstructor',
  'Object',
  'ObjectConstructor',
  'Math',
  'String',
  'StringConstructor',
  'Number',
  'NumberConstructor',
  'Boolean',
  'BooleanConstructor',
  'Date',
  'DateConstructor',
  'Error',
  'ErrorConstructor',
]);

/** Methods of other standard interfaces that do not throw on ordinary input. */
const QUIET_METHODS: Readonly<Record<string, ReadonlySet<string>>> = {
  JSON: new Set(['stringify']),
};

/** Whether `call` (a call or `new`, not awaited) does not throw in practice. */
export function isQuietCall(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  // A message handed to a logger; a callback (a lazily built message) runs code that may throw.
  if (ts.isCallExpression(call) && isLoggingCall(checker, call)) return call.arguments.every((argument) => checker.getTypeAtLocation(argument).getCallSignatures().length === 0);
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null) return false;
  const origin = moduleOriginOfDeclaration(declaration).kind;
  if (origin === 'project') return ts.isCallExpression(call) && isAccessor(checker, declaration);
  if (origin !== 'typescript-lib') return false;
  const owner = declaration.parent;
  if (!ts.isInterfaceDeclaration(owner)) return false;
  const ownerName = owner.name.text;
  const methodName = ts.isMethodSignature(declaration) && ts.isIdentifier(declaration.name) ? declaration.name.text : undefined;
  if (!QUIET_OWNERS.has(ownerName) && (methodName == null || QUIET_METHODS[ownerName]?.has(methodName) !== true)) return false;
  // A callback (`forEach(send)`, `sort(compare)`, `Array.from(ids, load)`) runs the caller's code.
  return (call.arguments ?? []).every((argument) => checker.getTypeAtLocation(argument).getCallSignatures().length === 0);
}

/**
 * `getX() { return this.x; }`, `getX = () => this.x`: a function of the project whose only
 * statement returns a field of `this`, one of its parameters or a literal. (A property declared
 * with an arrow resolves to the property: its initializer is the function.)
 */
function isAccessor(checker: ts.TypeChecker, declaration: ts.Declaration): boolean {
  const fn = ts.isPropertyDeclaration(declaration) || ts.isVariableDeclaration(declaration) ? declaration.initializer : declaration;
  if (fn == null || !(ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return false;
  const body = fn.body;
  if (body == null) return false;
  let returned: ts.Expression | undefined;
  if (ts.isBlock(body)) {
    const [only, ...others] = body.statements;
    if (only == null || others.length > 0 || !ts.isReturnStatement(only)) return false;
    returned = only.expression;
  } else {
    returned = body;
  }
  if (returned == null) return true;
  while (ts.isParenthesizedExpression(returned)) returned = returned.expression;
  if (ts.isLiteralExpression(returned) || returned.kind === ts.SyntaxKind.TrueKeyword || returned.kind === ts.SyntaxKind.FalseKeyword || returned.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(returned)) return checker.getSymbolAtLocation(returned)?.valueDeclaration?.parent === fn;
  // `this.x`, but not through a getter, which runs code.
  if (ts.isPropertyAccessExpression(returned) && returned.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const property = checker.getSymbolAtLocation(returned);
    return property != null && (property.flags & ts.SymbolFlags.GetAccessor) === 0 && (property.flags & ts.SymbolFlags.Property) !== 0;
  }
  return false;
}
