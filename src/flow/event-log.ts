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
  eventsBySegment: Map<Segment, (E | TryEvent)[]>;
  allEvents: (E | TryEvent)[];
}

type Listener = (...args: never[]) => void;

/**
 * Which code path segments ESLint's traversal of a file is in, and where its `try` statements
 * start and end: the same for every rule, so kept once per traversal and shared by every event log
 * of it. ESLint calls each rule's listeners for every segment it enters or leaves — about two thirds
 * of the events the flow rules listen to — and each call costs the same whatever the rule does with
 * it; one rule (the first whose `create()` made a log: see `sharingSegmentTracking`) now listens
 * for all. A segment event is an event of its own, dispatched to every rule before the next node
 * event, so when any rule's node listener records, the segments are those of this point.
 */
class SegmentTracker {
  /** Per open code path, outermost first: the segments the traversal is in now. */
  readonly current: Set<Segment>[] = [];
  readonly logs: CodePathEventLog<{ type: string }>[] = [];
  /** Whether the traversal has begun: a log made after that belongs to another traversal. */
  started = false;
  /** Whether a rule registered the listeners below. */
  claimed = false;

  listeners(): Record<string, Listener> {
    const recordTry = (event: TryEvent): void => {
      for (const log of this.logs) log.record(event);
    };
    return {
      onCodePathStart: () => {
        this.started = true;
        this.current.push(new Set());
      },
      onCodePathEnd: () => {
        this.current.pop();
      },
      onCodePathSegmentStart: (segment: Segment) => this.current.at(-1)?.add(segment),
      onCodePathSegmentEnd: (segment: Segment) => this.current.at(-1)?.delete(segment),
      onUnreachableCodePathSegmentStart: (segment: Segment) => this.current.at(-1)?.add(segment),
      onUnreachableCodePathSegmentEnd: (segment: Segment) => this.current.at(-1)?.delete(segment),
      CatchClause: (node: TSESTree.CatchClause) => {
        recordTry({ type: 'catch-entry', tryStatement: node.parent });
      },
      'CatchClause:exit': (node: TSESTree.CatchClause) => {
        if (node.parent.finalizer != null) recordTry({ type: 'try-completed', tryStatement: node.parent });
      },
      BlockStatement: (node: TSESTree.BlockStatement) => {
        if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.finalizer === node) {
          recordTry({ type: 'finally-entry', tryStatement: node.parent });
        }
      },
      'BlockStatement:exit': (node: TSESTree.BlockStatement) => {
        if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.block === node && node.parent.finalizer != null) {
          recordTry({ type: 'try-completed', tryStatement: node.parent });
        }
      },
    };
  }
}

/** The tracker of a file's coming traversal, by the file's AST (new `SourceCode`, new AST, on every fix pass). */
const trackers = new WeakMap<TSESTree.Program, SegmentTracker>();

function trackerFor(ast: TSESTree.Program): SegmentTracker {
  let tracker = trackers.get(ast);
  // The same `SourceCode` linted again (`linter.verify` twice): a traversal of its own.
  if (tracker == null || tracker.started) {
    tracker = new SegmentTracker();
    trackers.set(ast, tracker);
  }
  return tracker;
}

/**
 * Wraps a rule so that, when its `create()` made the first event log of a file's traversal, it
 * also registers the tracker every log of that traversal reads. Outside the rule's own failure
 * guard (checker-failures): a rule that stops analysing a file must not stop the others' segments.
 */
export function sharingSegmentTracking<Rule extends TSESLint.RuleModule<string, readonly unknown[]>>(rule: Rule): Rule {
  return {
    ...rule,
    create(context) {
      const listeners = rule.create(context) as Record<string, Listener>;
      const tracker = trackers.get(context.sourceCode.ast);
      if (tracker == null || tracker.claimed || tracker.started || tracker.logs.length === 0) return listeners;
      tracker.claimed = true;
      return mergeListeners(tracker.listeners(), listeners);
    },
  };
}

/**
 * Ties events a rule records while ESLint walks the tree to the code path segments they run
 * in, so a dataflow over the segments can ask "is there a path from A to B through C?".
 * Events recorded on `:exit` handlers come in evaluation order within a segment. The log records
 * the `try` structure (`TryEvent`) itself. Made in a rule's `create()`, whose rule is created
 * through `createRule` (which registers the shared segment tracker).
 */
export class CodePathEventLog<E extends { type: string }> {
  private readonly frames: Frame<E>[] = [];
  private readonly tracker: SegmentTracker;

  /**
   * @param ast the file the rule was created for.
   * @param onEnd called when a function's code path ends (inner functions end before outer ones).
   * @param onStart called when a function starts, while `record()` still writes to the enclosing one.
   */
  constructor(
    ast: TSESTree.Program,
    private readonly onEnd: (recorded: RecordedCodePath<E>) => void,
    private readonly onStart?: (node: TSESTree.Node) => void,
  ) {
    this.tracker = trackerFor(ast);
    this.tracker.logs.push(this as unknown as CodePathEventLog<{ type: string }>);
  }

  /** Listeners to merge into a rule's visitor (see `mergeListeners`). */
  listeners(): Record<string, Listener> {
    return {
      onCodePathStart: (codePath: CodePath, node: TSESTree.Node) => {
        // Unclaimed, no listener keeps the segments: every event would belong to none, and the
        // rule would report nothing, silently. A wrong use, so it must not go unnoticed.
        if (!this.tracker.claimed) throw new Error('CodePathEventLog: make it in the create() of a rule built with createRule(), which registers the shared segment tracker');
        this.onStart?.(node);
        this.frames.push({ codePath, node, eventsBySegment: new Map(), allEvents: [] });
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
    };
  }

  /** Records an event in every segment the traversal is in now. */
  record(event: E | TryEvent): void {
    const depth = this.frames.length - 1;
    const frame = this.frames[depth];
    if (frame == null) return;
    frame.allEvents.push(event);
    // This log's frames and the tracker's open code paths are pushed and popped on the same
    // events, so the same depth is the same function (whichever of the two saw the event first).
    for (const segment of this.tracker.current[depth] ?? []) {
      let events = frame.eventsBySegment.get(segment);
      if (events == null) {
        events = [];
        frame.eventsBySegment.set(segment, events);
      }
      events.push(event);
    }
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
