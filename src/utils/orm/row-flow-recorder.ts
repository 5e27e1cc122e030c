import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { CodePathEventLog, type RecordedCodePath } from '../../flow/event-log.js';
import { handlersReached, type Handler } from '../../flow/exceptions.js';
import { ELEMENT_HOLDING_METHODS } from '../ast/array-methods.js';
import { calleeName, skipWrappers } from '../ast/expressions.js';
import type { AwaitSite, ReadSite, RowEvent, ValueUse, Variable, WriteCandidate } from './row-flow-events.js';

/** Method names of a call that may take the values of a write (see rows.ts): the syntactic gate. */
const WRITE_CALL_NAMES: ReadonlySet<string> = new Set(['update', 'updateMany', 'updateManyAndReturn', 'upsert', 'set']);

/** The last method of a chain that may read rows (see rows.ts), by name only. */
const READ_CALL_NAMES: ReadonlySet<string> = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany',
  'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'find', 'findBy', 'getOne', 'getOneOrFail', 'getMany',
  'from', 'where', 'limit', 'offset', 'orderBy', 'for', 'execute', 'all', 'get',
]);

const READ_CALL_TEXT = new RegExp(`\\.(?:${[...READ_CALL_NAMES].join('|')})\\s*\\(`);
const WRITE_CALL_TEXT = new RegExp(`\\.(?:${[...WRITE_CALL_NAMES].join('|')})\\s*\\(`);

/**
 * Whether a file's text calls a method named like a read of rows and one named like a write of
 * values: without both, the recorder can find nothing, and a rule need not walk the file.
 */
export function mayReadAndWriteRows(text: string): boolean {
  return WRITE_CALL_TEXT.test(text) && READ_CALL_TEXT.test(text);
}

export interface RowFlowRecorderOptions {
  sourceCode: Readonly<TSESLint.SourceCode>;
  /** Called once the whole file is walked, with every function's events, outer functions first. */
  onFileEnd: (codePaths: readonly RecordedCodePath<RowEvent>[]) => void;
}

/**
 * Follows rows read into variables through a file as ESLint walks it, by syntax alone: where an
 * awaited call that may read rows binds a variable (or values copied out of the row), copies of
 * the row and of its fields, elements of a list of rows, awaits, callbacks, and calls given
 * values that use them. Whether a call really reads or writes rows is a type question the rule
 * asks later, only for what matters to a report.
 */
export class RowFlowRecorder {
  /** Variables that held a row (or a value read from one), with the latest read. */
  private readonly tracked = new Map<Variable, ReadSite>();
  /** Per function, the variables its code (or a callback's within) hands to a call that may write. */
  private readonly writtenVariables = new Map<TSESTree.Node, ReadonlySet<Variable>>();
  private readonly deferred: RecordedCodePath<RowEvent>[] = [];
  private readonly log: CodePathEventLog<RowEvent>;
  private nextReadId = 0;
  private nextAwaitId = 0;

  constructor(private readonly options: RowFlowRecorderOptions) {
    this.log = new CodePathEventLog<RowEvent>(options.sourceCode.ast, (recorded) => { this.collect(recorded); }, (node) => { this.recordClosure(node); });
  }

  /** The latest read a variable held. */
  readOf(variable: Variable): ReadSite | undefined {
    return this.tracked.get(variable);
  }

  /** Whether a function, or a callback created in it, gives tracked values to a call that may write. */
  writesIn(fn: TSESTree.Node): boolean {
    return this.writtenVariables.has(fn);
  }

  /** The variables a function, or a callback created in it, gives to calls that may write. */
  variablesWrittenIn(fn: TSESTree.Node): ReadonlySet<Variable> {
    return this.writtenVariables.get(fn) ?? new Set();
  }

  /**
   * The uses of tracked variables in a piece of code: `wallet.balance`, a copied value, a spread
   * of a row. Nested functions are included: what they compute comes from the same values.
   */
  usesIn(root: TSESTree.Node): ValueUse[] {
    const uses: ValueUse[] = [];
    if (this.tracked.size === 0) return uses;
    // A shorthand property's key and value may be one node: visit it once.
    const seen = new Set<TSESTree.Node>();
    const visit = (node: TSESTree.Node): void => {
      if (seen.has(node)) return;
      seen.add(node);
      if (node.type === AST_NODE_TYPES.SpreadElement) {
        const argument = skipWrappers(node.argument, { awaits: false });
        const variable = argument.type === AST_NODE_TYPES.Identifier ? this.trackedVariable(argument) : undefined;
        if (variable != null) {
          uses.push({ variable, field: undefined, node, spread: true });
          return;
        }
      }
      if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier && node.object.type === AST_NODE_TYPES.Identifier) {
        const variable = this.trackedVariable(node.object);
        if (variable != null) {
          uses.push({ variable, field: node.property.name, node, spread: false });
          return;
        }
      }
      if (node.type === AST_NODE_TYPES.Identifier && isValueReference(node)) {
        const variable = this.trackedVariable(node);
        if (variable != null) uses.push({ variable, field: undefined, node, spread: false });
        return;
      }
      for (const child of childNodes(node)) visit(child);
    };
    visit(root);
    return uses;
  }

  /** An await the rule makes up: numbered after every await met so far. */
  newAwaitSite(node: TSESTree.Node, operand: TSESTree.Expression, handlers: readonly Handler[] = []): AwaitSite {
    return { id: this.nextAwaitId++, node, operand, handlers };
  }

  listeners(): Record<string, (...args: never[]) => void> {
    return {
      ...this.log.listeners(),
      'VariableDeclarator:exit': (node: TSESTree.VariableDeclarator) => {
        const loop = node.parent.parent;
        if ((loop.type === AST_NODE_TYPES.ForOfStatement || loop.type === AST_NODE_TYPES.ForInStatement) && loop.left === node.parent) {
          if (loop.type === AST_NODE_TYPES.ForOfStatement) this.bindLoopElement(node.id, loop.right);
          return;
        }
        this.bind(node.id, node.init);
      },
      'VariableDeclaration:exit': (node: TSESTree.VariableDeclaration) => {
        const loop = node.parent;
        // Until a row is read in the file, an await makes nothing stale: not worth recording.
        if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await && loop.left === node && this.tracked.size > 0) {
          this.log.record({ type: 'await', site: this.newAwaitSite(loop.right, loop.right, handlersReached(loop, 'every-handler')) });
        }
      },
      'AssignmentExpression:exit': (node: TSESTree.AssignmentExpression) => {
        if (node.operator === '=' && (node.left.type === AST_NODE_TYPES.Identifier || node.left.type === AST_NODE_TYPES.ArrayPattern || node.left.type === AST_NODE_TYPES.ObjectPattern)) this.bind(node.left, node.right);
        else if (node.left.type === AST_NODE_TYPES.MemberExpression) this.recordFieldAssignment(node.left, node.operator !== '=' ? true : node.right);
      },
      'UpdateExpression:exit': (node: TSESTree.UpdateExpression) => {
        if (node.argument.type === AST_NODE_TYPES.MemberExpression) this.recordFieldAssignment(node.argument, true);
      },
      'AwaitExpression:exit': (node: TSESTree.AwaitExpression) => {
        if (this.tracked.size === 0) return;
        this.log.record({ type: 'await', site: this.newAwaitSite(node, node.argument, handlersReached(node, 'every-handler')) });
      },
      'CallExpression:exit': (node: TSESTree.CallExpression) => {
        const name = calleeName(node);
        if (name == null || !WRITE_CALL_NAMES.has(name) || node.callee.type !== AST_NODE_TYPES.MemberExpression || this.tracked.size === 0) return;
        const uses = node.arguments.flatMap((argument) => this.usesIn(argument));
        if (uses.length === 0) return;
        const write: WriteCandidate = { call: node, uses };
        this.log.record({ type: 'write', write });
      },
    };
  }

  /**
   * `x.field = …`, `x.field += …`, `x.field++` on a tracked row. The new value is derived from the
   * row when it is computed from the field itself (`x.points = x.points + 1`, a compound operator);
   * anything else the code computed (`x.snippet = await llm.complete(x.id)`) is its own.
   */
  private recordFieldAssignment(target: TSESTree.MemberExpression, value: TSESTree.Expression | true): void {
    if (target.computed || target.property.type !== AST_NODE_TYPES.Identifier || target.object.type !== AST_NODE_TYPES.Identifier) return;
    const variable = this.trackedVariable(target.object);
    if (variable == null) return;
    const field = target.property.name;
    const derived = value === true || this.usesIn(value).some((use) => use.variable === variable && use.field === field);
    this.log.record({ type: 'assign', variable, field, derived });
  }

  private variableOf(identifier: TSESTree.Identifier): Variable | undefined {
    return ASTUtils.findVariable(this.options.sourceCode.getScope(identifier), identifier) ?? undefined;
  }

  private trackedVariable(identifier: TSESTree.Identifier): Variable | undefined {
    if (this.tracked.size === 0) return undefined;
    const variable = this.variableOf(identifier);
    return variable != null && this.tracked.has(variable) ? variable : undefined;
  }

  private recordClosure(node: TSESTree.Node): void {
    const parent = node.parent;
    if (parent?.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(node as TSESTree.CallExpressionArgument)) return;
    this.log.record({ type: 'closure', fn: node });
  }

  private collect(recorded: RecordedCodePath<RowEvent>): void {
    const variables = new Set<Variable>();
    for (const event of recorded.allEvents) {
      if (event.type === 'write') for (const use of event.write.uses) variables.add(use.variable);
      if (event.type === 'closure') for (const variable of this.variablesWrittenIn(event.fn)) variables.add(variable);
    }
    if (variables.size > 0) this.writtenVariables.set(recorded.node, variables);
    this.deferred.push(recorded);
    if (recorded.node.type === AST_NODE_TYPES.Program) {
      this.deferred.sort((a, b) => a.node.range[0] - b.node.range[0]);
      this.options.onFileEnd(this.deferred);
    }
  }

  /** A read site for an awaited call that may read rows, by the names of its chain. */
  private readIn(expression: TSESTree.Expression): ReadSite | undefined {
    if (!containsAwait(expression)) return undefined;
    const call = skipWrappers(expression, { awaits: true });
    if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const name = calleeName(call);
    if (name == null || !READ_CALL_NAMES.has(name) || call.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    return { id: this.nextReadId++, call, line: call.loc.start.line };
  }

  private recordRead(variable: Variable, read: ReadSite, field?: string): void {
    this.tracked.set(variable, read);
    this.log.record(field == null ? { type: 'read', variable, read } : { type: 'read', variable, read, field });
  }

  private recordAlias(variable: Variable, source: Variable, field?: string): void {
    const read = this.tracked.get(source);
    if (read == null) return;
    this.tracked.set(variable, read);
    this.log.record(field == null ? { type: 'alias', variable, source } : { type: 'alias', variable, source, field });
  }

  private kill(variable: Variable): void {
    if (this.tracked.has(variable)) this.log.record({ type: 'kill', variable });
  }

  /** What binding `target` to `init` means for the rows followed. */
  private bind(target: TSESTree.Node, init: TSESTree.Expression | null): void {
    // Nothing tracked and no read: no variable to look up (the common `const x = …`).
    const read = init == null ? undefined : this.readIn(init);
    if (read == null && this.tracked.size === 0) return;
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = this.variableOf(target);
      if (variable == null) return;
      if (read != null) {
        this.recordRead(variable, read);
        return;
      }
      const source = init == null ? undefined : this.sourceOf(init);
      if (source != null && source.variable !== variable) this.recordAlias(variable, source.variable, source.field);
      else this.kill(variable);
      return;
    }
    if (init == null) return;
    if (target.type === AST_NODE_TYPES.ArrayPattern) {
      // `const [wallet] = await db.select().from(wallets).where(…)`: the first rows of the list.
      for (const element of target.elements) {
        if (element?.type !== AST_NODE_TYPES.Identifier) continue;
        const variable = this.variableOf(element);
        if (variable == null) continue;
        if (read != null) this.recordRead(variable, read);
        else this.kill(variable);
      }
      return;
    }
    if (target.type === AST_NODE_TYPES.ObjectPattern) {
      // `const { balance } = wallet`, `const { balance } = await prisma.wallet.findUniqueOrThrow(…)`.
      const owner = skipWrappers(init, { awaits: true });
      const source = owner.type === AST_NODE_TYPES.Identifier ? this.trackedVariable(owner) : undefined;
      for (const property of target.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) continue;
        const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
        if (value.type !== AST_NODE_TYPES.Identifier) continue;
        const variable = this.variableOf(value);
        if (variable == null) continue;
        if (read != null) this.recordRead(variable, read, property.key.name);
        else if (source != null) this.recordAlias(variable, source, property.key.name);
        else this.kill(variable);
      }
    }
  }

  /** `for (const wallet of wallets)`, `for (const wallet of await prisma.wallet.findMany())`. */
  private bindLoopElement(target: TSESTree.Node, iterable: TSESTree.Expression): void {
    if (target.type !== AST_NODE_TYPES.Identifier) return;
    const read = this.readIn(iterable);
    if (read == null && this.tracked.size === 0) return;
    const variable = this.variableOf(target);
    if (variable == null) return;
    if (read != null) {
      this.recordRead(variable, read);
      return;
    }
    const list = skipWrappers(iterable, { awaits: false });
    const source = list.type === AST_NODE_TYPES.Identifier ? this.trackedVariable(list) : undefined;
    if (source != null) this.recordAlias(variable, source);
    else this.kill(variable);
  }

  /**
   * What an initialiser copies from a tracked variable: the row itself (`const w = wallet`), one
   * of a list's rows (`rows[0]`, `rows.find(…)`), or one of its fields (`wallet.balance`).
   */
  private sourceOf(init: TSESTree.Expression): { variable: Variable; field?: string } | undefined {
    if (this.tracked.size === 0) return undefined;
    const node = skipWrappers(init, { awaits: false });
    if (node.type === AST_NODE_TYPES.Identifier) {
      const variable = this.trackedVariable(node);
      return variable == null ? undefined : { variable };
    }
    if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.Identifier) {
      const variable = this.trackedVariable(node.object);
      if (variable == null) return undefined;
      if (node.computed) return { variable };
      return node.property.type === AST_NODE_TYPES.Identifier ? { variable, field: node.property.name } : undefined;
    }
    if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression && node.callee.object.type === AST_NODE_TYPES.Identifier) {
      const method = calleeName(node);
      const variable = method != null && ELEMENT_HOLDING_METHODS.has(method) ? this.trackedVariable(node.callee.object) : undefined;
      return variable == null ? undefined : { variable };
    }
    return undefined;
  }
}

/** `await x`, `(await x) ?? y`, `cond ? await x : y`: the binding waits for its value. */
function containsAwait(expression: TSESTree.Expression): boolean {
  switch (expression.type) {
    case AST_NODE_TYPES.AwaitExpression:
      return true;
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return containsAwait(expression.expression);
    default:
      return false;
  }
}

/** An identifier that stands for its variable's value (not a property name, a key or a declaration). */
function isValueReference(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent;
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression:
      return parent.object === identifier || parent.computed;
    case AST_NODE_TYPES.Property:
      return parent.value === identifier;
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === identifier;
    default:
      return true;
  }
}

const SKIPPED_KEYS: ReadonlySet<string> = new Set(['parent', 'loc', 'range', 'typeAnnotation', 'typeArguments', 'typeParameters', 'returnType']);

/** The child nodes of an ESTree node (type annotations left out). */
function childNodes(node: TSESTree.Node): TSESTree.Node[] {
  const children: TSESTree.Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SKIPPED_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) {
      children.push(value);
    }
  }
  return children;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value != null && typeof (value as { type?: unknown }).type === 'string';
}

