import ts from 'typescript';

import { moduleOriginOfDeclaration } from '../calls/module-origin.js';

/**
 * Whether a call only reads the object it is handed: `log(order)`, `toDto(order)`,
 * `validate(order)`. When the callee is the project's own function (resolved through the
 * checker, in any file), its body is read: the parameter may have its properties read — a
 * primitive value used freely, an object only tested or printed — and may be passed on to calls
 * that only read it in turn; anything else (an assignment to one of its properties, a method
 * called on it, the object or one of its objects stored, returned or handed to unknown code)
 * means the callee may change what `save()` would write.
 */

/** Calls of the language and of Node that read their arguments and keep none. */
const READING_GLOBALS: ReadonlySet<string> = new Set([
  'JSON.stringify',
  'String',
  'Number',
  'Boolean',
  'console.log',
  'console.info',
  'console.warn',
  'console.error',
  'console.debug',
]);

const MAX_DEPTH = 4;

const cache = new WeakMap<ts.TypeChecker, Map<ts.Node, boolean>>();

/** Whether `call` only reads its argument at `argumentIndex`. */
export function onlyReadsArgument(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argumentIndex: number, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (ts.isCallExpression(call) && READING_GLOBALS.has(call.expression.getText())) return isGlobal(checker, call.expression);
  const found = projectParameterOf(checker, call, argumentIndex);
  if (found == null) return false;
  // A recursive function reads its parameter if nothing else in it writes: assume so while looking.
  return provisionalVerdict(cache, checker, found.parameter, () => bodyOnlyReads(checker, found.declaration.body, found.parameter.name, depth));
}

export interface ProjectParameter {
  declaration: ts.SignatureDeclaration & { body: ts.Block | ts.ConciseBody };
  parameter: ts.ParameterDeclaration & { name: ts.Identifier };
}

/** The parameter of the project's function (with a body) that receives the argument at `argumentIndex`. */
export function projectParameterOf(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argumentIndex: number): ProjectParameter | undefined {
  // A spread before the argument shifts which parameter receives it.
  if ((call.arguments ?? []).slice(0, argumentIndex + 1).some(ts.isSpreadElement)) return undefined;
  const declaration = checker.getResolvedSignature(call)?.declaration;
  if (declaration == null || ts.isJSDocSignature(declaration) || !('body' in declaration) || declaration.body == null) return undefined;
  if (declaration.getSourceFile().isDeclarationFile || moduleOriginOfDeclaration(declaration).kind !== 'project') return undefined;
  const parameter = declaration.parameters[argumentIndex];
  if (parameter == null || parameter.dotDotDotToken != null || !ts.isIdentifier(parameter.name)) return undefined;
  return { declaration: declaration as ProjectParameter['declaration'], parameter: parameter as ProjectParameter['parameter'] };
}

/**
 * A verdict about a function, kept per checker: `true` while it is being worked out, so a
 * function that reaches itself again assumes the answer it is looking for.
 */
export function provisionalVerdict<K extends object>(verdicts: WeakMap<ts.TypeChecker, Map<K, boolean>>, checker: ts.TypeChecker, key: K, compute: () => boolean): boolean {
  let perChecker = verdicts.get(checker);
  if (perChecker == null) {
    perChecker = new Map();
    verdicts.set(checker, perChecker);
  }
  const cached = perChecker.get(key);
  if (cached != null) return cached;
  perChecker.set(key, true);
  const result = compute();
  perChecker.set(key, result);
  return result;
}

const receiverCache = new WeakMap<ts.TypeChecker, Map<ts.MethodDeclaration, boolean>>();

/**
 * Whether a method call only reads the object it is called on: `order.isPaid()`,
 * `user.passwordMatch(password)`, a method of the project's own class (an instance method with a
 * body) that uses `this` the way a reading callee uses its parameter (above). `this` in an arrow
 * function is the method's; a nested `function` or class has its own and is not looked into.
 */
export function onlyReadsReceiver(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  if (!ts.isPropertyAccessExpression(call.expression)) return false;
  const declaration = checker.getResolvedSignature(call)?.declaration;
  if (declaration == null || !ts.isMethodDeclaration(declaration) || declaration.body == null) return false;
  if (declaration.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword) === true) return false;
  if (declaration.getSourceFile().isDeclarationFile || moduleOriginOfDeclaration(declaration).kind !== 'project') return false;
  const body = declaration.body;
  // A method that calls itself reads `this` if nothing else in it writes: assume so while looking.
  return provisionalVerdict(receiverCache, checker, declaration, () => {
    let readsOnly = true;
    const visit = (node: ts.Node): void => {
      if (!readsOnly || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isClassLike(node)) return;
      if (node.kind === ts.SyntaxKind.ThisKeyword) {
        if (!isReadOfObject(checker, node as ts.Expression, 0)) readsOnly = false;
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
    return readsOnly;
  });
}

function bodyOnlyReads(checker: ts.TypeChecker, body: ts.Node, name: ts.Identifier, depth: number): boolean {
  const symbol = checker.getSymbolAtLocation(name);
  if (symbol == null) return false;
  let readsOnly = true;
  const visit = (node: ts.Node): void => {
    if (!readsOnly) return;
    // `{ order }` hands the object on under a property name.
    if (ts.isShorthandPropertyAssignment(node) && checker.getShorthandAssignmentValueSymbol(node) === symbol) {
      readsOnly = false;
      return;
    }
    if (ts.isIdentifier(node) && node !== name && checker.getSymbolAtLocation(node) === symbol) {
      if (!isReadOfObject(checker, node, depth)) readsOnly = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return readsOnly;
}

/** A use of the object itself (`order`): a property read, a test, a print, or a reading call. */
export function isReadOfObject(checker: ts.TypeChecker, use: ts.Expression, depth: number): boolean {
  const parent = use.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === use) return isReadOfProperty(checker, parent, depth);
  if (isTestOrPrint(use)) return true;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== use) {
    const index = parent.arguments?.indexOf(use) ?? -1;
    return index >= 0 && onlyReadsArgument(checker, parent, index, depth + 1);
  }
  return false;
}

/** `order.x`: not written, not called as a method; its value used only as a primitive, or tested. */
function isReadOfProperty(checker: ts.TypeChecker, access: ts.PropertyAccessExpression, depth: number): boolean {
  const parent = access.parent;
  if (isWriteTarget(access)) return false;
  if (ts.isCallExpression(parent) && parent.expression === access) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === access) {
    // `order.customer.name`: read deeper; `order.items.length` is a number.
    return isReadOfProperty(checker, parent, depth);
  }
  if (ts.isElementAccessExpression(parent) && parent.expression === access) return false;
  if (isTestOrPrint(access)) return true;
  if (isPrimitive(checker.getTypeAtLocation(access))) return true;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== access) {
    const index = parent.arguments?.indexOf(access) ?? -1;
    return index >= 0 && onlyReadsArgument(checker, parent, index, depth + 1);
  }
  return false;
}

function isWriteTarget(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  return ts.isDeleteExpression(parent);
}

/** A comparison, a condition, a `typeof`, a template span, a `!`: the value goes nowhere. */
function isTestOrPrint(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isTemplateSpan(parent) || ts.isTypeOfExpression(parent)) return true;
  if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isBinaryExpression(parent)) {
    const kind = parent.operatorToken.kind;
    return [
      ts.SyntaxKind.EqualsEqualsEqualsToken,
      ts.SyntaxKind.ExclamationEqualsEqualsToken,
      ts.SyntaxKind.EqualsEqualsToken,
      ts.SyntaxKind.ExclamationEqualsToken,
      ts.SyntaxKind.InstanceOfKeyword,
    ].includes(kind);
  }
  if (ts.isConditionalExpression(parent)) return parent.condition === node;
  return (ts.isIfStatement(parent) || ts.isWhileStatement(parent)) && parent.expression === node;
}

/** A string, number, boolean, bigint, enum or nullish value: a copy, never a part of an object. */
export function isPrimitive(type: ts.Type): boolean {
  const types = type.isUnion() ? type.types : [type];
  return types.every((member) => (member.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.EnumLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0);
}

/** `JSON.stringify` and friends as the language defines them, not a local of the same name. */
function isGlobal(checker: ts.TypeChecker, callee: ts.Expression): boolean {
  const declaration = checker.getSymbolAtLocation(callee)?.declarations?.[0];
  return declaration != null && moduleOriginOfDeclaration(declaration).kind !== 'project';
}
