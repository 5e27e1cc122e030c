import ts from 'typescript';

import type { EntityMetadata } from './entity-metadata.js';
import { propertyName } from './state-columns.js';

/**
 * `save()` of an object literal inserts a new row when the literal cannot carry the primary key:
 * TypeORM looks the row up by its key and, finding none to look up, inserts (docs/orm-facts.md).
 * An insert has no prior state, so it is no transition to guard.
 */

/**
 * Whether `literal` may hold a value for the entity's primary key: a property of that name, or a
 * spread whose type has one (optional or not) or cannot be read (`any`). A spread of a row of the
 * entity (`{ ...job, state }`) always does. An entity whose key TypeORM's own decorators do not
 * declare (a project's `@PrimaryGeneratedId()`) is taken to be keyed by `id`.
 */
export function literalMayCarryPrimaryKey(checker: ts.TypeChecker, literal: ts.ObjectLiteralExpression, metadata: EntityMetadata): boolean {
  const keys = metadata.primaryColumns.length > 0 ? metadata.primaryColumns.map((column) => column.propertyName) : ['id'];
  for (const property of literal.properties) {
    if (ts.isSpreadAssignment(property)) {
      if (typeMayHave(checker, checker.getTypeAtLocation(property.expression), keys)) return true;
      continue;
    }
    const name = propertyName(property);
    // A computed name may be the key.
    if (name == null || keys.includes(name)) return true;
  }
  return false;
}

function typeMayHave(checker: ts.TypeChecker, type: ts.Type, keys: readonly string[]): boolean {
  const nonNullable = checker.getNonNullableType(type);
  if (nonNullable.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter)) return true;
  if (nonNullable.isUnion()) return nonNullable.types.some((member) => typeMayHave(checker, member, keys));
  if (checker.getIndexInfosOfType(nonNullable).some((info) => info.keyType.flags & ts.TypeFlags.String)) return true;
  return keys.some((key) => nonNullable.getProperty(key) != null);
}
