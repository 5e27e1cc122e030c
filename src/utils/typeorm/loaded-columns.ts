import ts from 'typescript';

import type { ColumnMetadata, EntityMetadata } from './entity-metadata.js';

/**
 * Which columns an entity object carries after a load: `save()` skips `undefined` properties,
 * so only these can be written back stale. A `select` (find options, or a query builder's
 * `select()`) narrows the columns; `@Column({ select: false })` columns are left out unless
 * selected or added with `addSelect()`; relations count only when eager or named in `relations`
 * (or joined and selected by a query builder).
 */
export interface LoadedColumnsSpec {
  /** Properties named in `select`, or undefined when every default column is selected. */
  select?: ReadonlySet<string>;
  /** Properties added on top of the default columns (`addSelect('user.password')`). */
  added?: ReadonlySet<string>;
  relations: ReadonlySet<string>;
  /** Loaded by a query builder, which leaves eager relations out unless it joins them. */
  queryBuilder?: boolean;
}

export function loadedColumnsSpecOf(call: ts.CallExpression | undefined): LoadedColumnsSpec {
  const relations = new Set<string>();
  let select: Set<string> | undefined;
  const added = new Set<string>();
  const options = call?.arguments.find((argument): argument is ts.ObjectLiteralExpression =>
    ts.isObjectLiteralExpression(argument),
  );
  for (const property of options?.properties ?? []) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
    const key = property.name.text;
    // A select built at run time (`select: columns`) may load any column: as if there were none.
    if (key === 'select') select = namesIn(property.initializer);
    if (key === 'relations') for (const name of namesIn(property.initializer) ?? []) relations.add(name);
  }
  // `qb.select(['u.id', 'u.email']).addSelect('u.password').leftJoinAndSelect('u.team', 't').getOne()`
  for (const link of builderChainBefore(call)) {
    const read = link.arguments.map(selectionsIn);
    // A selection built at run time could name any column: every default column may be loaded.
    if (read.some((selections) => selections == null)) {
      if (link.method === 'select') select = undefined;
      continue;
    }
    const selections = read.flat().filter((selection) => selection != null);
    if (link.method === 'select') {
      // `select('u')` (an alias alone) selects every default column.
      select = selections.some((selection) => selection.property == null) ? undefined : new Set(selections.map((selection) => selection.property ?? ''));
      added.clear();
    } else if (link.method === 'addSelect') {
      for (const selection of selections) if (selection.property != null) (select ?? added).add(selection.property);
    } else if (link.method === 'leftJoinAndSelect' || link.method === 'innerJoinAndSelect') {
      const joined = selections[0]?.property;
      if (joined != null) relations.add(joined);
    }
  }
  const queryBuilder = call != null && ts.isPropertyAccessExpression(call.expression) && QUERY_BUILDER_LOADS.has(call.expression.name.text);
  return { ...(select == null ? {} : { select }), ...(added.size === 0 ? {} : { added }), relations, ...(queryBuilder ? { queryBuilder } : {}) };
}

const QUERY_BUILDER_LOADS: ReadonlySet<string> = new Set(['getOne', 'getOneOrFail', 'getMany', 'getManyAndCount', 'getRawAndEntities']);

/** The calls of a builder chain before `call`, first call first: `a.select(…).where(…).getOne()`. */
function builderChainBefore(call: ts.CallExpression | undefined): { method: string; arguments: readonly ts.Expression[] }[] {
  const links: { method: string; arguments: readonly ts.Expression[] }[] = [];
  let current: ts.Expression | undefined = call == null ? undefined : receiverOf(call);
  while (current != null) {
    const node = skipParentheses(current);
    if (!ts.isCallExpression(node)) break;
    const callee = skipParentheses(node.expression);
    if (!ts.isPropertyAccessExpression(callee)) break;
    links.unshift({ method: callee.name.text, arguments: node.arguments });
    current = callee.expression;
  }
  return links;
}

function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const callee = skipParentheses(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
  return current;
}

/** `'u.email'` → the property `email`; `'u'` → the whole alias; undefined when not literal. */
function selectionsIn(argument: ts.Expression): { property?: string }[] | undefined {
  const elements: readonly ts.Expression[] = ts.isArrayLiteralExpression(argument) ? argument.elements : [argument];
  const texts: string[] = [];
  for (const element of elements) {
    if (!ts.isStringLiteralLike(element)) return undefined;
    texts.push(element.text);
  }
  return texts.map((text) => {
    const dot = text.indexOf('.');
    return dot < 0 ? {} : { property: text.slice(dot + 1) };
  });
}

/** `['a', 'b']` or `{ a: true, b: { … } }` → top-level names; undefined when not written out. */
function namesIn(expression: ts.Expression): Set<string> | undefined {
  const names = new Set<string>();
  if (ts.isArrayLiteralExpression(expression)) {
    for (const element of expression.elements) {
      if (!ts.isStringLiteralLike(element)) return undefined;
      names.add(element.text.split('.')[0] ?? element.text);
    }
    return names;
  }
  if (ts.isObjectLiteralExpression(expression)) {
    for (const property of expression.properties) {
      const name = property.name;
      if (name == null || !(ts.isIdentifier(name) || ts.isStringLiteral(name))) return undefined;
      if (!ts.isPropertyAssignment(property) || property.initializer.kind !== ts.SyntaxKind.FalseKeyword) names.add(name.text);
    }
    return names;
  }
  return undefined;
}

/** The loaded columns a stale write would put back, excluding keys and immutable columns. */
export function columnsAtRisk(
  metadata: EntityMetadata,
  spec: LoadedColumnsSpec,
  written: ReadonlySet<string>,
): ColumnMetadata[] {
  return metadata.columns.filter((column) => {
    if (written.has(column.propertyName)) return false;
    if (column.kind === 'primary' || column.kind === 'create-date' || column.kind === 'relation-id') return false;
    if (column.kind === 'relation') return (column.eager && spec.queryBuilder !== true) || spec.relations.has(column.propertyName);
    if (spec.select != null) return spec.select.has(column.propertyName);
    return !column.hiddenByDefault || spec.added?.has(column.propertyName) === true;
  });
}
