import ts from 'typescript';

import { methodNameOfCall } from '../calls/call-name-gates.js';
import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { calleeDeclarations } from '../typeorm/typeorm-calls.js';

/**
 * Prisma's generated client, recognised by its declarations wherever it is generated to: a model
 * delegate (`prisma.wallet`, `tx.wallet`) is an interface `<Model>Delegate` of the generated client,
 * and `$transaction` a method of its `PrismaClient` interface. The `prisma-client` generator writes
 * the client into the project, `prisma-client-js` into `node_modules/.prisma/client`; either counts
 * as the `@prisma/client` package (see `moduleOriginOfSourceFile`). Nothing here goes by the
 * spelling of the receiver.
 */

/** How many rows a read returns. */
type PrismaReadShape = 'one' | 'many';

const READS: Readonly<Record<string, PrismaReadShape>> = {
  findUnique: 'one',
  findUniqueOrThrow: 'one',
  findFirst: 'one',
  findFirstOrThrow: 'one',
  findMany: 'many',
};

/** What an update hands back: the row (`update`, `upsert`), a `{ count }` or the rows. */
export type PrismaWriteOutcome = 'row' | 'count' | 'rows';

interface PrismaWriteShape {
  /** The property of the argument that holds the values: `data`, or `upsert`'s `update`. */
  values: string;
  outcome: PrismaWriteOutcome;
}

const WRITES: Readonly<Record<string, PrismaWriteShape>> = {
  update: { values: 'data', outcome: 'row' },
  updateMany: { values: 'data', outcome: 'count' },
  updateManyAndReturn: { values: 'data', outcome: 'rows' },
  upsert: { values: 'update', outcome: 'row' },
};

/** Method names of a delegate that read or update rows: a call named otherwise needs no type query. */
export const PRISMA_READ_METHODS: ReadonlySet<string> = new Set(Object.keys(READS));
export const PRISMA_WRITE_METHODS: ReadonlySet<string> = new Set(Object.keys(WRITES));

/** A call of a model delegate's method: `prisma.wallet.update(…)` is `{ model: 'Wallet', method: 'update' }`. */
export interface PrismaDelegateCall {
  model: string;
  method: string;
  /** The file that declares the delegate, where the model's other generated types are. */
  declaringFile: ts.SourceFile;
}

function isPrismaDeclaration(declaration: ts.Declaration): boolean {
  const origin = moduleOriginOfDeclaration(declaration);
  return origin.kind === 'package' && origin.name === '@prisma/client';
}

/**
 * The generated interface or class a method is declared in, when it is one of Prisma's: the
 * `prisma-client` generator declares `PrismaClient` as an interface, `prisma-client-js` as a class.
 */
function generatedOwnerOf(declaration: ts.Declaration): string | undefined {
  const owner = declaration.parent;
  if (!(ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)) || owner.name == null || !isPrismaDeclaration(declaration)) return undefined;
  return owner.name.text;
}

/** A model delegate's method, by its declaration; `names` gates the type query by method name. */
export function prismaDelegateCallOf(checker: ts.TypeChecker, call: ts.CallExpression, names: ReadonlySet<string>): PrismaDelegateCall | undefined {
  const method = methodNameOfCall(call);
  if (method == null || !names.has(method)) return undefined;
  const declaration = calleeDeclarations(checker, call)?.[0];
  if (declaration == null) return undefined;
  const owner = generatedOwnerOf(declaration);
  const model = owner == null ? undefined : /^(\w+)Delegate$/.exec(owner)?.[1];
  return model == null ? undefined : { model, method, declaringFile: declaration.getSourceFile() };
}

export function prismaReadShape(method: string): PrismaReadShape | undefined {
  return READS[method];
}

export function prismaWriteShape(method: string): PrismaWriteShape | undefined {
  return WRITES[method];
}

/** `{ where, data }`: a property of the object literal a delegate call is given. */
export function prismaArgumentProperty(call: ts.CallExpression, name: string): ts.Expression | undefined {
  const [argument] = call.arguments;
  if (argument == null) return undefined;
  const object = skipParentheses(argument);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
  return current;
}

const uniqueFieldsCache = new WeakMap<ts.SourceFile, Map<string, ReadonlySet<string>>>();

/**
 * The fields that identify a row of `model`: the keys of its generated `<Model>WhereUniqueInput`
 * (`AtLeast<{ … }, "id" | "email">`), its `@id` and `@unique` fields. Such a field names the row;
 * its value read earlier is the row's value still.
 */
export function prismaUniqueFields(delegate: PrismaDelegateCall): ReadonlySet<string> {
  let perFile = uniqueFieldsCache.get(delegate.declaringFile);
  if (perFile == null) {
    perFile = new Map();
    uniqueFieldsCache.set(delegate.declaringFile, perFile);
  }
  let fields = perFile.get(delegate.model);
  if (fields == null) {
    fields = uniqueFieldsIn(delegate.declaringFile, `${delegate.model}WhereUniqueInput`);
    perFile.set(delegate.model, fields);
  }
  return fields;
}

function uniqueFieldsIn(file: ts.SourceFile, aliasName: string): ReadonlySet<string> {
  const fields = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === aliasName && ts.isTypeReferenceNode(node.type)) {
      const keys = node.type.typeArguments?.[1];
      for (const key of keys == null ? [] : ts.isUnionTypeNode(keys) ? keys.types : [keys]) {
        if (ts.isLiteralTypeNode(key) && ts.isStringLiteral(key.literal)) fields.add(key.literal.text);
      }
      return;
    }
    // `prisma-client-js` declares the model types inside `export namespace Prisma { … }`.
    if (ts.isModuleDeclaration(node) || ts.isModuleBlock(node) || ts.isSourceFile(node)) ts.forEachChild(node, visit);
  };
  visit(file);
  return fields;
}


/**
 * `prisma.$transaction(async (tx) => …)` (or a function passed by name): an interactive
 * transaction, whose callback holds a connection until it settles, 5 s at most by default
 * (P2028 after). `$transaction([…])`, a batch of queries, runs no code of the caller inside.
 */
export function isPrismaInteractiveTransaction(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  if (methodNameOfCall(call) !== '$transaction') return false;
  const [first] = call.arguments;
  if (first == null || ts.isArrayLiteralExpression(skipParentheses(first))) return false;
  const declaration = calleeDeclarations(checker, call)?.[0];
  return declaration != null && generatedOwnerOf(declaration) === 'PrismaClient';
}

/**
 * Whether an expression's type is Prisma's generated client itself: the root client, not a
 * transaction's `tx`, whose type omits `$connect`, `$disconnect`, `$on` and `$extends`.
 */
export function isPrismaRootClient(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  const disconnect = checker.getTypeAtLocation(expression).getProperty('$disconnect');
  const declaration = disconnect?.declarations?.[0];
  return declaration != null && generatedOwnerOf(declaration) === 'PrismaClient';
}

const modelTypes = new WeakMap<ts.SourceFile, Map<string, ts.TypeAliasDeclaration | null>>();

/**
 * The generated type of a model's row: `<Model>Model` (the `prisma-client` generator) or the
 * model's own name (`prisma-client-js`), declared beside its delegate.
 */
export function prismaModelDeclaration(delegate: PrismaDelegateCall): ts.TypeAliasDeclaration | undefined {
  let perFile = modelTypes.get(delegate.declaringFile);
  if (perFile == null) {
    perFile = new Map();
    modelTypes.set(delegate.declaringFile, perFile);
  }
  let found = perFile.get(delegate.model);
  if (found === undefined) {
    found = typeAliasIn(delegate.declaringFile, `${delegate.model}Model`) ?? typeAliasIn(delegate.declaringFile, delegate.model) ?? null;
    perFile.set(delegate.model, found);
  }
  return found ?? undefined;
}

/** The type of a field of a model's row (`JobStatus` for `status`), from its generated model type. */
export function prismaFieldType(checker: ts.TypeChecker, delegate: PrismaDelegateCall, field: string): ts.Type | undefined {
  const declaration = prismaModelDeclaration(delegate);
  const property = declaration == null ? undefined : checker.getTypeAtLocation(declaration.name).getProperty(field);
  return property == null ? undefined : checker.getTypeOfSymbol(property);
}

function typeAliasIn(file: ts.SourceFile, name: string): ts.TypeAliasDeclaration | undefined {
  let found: ts.TypeAliasDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (found != null) return;
    if (ts.isTypeAliasDeclaration(node) && node.name.text === name) {
      found = node;
      return;
    }
    if (ts.isModuleDeclaration(node) || ts.isModuleBlock(node) || ts.isSourceFile(node)) ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/**
 * The fields a `where` object checks, or undefined when it cannot be read (a variable, a spread,
 * an `OR`): top-level keys, and those of `AND` (an object or a list of them).
 */
export function prismaWhereFields(where: ts.Expression | undefined): ReadonlySet<string> | undefined {
  if (where == null) return new Set();
  const object = skipParentheses(where);
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  const fields = new Set<string>();
  for (const property of object.properties) {
    const name = property.name == null ? undefined : propertyNameText(property.name);
    if (name == null || ts.isSpreadAssignment(property)) return undefined;
    if (name === 'OR' || name === 'NOT') continue;
    if (name !== 'AND') {
      fields.add(name);
      continue;
    }
    if (!ts.isPropertyAssignment(property)) return undefined;
    const value = skipParentheses(property.initializer);
    for (const part of ts.isArrayLiteralExpression(value) ? value.elements : [value]) {
      const inner = prismaWhereFields(part);
      if (inner == null) return undefined;
      for (const field of inner) fields.add(field);
    }
  }
  return fields;
}
