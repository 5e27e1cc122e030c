/**
 * The audit lists the entities the rules know: read with the rules' entity metadata from the
 * programs it lints with, so an entity declared through the project's wrappers of TypeORM's
 * decorators (tests/fixtures/shared/wrapped-entities.ts) is listed, with its columns, and its
 * writers are indexed, as for one declared with TypeORM's own decorators.
 */
import path from 'node:path';

import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

import { discoverScope } from '../../src/audit/discover.js';
import { indexEntities } from '../../src/audit/entity-index.js';
import { buildProjectIndex, type ProjectIndex } from '../../src/audit/project-index.js';
import { repoRoot } from '../support/paths.js';

let index: ProjectIndex;

beforeAll(() => {
  const scope = discoverScope('tests/fixtures/tsconfig.json', [], repoRoot);
  const programs = scope.projects.map((project) => ts.createProgram({ rootNames: project.parsed.fileNames, options: { ...project.parsed.options, noEmit: true } }));
  index = buildProjectIndex(scope, indexEntities(programs));
}, 120_000);

describe('the audit’s entity index', () => {
  it("lists entities declared through the project's decorators, with their table and columns", () => {
    const request = index.entities.find((entity) => entity.name === 'LeaveRequest');
    expect(request).toMatchObject({
      file: path.join(repoRoot, 'tests/fixtures/shared/wrapped-entities.ts'),
      table: 'leave_requests',
      columns: [
        { property: 'id', column: 'id', kind: 'primary' },
        { property: 'status', column: 'status', kind: 'column' },
        { property: 'reviewerId', column: 'reviewer_id', kind: 'column' },
        { property: 'note', column: 'note', kind: 'column' },
      ],
    });
    expect(index.entities.find((entity) => entity.name === 'ShiftSlot')?.table).toBe('shift_slot');
    // Entities of TypeORM's own decorators, as before; the inverse side of a relation has no column.
    const conversation = index.entities.find((entity) => entity.name === 'Conversation');
    expect(conversation?.columns.map((column) => column.property)).toContain('assignee');
    expect(conversation?.columns.map((column) => column.property)).not.toContain('messages');
  });

  it('indexes the writers of such an entity', () => {
    const writer = index.writers.find((candidate) => candidate.entity.name === 'ShiftSlot');
    expect(writer).toMatchObject({
      file: path.join(repoRoot, 'tests/fixtures/require-state-guard/project-wrappers.ts'),
      functionName: 'fillShift',
      operation: 'update',
      properties: ['phase'],
    });
  });
});
