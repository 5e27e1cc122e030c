import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { entityMetadataOfType, type EntityMetadata } from '../../src/utils/typeorm/entity-metadata.js';
import { fixtureFile, fixtureProgram, markedCall } from './fixture-program.js';

describe('entityMetadataOfType', () => {
  const program = fixtureProgram();
  const checker = program.getTypeChecker();
  const entities = fixtureFile(program, 'shared/entities.ts');

  function metadataOf(className: string, file = entities): EntityMetadata | undefined {
    const declaration = file.statements.find(
      (statement): statement is ts.ClassDeclaration => ts.isClassDeclaration(statement) && statement.name?.text === className,
    );
    if (declaration?.name == null) throw new Error(`no class ${className}`);
    return entityMetadataOfType(checker, checker.getTypeAtLocation(declaration.name));
  }

  function columns(metadata: EntityMetadata | undefined): Record<string, string> {
    return Object.fromEntries(
      (metadata?.columns ?? []).map((column) => [
        column.propertyName,
        [column.kind, column.databaseName, column.relationKind ?? '-', column.isStateLike ? 'state' : '-'].join(' '),
      ]),
    );
  }

  it('reads columns, database names, keys, version/update-date columns, relations and state columns', () => {
    const conversation = metadataOf('Conversation');
    expect(conversation?.className).toBe('Conversation');
    expect(columns(conversation)).toEqual({
      id: 'primary id - -',
      status: 'column status - state',
      lastMessageId: 'column last_message_id - -',
      lastMessageSnippet: 'column last_message_snippet - -',
      assignee: 'relation assignee_id many-to-one -',
      assigneeId: 'column assignee_id - -',
      priority: 'column priority - -',
      version: 'version version - -',
      createdAt: 'create-date created_at - -',
      updatedAt: 'update-date updated_at - -',
      messages: 'relation messagesId one-to-many -',
    });
    expect(conversation?.primaryColumns.map((column) => column.propertyName)).toEqual(['id']);
    expect(conversation?.versionColumn?.propertyName).toBe('version');
    expect(conversation?.updateDateColumn?.propertyName).toBe('updatedAt');
    expect(conversation?.listeners.size).toBe(0);
  });

  it('includes inherited columns and entity listeners', () => {
    const ticket = metadataOf('Ticket');
    expect(columns(ticket)).toEqual({
      id: 'primary id - -',
      updatedAt: 'update-date updatedAt - -',
      title: 'column title - -',
      state: 'column state - state',
      summary: 'column summary - -',
    });
    expect(Object.fromEntries(ticket?.listeners ?? [])).toEqual({ BeforeUpdate: ['touch'] });
  });

  it('composite keys, BaseEntity subclasses, and string-literal unions as state', () => {
    expect(metadataOf('Membership')?.primaryColumns.map((column) => column.propertyName)).toEqual(['workspaceId', 'userId']);
    expect(columns(metadataOf('Account')).plan).toBe('column plan - state');
  });

  it('a class without @Entity is not an entity', () => {
    expect(metadataOf('ConversationView')).toBeUndefined();
    expect(metadataOf('TrackedRow')).toBeUndefined();
  });

  it('unwraps null, undefined and arrays to the entity', () => {
    const repositories = fixtureFile(program, 'analysis/repositories.ts');
    const awaitedTypeOf = (marker: string) => {
      const type = checker.getAwaitedType(checker.getTypeAtLocation(markedCall(repositories, marker)));
      if (type == null) throw new Error('not awaitable');
      return type;
    };
    const maybeOne = awaitedTypeOf('subclass-findOne');
    expect(checker.typeToString(maybeOne)).toBe('Conversation | null');
    expect(entityMetadataOfType(checker, maybeOne)?.className).toBe('Conversation');
    const many = awaitedTypeOf('extend-custom');
    expect(checker.typeToString(many)).toBe('Conversation[]');
    expect(entityMetadataOfType(checker, many)?.className).toBe('Conversation');
    // Cached per checker: the same object comes back.
    expect(entityMetadataOfType(checker, maybeOne)).toBe(metadataOf('Conversation'));
  });

  it("reads entities and columns declared through the project's wrappers of TypeORM's decorators, across files", () => {
    const wrapped = fixtureFile(program, 'shared/wrapped-entities.ts');
    const request = metadataOf('LeaveRequest', wrapped);
    expect(request?.tableName).toBe('leave_requests');
    // `@EnumColumn({ enum })` is state-like through the options its use site passes on; the
    // project decorator that reaches no TypeORM decorator declares nothing.
    expect(columns(request)).toEqual({
      id: 'primary id - -',
      status: 'column status - state',
      reviewerId: 'column reviewer_id - -',
      note: 'column note - -',
    });
    expect(request?.primaryColumns.map((column) => column.propertyName)).toEqual(['id']);
    const slot = metadataOf('ShiftSlot', wrapped);
    expect(slot?.tableName).toBe('shift_slot');
    expect(columns(slot)).toEqual({ id: 'primary id - -', phase: 'column phase - state' });
  });

  it("names the table as TypeORM does: @Entity's name, or the class name in snake case", () => {
    expect(metadataOf('MessageChannel', fixtureFile(program, 'shared/jobs.ts'))?.tableName).toBe('message_channel');
    expect(metadataOf('Conversation')?.tableName).toBe('conversation');
  });
});
