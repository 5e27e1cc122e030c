import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

type CodePath = TSESLint.CodePath;
type Segment = TSESLint.CodePathSegment;

/** The events one function recorded, segment by segment, in evaluation order. */
export interface RecordedCodePath<E> {
  codePath: CodePath;
  node: TSESTree.Node;
  eventsBySegment: ReadonlyMap<Segment, readonly E[]>;
  /** Every event, in the order it was recorded. */
  allEvents: readonly E[];
}

interface Frame<E> {
  codePath: CodePath;
  node: TSESTree.Node;
  current: Set<Segment>;
  eventsBySegment: Map<Segment, E[]>;
  allEvents: E[];
}

/**
 * Ties events a rule records while ESLint walks the tree to the code path segments they run
 * in, so a dataflow over the segments can ask "is there a path from A to B through C?".
 * Events recorded on `:exit` handlers come in evaluation order within a segment.
 */
export class CodePathEventLog<E> {
  private readonly frames: Frame<E>[] = [];

  /**
   * @param onEnd called when a function's code path ends (inner functions end before outer ones).
   * @param onStart called when a function starts, while `record()` still writes to the enclosing one.
   */
  constructor(
    private readonly onEnd: (recorded: RecordedCodePath<E>) => void,
    private readonly onStart?: (node: TSESTree.Node) => void,
  ) {}

  /** Listeners to spread into a rule's visitor. */
  listeners(): Record<string, (...args: never[]) => void> {
    return {
      onCodePathStart: (codePath: CodePath, node: TSESTree.Node) => {
        this.onStart?.(node);
        this.frames.push({ codePath, node, current: new Set(), eventsBySegment: new Map(), allEvents: [] });
      },
      onCodePathEnd: () => {
        const frame = this.frames.pop();
        if (frame == null) return;
        this.onEnd({
          codePath: frame.codePath,
          node: frame.node,
          eventsBySegment: frame.eventsBySegment,
          allEvents: frame.allEvents,
        });
      },
      onCodePathSegmentStart: (segment: Segment) => this.top()?.current.add(segment),
      onCodePathSegmentEnd: (segment: Segment) => this.top()?.current.delete(segment),
      onUnreachableCodePathSegmentStart: (segment: Segment) => this.top()?.current.add(segment),
      onUnreachableCodePathSegmentEnd: (segment: Segment) => this.top()?.current.delete(segment),
    };
  }

  /** Records an event in every segment the traversal is in now. */
  record(event: E): void {
    const frame = this.top();
    if (frame == null) return;
    frame.allEvents.push(event);
    for (const segment of frame.current) {
      let events = frame.eventsBySegment.get(segment);
      if (events == null) {
        events = [];
        frame.eventsBySegment.set(segment, events);
      }
      events.push(event);
    }
  }

  private top(): Frame<E> | undefined {
    return this.frames.at(-1);
  }
}

/**
 * A forward "may" dataflow to a fixpoint over a code path's segments. `transfer` applies one
 * event to a state; `join` merges the states flowing into a segment. Returns the state at the
 * entry of each reachable segment.
 */
export function solveForward<E, S>(
  recorded: RecordedCodePath<E>,
  initial: S,
  transfer: (state: S, event: E) => S,
  join: (a: S, b: S) => S,
  equals: (a: S, b: S) => boolean,
): Map<Segment, S> {
  const entry = new Map<Segment, S>();
  const exit = new Map<Segment, S>();
  const start = recorded.codePath.initialSegment;
  entry.set(start, initial);
  const queue: Segment[] = [start];
  const queued = new Set<Segment>([start]);
  // Bounded for safety: the lattice is finite, so this only trips on a bug.
  let budget = 50_000;
  while (queue.length > 0 && budget-- > 0) {
    const segment = queue.shift() as Segment;
    queued.delete(segment);
    let state = entry.get(segment) as S;
    for (const event of recorded.eventsBySegment.get(segment) ?? []) state = transfer(state, event);
    const previous = exit.get(segment);
    if (previous != null && equals(previous, state)) continue;
    exit.set(segment, state);
    for (const next of segment.nextSegments) {
      const before = entry.get(next);
      const merged = before == null ? state : join(before, state);
      if (before != null && equals(before, merged) && exit.has(next)) continue;
      entry.set(next, merged);
      if (!queued.has(next)) {
        queued.add(next);
        queue.push(next);
      }
    }
  }
  return entry;
}

/** A dataflow state: for each key, the set of facts that may hold. */
export type SetMap<K> = ReadonlyMap<K, ReadonlySet<string>>;

/** The "may" join: a fact holds after a merge if it holds on any incoming path. */
export function joinSetMaps<K>(a: SetMap<K>, b: SetMap<K>): SetMap<K> {
  const next = new Map<K, ReadonlySet<string>>(a);
  for (const [key, facts] of b) {
    const existing = next.get(key);
    next.set(key, existing == null ? facts : new Set([...existing, ...facts]));
  }
  return next;
}

export function setMapsEqual<K>(a: SetMap<K>, b: SetMap<K>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, facts] of a) {
    const other = b.get(key);
    if (other?.size !== facts.size) return false;
    for (const fact of facts) if (!other.has(fact)) return false;
  }
  return true;
}
