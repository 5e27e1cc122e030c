import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { isTryEvent, type RecordedCodePath, type TryEvent } from './event-log.js';
import type { Handler } from './exceptions.js';
import type { Lattice } from './lattice.js';

type Segment = TSESLint.CodePathSegment;

/**
 * A forward "may" dataflow over one function's code path: what a flow rule declares. The solver
 * runs `transfer` to a fixpoint, then once more over every reachable segment with `replaying`
 * set — the pass in which rules report, from states that no longer change.
 */
export interface FlowAnalysis<E, S> {
  readonly lattice: Lattice<S>;
  /** The state at the function's start. */
  readonly initial: S;
  /**
   * What a `finally` block starts from. `every-path`: ESLint's edges (from the start and the end
   * of the `try` and `catch` blocks) plus whatever throwing points hand it. `completions`: only
   * the states that complete the `try` block and the `catch` clause, for a fact a failed start
   * of the `try` cannot have (a transaction opened inside it).
   */
  readonly finallyEntry: 'every-path' | 'completions';
  transfer(state: S, event: E, step: FlowStep<S>): S;
}

export interface FlowStep<S> {
  /** False while solving; true in the replay after the fixpoint. */
  readonly replaying: boolean;
  /**
   * An exception here carries `state` to these handlers. ESLint's code paths have no edge from
   * the middle of a `try` block to its handlers; this is that edge.
   */
  throwTo(handlers: readonly Handler[], state: S): void;
}

export interface FlowSolution<S> {
  /** The state at the entry of each reachable segment, in the order the segments were first reached. */
  entries: ReadonlyMap<Segment, S>;
  /** The state at the end of each reachable segment. */
  exits: ReadonlyMap<Segment, S>;
}

type Channel = 'catch' | 'finally' | 'completions';

/**
 * Solves `analysis` over `recorded`, then replays it once (see `FlowAnalysis`).
 *
 * Termination: a segment's entry state only grows (it is joined with every new incoming state),
 * and so does every handler's thrown state; a segment is processed again only when its entry or
 * a handler state it read has grown. Facts are drawn from finite sets (the loads, awaits and
 * acquisitions of one function), so every state can grow only finitely often, and the worklist
 * empties.
 */
export function solveFlow<E extends { type: string }, S>(recorded: RecordedCodePath<E>, analysis: FlowAnalysis<E, S>): FlowSolution<S> {
  const { lattice } = analysis;
  const thrown = new Map<Channel, Map<TSESTree.TryStatement, S>>();
  const readers = new Map<Channel, Map<TSESTree.TryStatement, Set<Segment>>>();
  const queue: Segment[] = [];
  const queued = new Set<Segment>();
  let current: Segment | undefined;
  let replaying = false;

  const enqueue = (segment: Segment): void => {
    if (queued.has(segment)) return;
    queued.add(segment);
    queue.push(segment);
  };

  const read = (channel: Channel, tryStatement: TSESTree.TryStatement): S | undefined => {
    if (!replaying && current != null) {
      let byTry = readers.get(channel);
      if (byTry == null) readers.set(channel, (byTry = new Map<TSESTree.TryStatement, Set<Segment>>()));
      let segments = byTry.get(tryStatement);
      if (segments == null) byTry.set(tryStatement, (segments = new Set()));
      segments.add(current);
    }
    return thrown.get(channel)?.get(tryStatement);
  };

  const send = (channel: Channel, tryStatement: TSESTree.TryStatement, state: S): void => {
    if (replaying) return;
    let byTry = thrown.get(channel);
    if (byTry == null) thrown.set(channel, (byTry = new Map<TSESTree.TryStatement, S>()));
    const before = byTry.get(tryStatement);
    const merged = before == null ? state : lattice.join(before, state);
    if (before != null && lattice.equals(before, merged)) return;
    byTry.set(tryStatement, merged);
    for (const segment of readers.get(channel)?.get(tryStatement) ?? []) enqueue(segment);
  };

  const step: FlowStep<S> = {
    get replaying() {
      return replaying;
    },
    throwTo(handlers, state) {
      for (const { tryStatement, clause } of handlers) send(clause, tryStatement, state);
    },
  };

  const apply = (state: S, event: E | TryEvent): S => {
    if (!isTryEvent(event)) return analysis.transfer(state, event, step);
    switch (event.type) {
      case 'catch-entry': {
        const received = read('catch', event.tryStatement);
        return received == null ? state : lattice.join(state, received);
      }
      case 'finally-entry': {
        if (analysis.finallyEntry === 'completions') return read('completions', event.tryStatement) ?? state;
        const received = read('finally', event.tryStatement);
        return received == null ? state : lattice.join(state, received);
      }
      case 'try-completed':
        if (analysis.finallyEntry === 'completions') send('completions', event.tryStatement, state);
        return state;
    }
  };

  const run = (segment: Segment, entry: S): S => {
    let state = entry;
    for (const event of recorded.eventsBySegment.get(segment) ?? []) state = apply(state, event);
    return state;
  };

  const entries = new Map<Segment, S>();
  const exits = new Map<Segment, S>();
  const start = recorded.codePath.initialSegment;
  entries.set(start, analysis.initial);
  enqueue(start);
  for (let segment = queue.shift(); segment != null; segment = queue.shift()) {
    queued.delete(segment);
    current = segment;
    const state = run(segment, entries.get(segment) as S);
    const previous = exits.get(segment);
    if (previous != null && lattice.equals(previous, state)) continue;
    exits.set(segment, state);
    for (const next of segment.nextSegments) {
      const before = entries.get(next);
      const merged = before == null ? state : lattice.join(before, state);
      if (before != null && lattice.equals(before, merged) && exits.has(next)) continue;
      entries.set(next, merged);
      enqueue(next);
    }
  }
  current = undefined;

  replaying = true;
  const replayed = new Map<Segment, S>();
  for (const [segment, entry] of entries) replayed.set(segment, run(segment, entry));
  return { entries, exits: replayed };
}
