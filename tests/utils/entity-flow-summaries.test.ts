import { describe, expect, it } from 'vitest';

import { AwaitClassifier } from '../../src/utils/calls/await-classification.js';
import { loadOfCall, saversOfCall } from '../../src/utils/typeorm/entity-flow-summaries.js';
import { fixtureFile, fixtureProgram, markedCall } from './fixture-program.js';

describe('entity-flow summaries', () => {
  const program = fixtureProgram();
  const file = fixtureFile(program, 'analysis/flows.ts');
  const classifier = new AwaitClassifier(program, {});
  const loader = (marker: string) => loadOfCall(classifier, markedCall(file, marker));
  const savers = (marker: string) =>
    saversOfCall(classifier, markedCall(file, marker)).map((saver) => ({
      parameterIndex: saver.parameterIndex,
      chain: saver.chain,
      awaitsBefore: Object.fromEntries(saver.awaitsBefore),
    }));

  it('finds project functions that return an entity they loaded, with the chain', () => {
    expect(loader('custom-loader')).toEqual({ shape: 'one', chain: ['ConversationStore.getOrThrow', 'findOne'] });
    expect(loader('list-loader')).toEqual({ shape: 'many', chain: ['loadOpen', 'find'] });
    expect(loader('element-loader')).toEqual({ shape: 'one', chain: ['loadFirstOpen', 'loadOpen', 'find'] });
    expect(loader('not-a-loader')).toBeUndefined();
    expect(loader('recursive-loader')).toEqual({ shape: 'one', chain: ['loadWithRetry', 'findOneByOrFail'] });
  });

  it('does not count loads that hold a pessimistic row lock', () => {
    expect(loader('locked-load')).toBeUndefined();
    expect(loader('locked-qb')).toBeUndefined();
    expect(loader('optimistic-load')).toEqual({ shape: 'one', chain: ['findOne'] });
  });

  it('finds project functions that hand a parameter to a diffing write', () => {
    expect(savers('wrapper-saver')).toEqual([
      { parameterIndex: 0, chain: ['ConversationStore.persist', 'save'], awaitsBefore: {} },
    ]);
    expect(savers('nested-saver')).toEqual([
      { parameterIndex: 1, chain: ['persistThroughStore', 'ConversationStore.persist', 'save'], awaitsBefore: {} },
    ]);
    expect(savers('two-savers')).toEqual([
      { parameterIndex: 1, chain: ['saveBoth', 'save'], awaitsBefore: {} },
      { parameterIndex: 2, chain: ['saveBoth', 'save'], awaitsBefore: {} },
    ]);
  });

  it('records the window a saver opens itself before it writes', () => {
    expect(savers('window-saver')).toEqual([
      {
        parameterIndex: 2,
        chain: ['annotateAndSave', 'save'],
        awaitsBefore: { network: ['LlmClient.complete', 'openai.chat.completions.create'] },
      },
    ]);
  });
});
