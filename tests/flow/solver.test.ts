/**
 * The flow solver on hand-built code paths: segments and events written out by hand, so each
 * test names exactly the graph it runs on.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';

import type { RecordedCodePath, TryEvent } from '../../src/flow/event-log.js';
import { FactTable } from '../../src/flow/facts.js';
import { factSetLattice, withFact, type FactSet } from '../../src/flow/lattice.js';
import { solveFlow, type FlowAnalysis } from '../../src/flow/solver.js';

type Segment = TSESLint.CodePathSegment;

type Event =
  | { type: 'gen'; fact: string }
  | { type: 'kill'; fact: string }
  | { type: 'observe'; label: string }
  | { type: 'throw'; tryStatement: TSESTree.TryStatement };

interface Graph {
  segments: Record<string, Segment>;
  recorded: RecordedCodePath<Event>;
}

/** `edges` as `'a>b'`; the first segment named is the initial one; `final` end the function. */
function graph(edges: string[], events: Record<string, (Event | TryEvent)[]>, final: string[]): Graph {
  const segments: Record<string, Segment> = {};
  const segmentNamed = (name: string): Segment => (segments[name] ??= { id: name, nextSegments: [], prevSegments: [], reachable: true } as unknown as Segment);
  for (const edge of edges) {
    const [from, to] = edge.split('>') as [string, string];
    const a = segmentNamed(from);
    const b = segmentNamed(to);
    (a.nextSegments).push(b);
    (b.prevSegments).push(a);
  }
  const eventsBySegment = new Map(Object.entries(events).map(([name, list]) => [segmentNamed(name), list]));
  const first = segmentNamed(edges[0]?.split('>')[0] ?? 'start');
  const codePath = { initialSegment: first, finalSegments: final.map(segmentNamed) } as unknown as TSESLint.CodePath;
  return {
    segments,
    recorded: { codePath, node: {} as TSESTree.Node, eventsBySegment, allEvents: [...eventsBySegment.values()].flat() },
  };
}

// Channels are keyed by the try statement's identity: a bare object stands for one.
const tryStatement = (): TSESTree.TryStatement => ({}) as TSESTree.TryStatement;

/** Facts are names; `observe` records, in the replay, what may hold at that point. */
function gens(finallyEntry: FlowAnalysis<Event, FactSet<string>>['finallyEntry'] = 'every-path') {
  const seen = new Map<string, string[]>();
  const phases: boolean[] = [];
  const analysis: FlowAnalysis<Event, FactSet<string>> = {
    lattice: factSetLattice(),
    initial: new Set(),
    finallyEntry,
    transfer(state, event, step) {
      phases.push(step.replaying);
      switch (event.type) {
        case 'gen':
          return withFact(state, event.fact);
        case 'kill':
          return new Set([...state].filter((fact) => fact !== event.fact));
        case 'observe':
          if (step.replaying) seen.set(event.label, [...state].sort());
          return state;
        case 'throw':
          step.throwTo([{ tryStatement: event.tryStatement, clause: 'catch' }], state);
          return state;
      }
    },
  };
  return { analysis, seen, phases };
}

describe('solveFlow', () => {
  it('applies events in order along a straight path', () => {
    const { recorded, segments } = graph(['a>b'], { a: [{ type: 'gen', fact: 'x' }, { type: 'observe', label: 'a' }], b: [{ type: 'kill', fact: 'x' }, { type: 'observe', label: 'b' }] }, ['b']);
    const { analysis, seen } = gens();
    const solution = solveFlow(recorded, analysis);
    expect(seen).toEqual(new Map([['a', ['x']], ['b', []]]));
    expect([...solution.exits.get(segments.b as Segment) ?? []]).toEqual([]);
  });

  it('joins the facts of both branches where they meet ("may")', () => {
    const { recorded } = graph(['s>l', 's>r', 'l>j', 'r>j'], { l: [{ type: 'gen', fact: 'left' }], r: [{ type: 'gen', fact: 'right' }], j: [{ type: 'observe', label: 'join' }] }, ['j']);
    const { analysis, seen } = gens();
    solveFlow(recorded, analysis);
    expect(seen.get('join')).toEqual(['left', 'right']);
  });

  it('carries a fact born in a loop body back to the loop head', () => {
    const { recorded } = graph(['s>head', 'head>body', 'body>head', 'head>exit'], { head: [{ type: 'observe', label: 'head' }], body: [{ type: 'gen', fact: 'iterated' }] }, ['exit']);
    const { analysis, seen } = gens();
    solveFlow(recorded, analysis);
    expect(seen.get('head')).toEqual(['iterated']);
  });

  it('hands the state at a throwing point to the catch clause, even when the catch was solved first', () => {
    const t = tryStatement();
    // ESLint links the catch to the start of the try block (s>c) and to nothing in the middle.
    const { recorded } = graph(['s>c', 's>t1', 't1>t2', 't2>after', 'c>after'], {
      s: [],
      t1: [{ type: 'gen', fact: 'opened' }, { type: 'throw', tryStatement: t }, { type: 'kill', fact: 'opened' }],
      t2: [],
      c: [{ type: 'catch-entry', tryStatement: t }, { type: 'observe', label: 'catch' }],
      after: [{ type: 'observe', label: 'after' }],
    }, ['after']);
    const { analysis, seen } = gens();
    solveFlow(recorded, analysis);
    expect(seen.get('catch')).toEqual(['opened']);
    expect(seen.get('after')).toEqual(['opened']);
  });

  it('starts a finally block from the completions of its try and catch when asked', () => {
    const t = tryStatement();
    // s>f is ESLint's edge from the start of the try block into the finally block.
    const events = {
      s: [{ type: 'gen', fact: 'before' } as const],
      body: [{ type: 'kill', fact: 'before' } as const, { type: 'gen', fact: 'inside' } as const, { type: 'try-completed', tryStatement: t } as const],
      f: [{ type: 'finally-entry', tryStatement: t } as const, { type: 'observe', label: 'finally' } as const],
    };
    const edges = ['s>body', 's>f', 'body>f'];
    const completions = gens('completions');
    solveFlow(graph(edges, events, ['f']).recorded, completions.analysis);
    expect(completions.seen.get('finally')).toEqual(['inside']);
    const everyPath = gens('every-path');
    solveFlow(graph(edges, events, ['f']).recorded, everyPath.analysis);
    expect(everyPath.seen.get('finally')).toEqual(['before', 'inside']);
  });

  it('solves before it replays, and replays each reachable segment once', () => {
    const { recorded } = graph(['s>head', 'head>body', 'body>head', 'head>exit'], { s: [{ type: 'observe', label: 's' }], head: [{ type: 'observe', label: 'h' }], body: [{ type: 'gen', fact: 'n' }], exit: [{ type: 'observe', label: 'e' }] }, ['exit']);
    const { analysis, phases } = gens();
    solveFlow(recorded, analysis);
    const firstReplay = phases.indexOf(true);
    expect(firstReplay).toBeGreaterThan(0);
    expect(phases.slice(firstReplay).every(Boolean)).toBe(true);
    expect(phases.slice(firstReplay)).toHaveLength(4);
  });

  it('terminates on nested loops that keep adding facts until none are new', () => {
    const edges = ['s>outer', 'outer>inner', 'inner>inner2', 'inner2>inner', 'inner>outer', 'outer>exit'];
    const events: Record<string, Event[]> = {
      outer: [{ type: 'gen', fact: 'o' }],
      inner: [{ type: 'gen', fact: 'i' }],
      inner2: [{ type: 'kill', fact: 'o' }, { type: 'gen', fact: 'i2' }],
      exit: [{ type: 'observe', label: 'exit' }],
    };
    const { analysis, seen } = gens();
    solveFlow(graph(edges, events, ['exit']).recorded, analysis);
    expect(seen.get('exit')).toEqual(['i', 'i2', 'o']);
  });
});

describe('FactTable', () => {
  it('hands out one object per value, so sets of facts compare by value', () => {
    const table = new FactTable((kind: string, id: number) => ({ kind, id }));
    expect(table.of('stale', 1)).toBe(table.of('stale', 1));
    expect(table.of('stale', 1)).not.toBe(table.of('stale', 2));
    expect(table.of('stale', 1)).toEqual({ kind: 'stale', id: 1 });
  });
});
