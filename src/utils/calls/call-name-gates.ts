import ts from 'typescript';

import { moduleOriginOfSourceFile } from './module-origin.js';

/**
 * A syntactic gate in front of a costly type query on `receiver.method(…)`. Finding out what such
 * a call resolves to needs the receiver's type, which in a large NestJS/TypeORM program is often
 * the bulk of a rule's time. But a call can only be, say, a transaction runner if its method is
 * named like one (`transaction`, `runInTransaction`, …) or like a function of the project that
 * calls one, directly or through other such functions. Those names are found once per program,
 * from the syntax of its own files alone.
 */
export function namesReaching(program: ts.Program, seeds: readonly string[]): ReadonlySet<string> {
  let perProgram = caches.get(program);
  if (perProgram == null) {
    perProgram = new Map();
    caches.set(program, perProgram);
  }
  const key = seeds.join('\n');
  let names = perProgram.get(key);
  if (names == null) {
    names = computeNamesReaching(callGraphOf(program), seeds);
    perProgram.set(key, names);
  }
  return names;
}

/** The method name of `receiver.method(…)` / `receiver['method'](…)`; undefined for other callees. */
export function methodNameOfCall(call: ts.CallExpression): string | undefined {
  let callee: ts.Expression = call.expression;
  while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) return callee.argumentExpression.text;
  return undefined;
}

/** For each callee name, the names of the project's functions that call it. */
type CallGraph = ReadonlyMap<string, readonly string[]>;

const caches = new WeakMap<ts.Program, Map<string, ReadonlySet<string>>>();
const callGraphs = new WeakMap<ts.Program, CallGraph>();
const fileEdges = new WeakMap<ts.SourceFile, readonly (readonly [string, string])[]>();

function computeNamesReaching(callers: CallGraph, seeds: readonly string[]): ReadonlySet<string> {
  const names = new Set(seeds);
  const queue = [...seeds];
  for (let name = queue.pop(); name != null; name = queue.pop()) {
    for (const caller of callers.get(name) ?? []) {
      if (names.has(caller)) continue;
      names.add(caller);
      queue.push(caller);
    }
  }
  return names;
}

function callGraphOf(program: ts.Program): CallGraph {
  const cached = callGraphs.get(program);
  if (cached != null) return cached;
  const callers = new Map<string, string[]>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || moduleOriginOfSourceFile(file).kind !== 'project') continue;
    for (const [callee, caller] of callEdgesOf(file)) {
      const list = callers.get(callee);
      if (list == null) callers.set(callee, [caller]);
      else list.push(caller);
    }
  }
  callGraphs.set(program, callers);
  return callers;
}

/**
 * `[callee name, caller name]` for every call in a file. Kept per source file: after an edit the
 * editor's next program reuses every unchanged `SourceFile`, so only the edited file is walked again.
 * A function known under a second name (`import { save as store }`, `export default`, `{ keep:
 * saveConversation }`, `const { save: persist } = repo`) is an edge too: calling the second name
 * reaches whatever the first reaches.
 */
function callEdgesOf(file: ts.SourceFile): readonly (readonly [string, string])[] {
  const cached = fileEdges.get(file);
  if (cached != null) return cached;
  const edges: [string, string][] = [];
  /** The named function the walk is in; a nested function's calls count for it too. */
  let owner: string | undefined;
  // One function for the whole walk (no closure per node): the program's every node passes here,
  // so what a node can be is one table lookup (`ROLES`), and most nodes only pass their children on.
  const visit = (node: ts.Node): void => {
    const role = ROLES[node.kind] ?? PLAIN;
    if (role === SKIP) return;
    if (role === PLAIN) {
      ts.forEachChild(node, visit);
      return;
    }
    const outer = owner;
    if (role & FUNCTION) {
      owner = functionName(node as ts.SignatureDeclaration) ?? outer;
      const holder = holderName(node as ts.SignatureDeclaration);
      if (owner != null && holder != null && holder !== owner) edges.push([owner, holder]);
    } else if (role & CALL && owner != null) {
      const callee = calleeName(node as ts.CallExpression);
      if (callee != null) edges.push([callee, owner]);
    }
    if (role & ALIAS) {
      const alias = aliasEdge(node);
      if (alias != null) edges.push(alias);
    }
    ts.forEachChild(node, visit);
    owner = outer;
  };
  visit(file);
  fileEdges.set(file, edges);
  return edges;
}

const PLAIN = 0;
const FUNCTION = 1;
const CALL = 2;
/** A kind `aliasEdge` looks at. */
const ALIAS = 4;
/**
 * Nodes the walk does not enter: types, interfaces and type aliases hold no calls and give no
 * function a second name (they are a good part of a typed backend's syntax), and tokens —
 * identifiers, literals, keywords — have no children.
 */
const SKIP = 8;

function roleOf(kind: ts.SyntaxKind): number {
  const isType = (kind >= ts.SyntaxKind.FirstTypeNode && kind <= ts.SyntaxKind.LastTypeNode) ||
    kind === ts.SyntaxKind.InterfaceDeclaration || kind === ts.SyntaxKind.TypeAliasDeclaration;
  if (isType || kind <= ts.SyntaxKind.LastToken) return SKIP;
  if (ts.isFunctionLike({ kind } as ts.Node)) return FUNCTION;
  return kind === ts.SyntaxKind.CallExpression ? CALL : PLAIN;
}

/** What each syntax kind can be to the walk: a bit set of the constants above. */
const ROLES: Uint8Array = (() => {
  const roles = new Uint8Array(ts.SyntaxKind.Count);
  for (const kind of Object.values(ts.SyntaxKind)) if (typeof kind === 'number') roles[kind] = roleOf(kind);
  for (const kind of [
    ts.SyntaxKind.ImportSpecifier,
    ts.SyntaxKind.ExportSpecifier,
    ts.SyntaxKind.ImportClause,
    ts.SyntaxKind.ExportAssignment,
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.BindingElement,
    ts.SyntaxKind.VariableDeclaration,
    ts.SyntaxKind.PropertyDeclaration,
    ts.SyntaxKind.PropertyAssignment,
  ]) {
    roles[kind] = (roles[kind] ?? PLAIN) | ALIAS;
  }
  return roles;
})();

function calleeName(call: ts.CallExpression): string | undefined {
  const method = methodNameOfCall(call);
  if (method != null) return method;
  let callee: ts.Expression = call.expression;
  while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
  return ts.isIdentifier(callee) ? callee.text : undefined;
}

/** How a function is called: its own name, or the variable or property that holds it. */
function functionName(fn: ts.SignatureDeclaration): string | undefined {
  const own = fn.name;
  if (own != null) return ts.isIdentifier(own) || ts.isStringLiteral(own) || ts.isPrivateIdentifier(own) ? own.text : undefined;
  return holderName(fn) ?? (isDefaultExport(fn) ? 'default' : undefined);
}

/** The variable or property a function expression is assigned to (`persist = async function impl() {}`). */
function holderName(fn: ts.SignatureDeclaration): string | undefined {
  let holder: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(holder) || ts.isAsExpression(holder) || ts.isSatisfiesExpression(holder)) holder = holder.parent;
  if ((ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder) || ts.isPropertyAssignment(holder)) && ts.isIdentifier(holder.name)) {
    return holder.name.text;
  }
  return undefined;
}

function isDefaultExport(fn: ts.SignatureDeclaration): boolean {
  if (ts.isExportAssignment(fn.parent)) return true;
  return ts.canHaveModifiers(fn) && (ts.getModifiers(fn) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
}

/** `[original, alias]` when a node gives a function a second name; undefined otherwise. */
function aliasEdge(node: ts.Node): [string, string] | undefined {
  // `import { save as store }`, `export { save as store }`.
  if ((ts.isImportSpecifier(node) || ts.isExportSpecifier(node)) && node.propertyName != null) return [node.propertyName.text, node.name.text];
  // `import store from '../persist.js'`: the module's default export.
  if (ts.isImportClause(node) && node.name != null) return ['default', node.name.text];
  // `export default saveConversation;`, `export default function persist() {}`.
  if (ts.isExportAssignment(node) && !node.isExportEquals) {
    const original = referencedName(node.expression);
    return original == null ? undefined : [original, 'default'];
  }
  if (ts.isFunctionDeclaration(node) && node.name != null && isDefaultExport(node)) return [node.name.text, 'default'];
  // `const { save: persist } = repo`.
  if (ts.isBindingElement(node) && node.propertyName != null && ts.isIdentifier(node.name)) {
    const original = ts.isIdentifier(node.propertyName) || ts.isStringLiteral(node.propertyName) ? node.propertyName.text : undefined;
    return original == null ? undefined : [original, node.name.text];
  }
  // `const persist = saveConversation`, `{ keep: helpers.saveConversation }`, `save = this.repo.save.bind(this.repo)`.
  if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) && ts.isIdentifier(node.name) && node.initializer != null) {
    const original = referencedName(node.initializer);
    return original == null || original === node.name.text ? undefined : [original, node.name.text];
  }
  return undefined;
}

/** The function a value expression names: `f`, `x.f`, `x.f.bind(x)`. */
function referencedName(expression: ts.Expression): string | undefined {
  let node = expression;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node)) node = node.expression;
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'bind') node = node.expression.expression;
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}
