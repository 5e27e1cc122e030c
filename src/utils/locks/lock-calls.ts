import ts from 'typescript';

import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { resolvedDeclaration } from '../typeorm/typeorm-calls.js';

/**
 * The package a declaration belongs to: its `node_modules` package, or the module an ambient
 * `declare module 'name' { … }` block declares (how projects type packages that ship no types).
 */
export function packageOfDeclaration(declaration: ts.Node): string | undefined {
  const origin = moduleOriginOfDeclaration(declaration);
  if (origin.kind === 'package') return origin.name;
  let current = declaration;
  while (!ts.isSourceFile(current)) {
    if (ts.isModuleDeclaration(current) && ts.isStringLiteral(current.name)) return current.name.text;
    current = current.parent;
  }
  return undefined;
}

/** The package that declares the function a call resolves to, if any. */
export function packageOfCall(checker: ts.TypeChecker, call: ts.CallExpression): string | undefined {
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || ts.isJSDocSignature(declaration)) return undefined;
  return packageOfDeclaration(declaration);
}

/** `Promise<T>` → `T`, for a type written in a declaration (`Promise<string | null>`). */
function unwrapPromiseNode(node: ts.TypeNode): ts.TypeNode {
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === 'Promise') {
    const [inner] = node.typeArguments ?? [];
    if (inner != null) return inner;
  }
  return node;
}

function typeNodeMayFail(node: ts.TypeNode): boolean {
  const inner = unwrapPromiseNode(node);
  const parts = ts.isUnionTypeNode(inner) ? inner.types : [inner];
  return parts.some((part) => {
    if (part.kind === ts.SyntaxKind.BooleanKeyword || part.kind === ts.SyntaxKind.UndefinedKeyword) return true;
    if (ts.isLiteralTypeNode(part)) return part.literal.kind === ts.SyntaxKind.NullKeyword || part.literal.kind === ts.SyntaxKind.FalseKeyword;
    return false;
  });
}

function typeMayFail(checker: ts.TypeChecker, type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  const falseType = checker.getFalseType();
  // `boolean` itself is the union `true | false`.
  return parts.some((part) => (part.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0 || part === falseType);
}

/**
 * Whether an acquiring call can come back empty-handed: its (awaited) result may be null,
 * undefined or false (`void` is no answer at all, not a failure), by the checker or — with `strictNullChecks` off — by the declared type.
 */
export function acquisitionMayFail(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const type = checker.getTypeAtLocation(call);
  if (typeMayFail(checker, checker.getAwaitedType(type) ?? type)) return true;
  const declaration = checker.getResolvedSignature(call)?.declaration;
  if (declaration != null && !ts.isJSDocSignature(declaration) && declaration.type != null) return typeNodeMayFail(declaration.type);
  return false;
}

/** True for `any`, `unknown` and unresolved types: nothing can be learned from them. */
export function isOpaqueType(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

/** Whether a type (or what it resolves to when awaited) has a method whose name matches `pattern`. */
export function hasMethodMatching(checker: ts.TypeChecker, type: ts.Type, pattern: RegExp): boolean {
  const awaited = checker.getAwaitedType(type) ?? type;
  for (const candidate of [type, awaited]) {
    const parts = candidate.isUnion() ? candidate.types : [candidate];
    for (const part of parts) {
      if (checker.getPropertiesOfType(part).some((property) => pattern.test(property.getName()))) return true;
    }
  }
  return false;
}

/** Whether the awaited type can be called (a release function). */
export function isCallableResult(checker: ts.TypeChecker, type: ts.Type): boolean {
  const awaited = checker.getAwaitedType(type) ?? type;
  const parts = awaited.isUnion() ? awaited.types : [awaited];
  return parts.some((part) => part.getCallSignatures().length > 0);
}

/** The name a type is known by (`VisitorLockService`, `Mutex`), if any. */
export function typeNameOf(type: ts.Type): string | undefined {
  return (type.aliasSymbol ?? type.getSymbol())?.getName();
}
