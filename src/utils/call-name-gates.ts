import ts from 'typescript';

import { moduleOriginOfFile } from './module-origin.js';

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
    if (file.isDeclarationFile || moduleOriginOfFile(file.fileName).kind !== 'project') continue;
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
 */
function callEdgesOf(file: ts.SourceFile): readonly (readonly [string, string])[] {
  const cached = fileEdges.get(file);
  if (cached != null) return cached;
  const edges: [string, string][] = [];
  const visit = (node: ts.Node, owner: string | undefined): void => {
    let current = owner;
    if (ts.isFunctionLike(node)) {
      // A nested function's calls count for the named function around it, and for itself.
      current = functionName(node) ?? owner;
    } else if (ts.isCallExpression(node) && current != null) {
      const callee = calleeName(node);
      if (callee != null) edges.push([callee, current]);
    }
    ts.forEachChild(node, (child) => {
      visit(child, current);
    });
  };
  visit(file, undefined);
  fileEdges.set(file, edges);
  return edges;
}

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
  const holder = fn.parent;
  if ((ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder) || ts.isPropertyAssignment(holder)) && ts.isIdentifier(holder.name)) {
    return holder.name.text;
  }
  return undefined;
}
