import ts from 'typescript';

import type { ColumnMetadata, EntityMetadata } from './entity-metadata.js';

/**
 * Which columns an entity object carries after a load: `save()` skips `undefined` properties,
 * so only these can be written back stale. A `select` narrows the columns; relations count
 * only when eager or named in `relations`.
 */
export interface LoadedColumnsSpec {
  /** Properties named in `select`, or undefined when every column is selected. */
  select?: ReadonlySet<string>;
  relations: ReadonlySet<string>;
}

export function loadedColumnsSpecOf(call: ts.CallExpression | undefined): LoadedColumnsSpec {
  const relations = new Set<string>();
  let select: Set<string> | undefined;
  const options = call?.arguments.find((argument): argument is ts.ObjectLiteralExpression =>
    ts.isObjectLiteralExpression(argument),
  );
  for (const property of options?.properties ?? []) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
    const key = property.name.text;
    if (key === 'select') select = namesIn(property.initializer);
    if (key === 'relations') for (const name of namesIn(property.initializer)) relations.add(name);
  }
  return select == null ? { relations } : { select, relations };
}

/** `['a', 'b']` or `{ a: true, b: { … } }` → top-level names. */
function namesIn(expression: ts.Expression): Set<string> {
  const names = new Set<string>();
  if (ts.isArrayLiteralExpression(expression)) {
    for (const element of expression.elements) {
      if (ts.isStringLiteralLike(element)) names.add(element.text.split('.')[0] ?? element.text);
    }
  } else if (ts.isObjectLiteralExpression(expression)) {
    for (const property of expression.properties) {
      const name = property.name;
      if (name != null && (ts.isIdentifier(name) || ts.isStringLiteral(name))) {
        if (!ts.isPropertyAssignment(property) || property.initializer.kind !== ts.SyntaxKind.FalseKeyword) {
          names.add(name.text);
        }
      }
    }
  }
  return names;
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
    if (column.kind === 'relation') {
      if (column.relationKind === 'one-to-many' || column.relationKind === 'many-to-many') {
        return column.eager || spec.relations.has(column.propertyName);
      }
      return column.eager || spec.relations.has(column.propertyName);
    }
    return spec.select == null || spec.select.has(column.propertyName);
  });
}
