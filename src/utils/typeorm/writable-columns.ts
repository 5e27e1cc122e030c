import ts from 'typescript';

import type { ColumnMetadata } from './entity-metadata.js';

/** What a rewrite may do with a column: write it, compute it in SQL, compare it in criteria. */

/** A column whose property is declared `number`: SQL arithmetic on it is what the code meant. */
export function isNumericColumn(column: ColumnMetadata): boolean {
  return column.kind === 'column' && column.declaration.type?.kind === ts.SyntaxKind.NumberKeyword;
}

/** A column `update()` writes as given: not a key, a relation or a column of a cascade. */
export function isPlainWritableColumn(column: ColumnMetadata): boolean {
  return ['column', 'version', 'update-date', 'delete-date'].includes(column.kind) && !column.cascade;
}

/** Declared optional, or with `null`/`undefined` in its type. */
export function isNullableColumn(column: ColumnMetadata): boolean {
  const { declaration } = column;
  if (declaration.questionToken != null) return true;
  const type = declaration.type;
  if (type == null) return true;
  const members = ts.isUnionTypeNode(type) ? type.types : [type];
  return members.some(
    (member) =>
      member.kind === ts.SyntaxKind.UndefinedKeyword ||
      member.kind === ts.SyntaxKind.AnyKeyword ||
      member.kind === ts.SyntaxKind.UnknownKeyword ||
      (ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword),
  );
}
