import ts from 'typescript';

import { moduleOriginOfDeclaration } from './module-origin.js';
import { resolvedDeclaration } from '../typeorm/typeorm-calls.js';

/**
 * Calls of the standard library that do not throw in practice: reading and filling collections
 * (`map.has(k)`, `set.add(v)`, `Array.from(ids)`, `Object.values(o)`), `Math`, string and number
 * methods, `JSON.stringify`, `new Map()`, `new Date()`, `new Error(…)`. Anything that runs code of
 * the caller's (a callback argument: `items.forEach(send)`, `new Promise(run)`) may throw, and so
 * may `JSON.parse`, `new URL(…)` or any function of the project or of a package.
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

/** Whether `call` (a call or `new`, not awaited) is a standard-library call that does not throw in practice. */
export function isQuietBuiltinCall(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || moduleOriginOfDeclaration(declaration).kind !== 'typescript-lib') return false;
  const owner = declaration.parent;
  if (!ts.isInterfaceDeclaration(owner)) return false;
  const ownerName = owner.name.text;
  const methodName = ts.isMethodSignature(declaration) && ts.isIdentifier(declaration.name) ? declaration.name.text : undefined;
  if (!QUIET_OWNERS.has(ownerName) && (methodName == null || QUIET_METHODS[ownerName]?.has(methodName) !== true)) return false;
  // A callback (`forEach(send)`, `sort(compare)`, `Array.from(ids, load)`) runs the caller's code.
  return (call.arguments ?? []).every((argument) => checker.getTypeAtLocation(argument).getCallSignatures().length === 0);
}
