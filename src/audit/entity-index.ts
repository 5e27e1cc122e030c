import path from 'node:path';

import ts from 'typescript';

import { moduleOriginOfFile } from '../utils/calls/module-origin.js';
import { entityMetadataOfClass, type ColumnMetadata } from '../utils/typeorm/entity-metadata.js';

/*
 * The project's entities as the rules see them: read with the rules' own entity metadata from the
 * programs the audit lints with, so an entity declared through the project's wrappers of TypeORM's
 * decorators (`@DbEntity()`, `@EnumColumn()`) is listed as surely as one declared with TypeORM's.
 */

export type EntityColumnKind = 'primary' | 'column' | 'version' | 'update-date' | 'create-date' | 'delete-date' | 'relation';

export interface EntityColumn {
  property: string;
  /** The SQL column name; for an owning relation, its join column. */
  column: string;
  kind: EntityColumnKind;
}

export interface EntityInfo {
  name: string;
  file: string;
  line: number;
  table: string;
  columns: EntityColumn[];
}

/**
 * Every entity class declared at the top level of the programs' own files, keyed by
 * `entityKey(file, start)`: the class's file and the position of its first token, which any parse
 * of the same text agrees on.
 */
export function indexEntities(programs: readonly ts.Program[]): ReadonlyMap<string, EntityInfo> {
  const entities = new Map<string, EntityInfo>();
  for (const program of programs) {
    const checker = program.getTypeChecker();
    for (const sourceFile of program.getSourceFiles()) {
      if (sourceFile.isDeclarationFile || moduleOriginOfFile(sourceFile.fileName).kind !== 'project') continue;
      const file = path.resolve(sourceFile.fileName);
      for (const statement of sourceFile.statements) {
        if (!ts.isClassDeclaration(statement)) continue;
        const start = statement.getStart(sourceFile);
        const key = entityKey(file, start);
        if (entities.has(key)) continue;
        const metadata = entityMetadataOfClass(checker, statement);
        if (metadata == null) continue;
        entities.set(key, {
          name: statement.name?.text ?? '(anonymous)',
          file,
          line: sourceFile.getLineAndCharacterOfPosition(start).line + 1,
          table: metadata.tableName,
          columns: metadata.columns.flatMap((column) => {
            const kind = columnKindOf(column);
            return kind == null ? [] : [{ property: column.propertyName, column: column.databaseName, kind }];
          }),
        });
      }
    }
  }
  return entities;
}

export function entityKey(file: string, start: number): string {
  return `${file}:${String(start)}`;
}

/** The inverse sides of relations and `@RelationId` have no column of the entity's own table to write. */
function columnKindOf(column: ColumnMetadata): EntityColumnKind | undefined {
  if (column.kind === 'relation-id' || column.relationKind === 'one-to-many' || column.relationKind === 'many-to-many') return undefined;
  return column.kind;
}
