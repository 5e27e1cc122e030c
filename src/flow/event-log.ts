import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

type CodePath = TSESLint.CodePath;
type Segment = TSESLint.CodePathSegment;

/**
 * Where a `try` statement's structure meets the flow. ESLint's code paths link a `catch` and a
 * `finally` only to the start and the end of the `try` block; the solver adds the edges from the
 * throwing points in between (see solver.ts), and needs to know where the handlers start.
 */
export type TryEvent =
  | { type: 'catch-entry'; tryStatement: TSESTree.TryStatement }
  | { type: 'finally-entry'; tryStatement: TSESTree.TryStatement }
  /** The end of a `try` block or of its `catch` clause, when a `finally` follows. */
  | { type: 'try-completed'; tryStatement: TSESTree.TryStatement };

const TRY_EVENT_TYPES: ReadonlySet<string> = new Set<TryEvent['type']>(['catch-entry', 'finally-entry', 'try-completed']);

export function isTryEvent(event: { type: string }): event is TryEvent {
  return TRY_EVENT_TYPES.has(event.type);
}

/** The events one function recorded, segment by segment, in evaluation order. */
export interface RecordedCodePath<E> {
  codePath: CodePath;
  node: TSESTree.Node;
  eventsBySegment: ReadonlyMap<Segment, readonly (E | TryEvent)[]>;
  /** Every event, in the order it was recorded. */
  allEvents: readonly (E | TryEvent)[];
}

interface Frame<E> {
  codePath: CodePath;
  node: TSESTree.Node;
  current: Set<Segment>;
  eventsBySegment: Map<Segment, (E | TryEvent)[]>;
  allEvents: (E | TryEvent)[];
}

type Listener = (...args: never[]) => void;

/**
 * Ties events a rule records while ESLint walks the tree to the code path segments they run
 * in, so a dataflow over the segments can ask "is there a path from A to B through C?".
 * Events recorded on `:exit` handlers come in evaluation order within a segment. The log records
 * the `try` structure (`TryEvent`) itself.
 */
export class CodePathEventLog<E extends { type: string }> {
  private readonly frames: Frame<E>[] = [];

  /**
   * @param onEnd called when a function's code path ends (inner functions end before outer ones).
   * @param onStart called when a function starts, while `record()` still writes to the enclosing one.
   */
  constructor(
    private readonly onEnd: (recorded: RecordedCodePath<E>) => void,
    private readonly onStart?: (node: TSESTree.Node) => void,
  ) {}

  /** Listeners to merge into a rule's visitor (see `mergeListeners`). */
  listeners(): Record<string, Listener> {
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
      CatchClause: (node: TSESTree.CatchClause) => {
        this.record({ type: 'catch-entry', tryStatement: node.parent });
      },
      'CatchClause:exit': (node: TSESTree.CatchClause) => {
        if (node.parent.finalizer != null) this.record({ type: 'try-completed', tryStatement: node.parent });
      },
      BlockStatement: (node: TSESTree.BlockStatement) => {
        if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.finalizer === node) {
          this.record({ type: 'finally-entry', tryStatement: node.parent });
        }
      },
      'BlockStatement:exit': (node: TSESTree.BlockStatement) => {
        if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.block === node && node.parent.finalizer != null) {
          this.record({ type: 'try-completed', tryStatement: node.parent });
        }
      },
    };
  }

  /** Records an event in every segment the traversal is in now. */
  record(event: E | TryEvent): void {
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

/** One visitor from several: handlers of the same selector run in the order given. */
export function mergeListeners(...visitors: Record<string, Listener>[]): Record<string, Listener> {
  // Plain loops: this runs for every rule and file, on visitors of a few dozen selectors.
  const merged = new Map<string, Listener[]>();
  for (const visitor of visitors) {
    for (const selector in visitor) {
      const listener = visitor[selector];
      if (listener == null) continue;
      const listeners = merged.get(selector);
      if (listeners == null) merged.set(selector, [listener]);
      else listeners.push(listener);
    }
  }
  const visitor: Record<string, Listener> = {};
  for (const [selector, listeners] of merged) visitor[selector] = listeners.length === 1 ? (listeners[0] as Listener) : fanOut(listeners);
  return visitor;
}

/** Fixed parameters (ESLint passes at most three), not a rest array: this runs for every node. */
function fanOut(listeners: readonly Listener[]): Listener {
  const calls = listeners as readonly ((a?: unknown, b?: unknown, c?: unknown) => void)[];
  return (a?: unknown, b?: unknown, c?: unknown) => {
    for (const listener of calls) listener(a, b, c);
  };
}
