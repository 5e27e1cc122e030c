import { describe, expect, it } from 'vitest';

import { classifyTypeormCall } from '../../src/utils/typeorm/typeorm-calls.js';
import { fixtureFile, fixtureProgram, markedCall } from './fixture-program.js';

describe('classifyTypeormCall', () => {
  const program = fixtureProgram();
  const checker = program.getTypeChecker();
  const file = fixtureFile(program, 'analysis/repositories.ts');
  const classify = (marker: string) => classifyTypeormCall(checker, markedCall(file, marker));

  it.each([
    ['subclass-findOne', { kind: 'load', api: 'Repository', method: 'findOne', loadShape: 'one' }],
    ['extend-findOneBy', { kind: 'load', api: 'Repository', method: 'findOneBy', loadShape: 'one' }],
    ['manager-findOneBy', { kind: 'load', api: 'EntityManager', method: 'findOneBy', loadShape: 'one' }],
    ['static-findOneBy', { kind: 'load', api: 'BaseEntity static', method: 'findOneBy', loadShape: 'one' }],
    ['qb-getOne', { kind: 'load', api: 'SelectQueryBuilder', method: 'getOne', loadShape: 'one' }],
    ['datasource-save', { kind: 'diffing-write', api: 'Repository', method: 'save', entityArgumentIndex: 0 }],
    ['subclass-remove', { kind: 'diffing-write', api: 'Repository', method: 'remove', entityArgumentIndex: 0 }],
    ['manager-save-target', { kind: 'diffing-write', api: 'EntityManager', method: 'save', entityArgumentIndex: 1, targetArgumentIndex: 0 }],
    ['manager-save-entity', { kind: 'diffing-write', api: 'EntityManager', method: 'save', entityArgumentIndex: 0 }],
    ['instance-save', { kind: 'diffing-write', api: 'BaseEntity', method: 'save' }],
    ['instance-reload', { kind: 'reload', api: 'BaseEntity', method: 'reload' }],
    ['datasource-update', { kind: 'atomic-write', api: 'Repository', method: 'update' }],
    ['manager-increment', { kind: 'atomic-write', api: 'EntityManager', method: 'increment' }],
    ['static-update', { kind: 'atomic-write', api: 'BaseEntity static', method: 'update' }],
    ['qb-execute', { kind: 'atomic-write', api: 'UpdateQueryBuilder', method: 'execute' }],
  ])('%s', (marker, expected) => {
    expect(classify(marker)).toEqual(expected);
  });

  it('classifies a one-argument manager.save() by its argument count, without resolving the call', () => {
    // Resolving checks the argument against `DeepPartial<Entity>`: the costliest query of a lint run
    // on a large program. Only the two overloads taking the entity first accept one argument.
    const resolved: string[] = [];
    const counting = new Proxy(checker, {
      get(target, property, receiver) {
        if (property === 'getResolvedSignature') {
          return (call: import('typescript').CallLikeExpression) => {
            resolved.push(call.getText());
            return target.getResolvedSignature(call);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    expect(classifyTypeormCall(counting, markedCall(file, 'manager-save-entity'))).toEqual({
      kind: 'diffing-write',
      api: 'EntityManager',
      method: 'save',
      entityArgumentIndex: 0,
    });
    expect(resolved).toEqual([]);
    // With two arguments the target-first overloads apply too: the call must be resolved.
    expect(classifyTypeormCall(counting, markedCall(file, 'manager-save-target'))?.entityArgumentIndex).toBe(1);
    expect(resolved).toHaveLength(1);
  });

  it('leaves custom methods added by extend() and non-TypeORM calls alone', () => {
    expect(classify('extend-custom')).toBeUndefined();
    expect(classify('not-typeorm')).toBeUndefined();
  });

  it('recognises typeorm by its package directory under npm, pnpm and browser layouts', async () => {
    const { isTypeormFile } = await import('../../src/utils/calls/module-origin.js');
    expect(isTypeormFile('/app/node_modules/typeorm/repository/Repository.d.ts')).toBe(true);
    expect(isTypeormFile('/app/node_modules/.pnpm/typeorm@1.1.1/node_modules/typeorm/repository/Repository.d.ts')).toBe(true);
    expect(isTypeormFile('/app/node_modules/typeorm/browser/repository/Repository.d.ts')).toBe(true);
    expect(isTypeormFile('C:\\app\\node_modules\\typeorm\\entity-manager\\EntityManager.d.ts')).toBe(true);
    expect(isTypeormFile('/app/src/typeorm/repository/Repository.ts')).toBe(false);
    expect(isTypeormFile('/app/node_modules/typeorm-extension/dist/index.d.ts')).toBe(false);
  });
});
