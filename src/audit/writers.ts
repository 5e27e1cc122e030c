import path from 'node:path';

import type { EntityRef } from '../utils/plugin/report-details.js';
import type { DiagramWriter } from './mermaid.js';
import type { EntityInfo } from './entity-index.js';
import type { ColumnWriter, FunctionRef, ProjectIndex } from './project-index.js';
import type { WriterRef } from './report.js';

/*
 * The concurrent writers of a column, as a finding names them: other functions of the project that
 * write the column of an existing row (an insert creates a row no one else holds), one entry per
 * function, the ones most likely to run at the same time first.
 */

/** Where a finding is: its file (absolute) and function, which are not its own concurrent writers. */
export interface FindingPlace {
  file: string;
  function?: FunctionRef;
}

/** The indexed entity a rule's details name (the same class in the same file). */
export function indexedEntity(index: ProjectIndex, ref: EntityRef | undefined): EntityInfo | undefined {
  if (ref == null) return undefined;
  const file = path.resolve(ref.file);
  return index.entities.find((entity) => entity.name === ref.name && entity.file === file);
}

/**
 * The other functions that write `column` (its SQL name) of rows of the entity — every column when
 * `column` is undefined — one per function, most relevant first: functions in other modules
 * (folders), then other classes or functions of the same module (other entry points), then the
 * finding's own class; public before private members; then by place.
 */
export function otherWriters(index: ProjectIndex, entity: EntityInfo, column: string | undefined, place: FindingPlace): ColumnWriter[] {
  const file = path.resolve(place.file);
  const sqlName = (property: string): string => entity.columns.find((candidate) => candidate.property === property)?.column ?? property;
  const byFunction = new Map<string, ColumnWriter>();
  const candidates = index.writers
    .filter((writer) => writer.entity === entity && !writer.createsRow)
    .filter((writer) => !(writer.file === file && writer.functionName === place.function?.functionName))
    .filter((writer) => column == null || writer.properties.some((property) => sqlName(property) === column))
    .sort(byPlace);
  for (const writer of candidates) {
    const key = `${writer.file}\0${writer.functionName}`;
    if (!byFunction.has(key)) byFunction.set(key, writer);
  }
  const rank = (writer: ColumnWriter): number[] => {
    const sameModule = path.dirname(writer.file) === path.dirname(file);
    const sameOwner = writer.file === file && writer.owner === place.function?.owner;
    return [sameModule ? 1 : 0, sameOwner ? 1 : 0, writer.privateMember ? 1 : 0];
  };
  return [...byFunction.values()].sort((a, b) => compareRanks(rank(a), rank(b)) || byPlace(a, b));
}

export function writerRef(writer: ColumnWriter, relative: (file: string) => string): WriterRef {
  return { function: writer.functionName, file: relative(writer.file), line: writer.line, operation: writer.operation };
}

export function diagramWriter(writer: ColumnWriter, relative: (file: string) => string): DiagramWriter {
  return { functionName: writer.functionName, where: `${path.posix.basename(relative(writer.file))}:${String(writer.line)}`, what: `${writer.operation} sets ${writer.properties.join(', ')}` };
}

function byPlace(a: ColumnWriter, b: ColumnWriter): number {
  return a.file.localeCompare(b.file) || a.line - b.line;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let position = 0; position < a.length; position++) {
    const difference = (a[position] ?? 0) - (b[position] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
