import ts from 'typescript';

import { conditionColumns } from './state-columns.js';
import { classifyTypeormCall, resolvedDeclaration } from './typeorm-calls.js';

/**
 * Query builder chains (`qb.update(E).set(v).where(a).andWhere(b)`) read as a list of calls, and
 * the condition their where-methods build. `where()` and `whereInIds()` replace the condition
 * built so far; `andWhere()` adds to it; `orWhere()` makes it a disjunction.
 */

/** One call of a chain: `.where(…)` with its method name. */
export interface ChainLink {
  name: string;
  call: ts.CallExpression & { expression: ts.PropertyAccessExpression };
}

/** The where-methods the rules read; the `…InIds` variants other than `whereInIds` are not. */
const WHERE_METHODS: ReadonlySet<string> = new Set(['where', 'andWhere', 'orWhere', 'whereInIds']);

/**
 * `a.update(E).set(x).where(y)` → [update, set, where]: the method calls of an expression, first
 * to last. Property reads in between are skipped; the chain stops at anything else (a plain
 * call, a variable, `this`).
 */
export function callChain(expression: ts.Expression): ChainLink[] {
  const links: ChainLink[] = [];
  let current: ts.Expression = expression;
  for (;;) {
    if (ts.isPropertyAccessExpression(current)) {
      current = current.expression;
    } else if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) {
      links.unshift({ name: current.expression.name.text, call: current as ChainLink['call'] });
      current = current.expression.expression;
    } else {
      return links;
    }
  }
}

/**
 * The columns the condition in force at the end of the chain checks: from the last `where()` or
 * `whereInIds()` on (ids say nothing about a state). `undefined` when the condition cannot be
 * read, or has an `orWhere()`, under which no single column is guaranteed to be checked.
 */
export function columnsCheckedByChain(chain: readonly ChainLink[]): Set<string> | undefined {
  const lastWhere = chain.findLastIndex((link) => replacesCondition(link.name));
  const conditions = chain.slice(Math.max(lastWhere, 0)).filter((link) => WHERE_METHODS.has(link.name));
  if (conditions.some((link) => link.name === 'orWhere')) return undefined;
  const columns = new Set<string>();
  for (const link of conditions) {
    if (link.name === 'whereInIds') continue;
    const argument = link.call.arguments[0];
    const found = argument == null ? undefined : conditionColumns(argument);
    if (found == null) return undefined;
    for (const name of found) columns.add(name);
  }
  return columns;
}

/**
 * The where-method call whose condition a `.where()` or `.whereInIds()` call replaces: the last
 * one before it in its chain, when the call is TypeORM's. The chain is read first: most calls have
 * no earlier where-method, and then no type query is needed.
 */
export function overriddenConditionOf(checker: ts.TypeChecker, call: ts.CallExpression): ChainLink | undefined {
  const previous = callChain(call.expression).findLast((link) => WHERE_METHODS.has(link.name));
  if (previous == null) return undefined;
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || classifyTypeormCall(checker, call) == null) return undefined;
  return previous;
}

/** The method that adds to the condition where `method` replaces it: `andWhere`, `andWhereInIds`. */
export function conditionKeepingMethod(method: string): string {
  return method === 'whereInIds' ? 'andWhereInIds' : 'andWhere';
}

function replacesCondition(method: string): boolean {
  return method === 'where' || method === 'whereInIds';
}
