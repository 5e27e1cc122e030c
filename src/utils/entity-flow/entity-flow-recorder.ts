import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type { ParserServicesWithTypeInformation } from '@typescript-eslint/utils';
import type ts from 'typescript';

import { CodePathEventLog, type RecordedCodePath } from '../../flow/event-log.js';
import { handlersReached, type Handler } from '../../flow/exceptions.js';
import { ELEMENT_HOLDING_METHODS, LIST_COPY_METHODS } from '../ast/array-methods.js';
import type { FunctionNode } from '../ast/functions.js';
import { calleeName, isInside, skipWrappers } from '../ast/expressions.js';
import { joinChain } from '../calls/call-labels.js';
import { expressionLabel, prefixChains, windowKindsOf, type AwaitClassifier, type AwaitKind } from '../calls/await-classification.js';
import { loaderNames, loadOfCall, saverNames, saversOfCall, type LoaderSummary } from '../typeorm/entity-flow-summaries.js';
import { entityMetadataOfType, type EntityMetadata } from '../typeorm/entity-metadata.js';
import { isRecallableLoader } from '../typeorm/loader-reads.js';
import { loadedColumnsSpecOf, type LoadedColumnsSpec } from '../typeorm/loaded-columns.js';
import { classifyIfDiffingWriteName, classifyTypeormCall } from '../typeorm/typeorm-calls.js';
import type { AwaitSite, EntityEvent, LoadSite, ReadLoadSite, Variable, WriteSite, WriteTarget } from './entity-events.js';
import { eventPayloadsOf, isCarriedEntity } from './event-payloads.js';
import { requestEntitiesOf } from './request-entities.js';
import { mayReachWrite } from './entity-uses.js';

/** Promise methods whose callback runs once the receiver settles. */
const PROMISE_CALLBACKS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

function isPromiseCallbackMethod(name: string): name is NonNullable<AwaitSite['callback']> {
  return PROMISE_CALLBACKS.has(name);
}

export interface EntityFlowRecorderOptions {
  sourceCode: Readonly<TSESLint.SourceCode>;
  services: ParserServicesWithTypeInformation;
  classifier: AwaitClassifier;
  /** Names (`retrieve`, `OrderService.retrieve`) of more functions that return a loaded entity. */
  extraLoaders: ReadonlySet<string>;
  /** Which awaits open a window: a project saver that makes such a call itself opens one. */
  windowKinds: ReadonlySet<AwaitKind>;
  /** Called once the whole file is walked, with every function's events, outer functions first. */
  onFileEnd: (codePaths: readonly RecordedCodePath<EntityEvent>[]) => void;
}

/**
 * Follows loaded entities through a file as ESLint walks it: where one is loaded, copied to
 * another name or taken from a loaded list, overwritten, reloaded, awaited across, and handed to
 * a write (a diffing TypeORM write, a saver of the project, or a closure that does one). It
 * records these as `EntityEvent`s in each function's code path, for a flow rule to solve.
 */
export class EntityFlowRecorder {
  /** Variables that held a loaded entity at some point, with their latest load. */
  private readonly tracked = new Map<Variable, LoadSite>();
  private readonly reachesWrite = new Map<Variable, boolean>();
  /** The entity class of a tracked variable, for its relations (null: not an entity). */
  private readonly ownerMetadata = new Map<Variable, EntityMetadata | null>();
  /** Aliases (`const c = conv`) share field writes and hand-offs for the fix. */
  private readonly aliasRoot = new Map<Variable, Variable>();
  /** Closures (`const persist = async () => save(conv)`) and the tracked variables they write. */
  private readonly closureWrites = new Map<Variable, WriteSite>();
  private readonly functionWrites = new Map<TSESTree.Node, WriteSite[]>();
  /** Filled once the whole file is walked; see `collectWrittenVariables`. */
  private readonly writtenVariables = new Set<Variable>();
  private readonly deferred: RecordedCodePath<EntityEvent>[] = [];
  private readonly log: CodePathEventLog<EntityEvent>;
  private nextLoadId = 0;
  private nextAwaitId = 0;
  private awaitedCombinatorDepth = 0;

  constructor(private readonly options: EntityFlowRecorderOptions) {
    this.log = new CodePathEventLog<EntityEvent>(options.sourceCode.ast, (recorded) => { this.collect(recorded); }, (node) => { this.recordClosure(node); });
  }

  /** The latest load a variable held. */
  loadOf(variable: Variable): LoadSite | undefined {
    return this.tracked.get(variable);
  }

  /** Whether some write of the file may carry the object this variable holds (after the walk). */
  isWritten(variable: Variable): boolean {
    return this.writtenVariables.has(variable);
  }

  /** Whether the function (a callback) writes a tracked entity. */
  writesEntities(fn: TSESTree.Node): boolean {
    return this.functionWrites.has(fn);
  }

  /** Every tracked name of the object `variable` holds (`const c = conv` shares it). */
  aliasesOf(variable: Variable): Variable[] {
    const root = this.rootOf(variable);
    const group = [...this.tracked.keys()].filter((candidate) => this.rootOf(candidate) === root);
    if (!group.includes(variable)) group.push(variable);
    return group;
  }

  /**
   * Whether a write between `from` and `to` (offsets in the file) carries the object `variable`
   * holds, leaving out the writes `excluded` says cannot matter.
   */
  isWrittenBetween(variable: Variable, from: number, to: number, excluded: (call: TSESTree.CallExpression) => boolean = () => false): boolean {
    const aliases = new Set(this.aliasesOf(variable));
    for (const writes of this.functionWrites.values()) {
      for (const write of writes) {
        // A relation saved (`save(order.customer)`) writes the related row, not the owner's.
        if (write.call.range[0] >= from && write.call.range[0] < to && write.targets.some((target) => target.relation == null && aliases.has(target.variable)) && !excluded(write.call)) return true;
      }
    }
    return false;
  }

  /** An await the flow makes up (a saver's own window): numbered after every await met so far. */
  newAwaitSite(node: TSESTree.Node, operand: TSESTree.Expression, handlers: readonly Handler[] = [], callback?: AwaitSite['callback']): AwaitSite {
    return { id: this.nextAwaitId++, node, operand, handlers, ...(callback == null ? {} : { callback }) };
  }

  listeners(): Record<string, (...args: never[]) => void> {
    return {
      ...this.log.listeners(),
      // The function's code path has started: its payload loads come first in it.
      ':function': (node: FunctionNode) => {
        this.bindEventPayloads(node);
      },
      'VariableDeclarator:exit': (node: TSESTree.VariableDeclarator) => {
        const declaration = node.parent;
        const loop = declaration.parent;
        if ((loop.type === AST_NODE_TYPES.ForOfStatement || loop.type === AST_NODE_TYPES.ForInStatement) && loop.left === declaration) {
          if (loop.type === AST_NODE_TYPES.ForOfStatement) this.bindLoopElement(node.id, loop.right);
          return;
        }
        const init = node.init;
        if (init != null && (init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression) && node.id.type === AST_NODE_TYPES.Identifier) {
          const variable = this.variableOf(node.id);
          if (variable != null) this.registerClosure(variable, init);
          return;
        }
        this.bind(node.id, init);
      },
      'VariableDeclaration:exit': (node: TSESTree.VariableDeclaration) => {
        const loop = node.parent;
        if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await && loop.left === node) {
          this.log.record({ type: 'await', site: this.newAwaitSite(loop.right, loop.right, handlersReached(loop, 'every-handler')) });
        }
      },
      'AssignmentExpression:exit': (node: TSESTree.AssignmentExpression) => {
        if (node.operator === '=' && node.left.type === AST_NODE_TYPES.Identifier) this.bind(node.left, node.right);
      },
      'AwaitExpression:exit': (node: TSESTree.AwaitExpression) => {
        this.log.record({ type: 'await', site: this.newAwaitSite(node, node.argument, handlersReached(node, 'every-handler')) });
      },
      'CallExpression:exit': (node: TSESTree.CallExpression) => {
        const closureWrite = this.closureWriteOf(node);
        if (closureWrite != null) {
          this.log.record({ type: 'write', write: closureWrite });
          return;
        }
        if (!this.mayCarryIntoWrite(node) || !this.mentionsTracked(node)) return;
        if (node.callee.type === AST_NODE_TYPES.MemberExpression && node.callee.object.type === AST_NODE_TYPES.Identifier && calleeName(node) === 'reload') {
          const variable = this.trackedVariable(node.callee.object);
          const typeorm = classifyTypeormCall(this.checker, this.tsNode(node));
          if (variable != null && typeorm?.kind === 'reload') {
            this.log.record({ type: 'reload', variable });
            return;
          }
        }
        const reassigned = this.reloadedByAssign(node);
        if (reassigned != null) {
          this.log.record({ type: 'reload', variable: reassigned });
          return;
        }
        const write = this.writeOfCall(node);
        if (write != null) this.log.record({ type: 'write', write });
      },
    };
  }

  private get checker(): ts.TypeChecker {
    return this.options.services.program.getTypeChecker();
  }

  private tsNode<N extends TSESTree.Node>(node: N) {
    return this.options.services.esTreeNodeToTSNodeMap.get(node);
  }

  private recordClosure(node: TSESTree.Node): void {
    const parent = node.parent;
    if (parent?.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(node as TSESTree.CallExpressionArgument)) return;
    const callee = parent.callee;
    let receiverWindow: AwaitSite | undefined;
    if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && isPromiseCallbackMethod(callee.property.name) && callee.object.type === AST_NODE_TYPES.CallExpression) {
      receiverWindow = this.newAwaitSite(callee.object, callee.object, [], callee.property.name);
    }
    this.log.record({ type: 'closure', fn: node, ...(receiverWindow == null ? {} : { receiverWindow }) });
  }

  private collect(recorded: RecordedCodePath<EntityEvent>): void {
    const writes = recorded.allEvents.filter((event): event is Extract<EntityEvent, { type: 'write' }> => event.type === 'write');
    const functionNode = recorded.node;
    if (writes.length > 0) this.functionWrites.set(functionNode, writes.map((event) => event.write));
    // ESLint ends a code path after the node's `:exit` handlers: register a named closure here.
    if (functionNode.type === AST_NODE_TYPES.FunctionDeclaration && functionNode.id != null) {
      const variable = this.variableOf(functionNode.id);
      if (variable != null) this.registerClosure(variable, functionNode);
    }
    this.deferred.push(recorded);
    if (functionNode.type === AST_NODE_TYPES.Program) {
      this.deferred.sort((a, b) => a.node.range[0] - b.node.range[0]);
      this.collectWrittenVariables();
      this.options.onFileEnd(this.deferred);
    }
  }

  /**
   * Variables whose object some write of the file may carry: the write targets and, through every
   * alias, the variables they were copied from. An await only matters while one of these is
   * fresh; classifying it otherwise (which may summarise callees across the project) is wasted.
   */
  private collectWrittenVariables(): void {
    for (const writes of this.functionWrites.values()) for (const write of writes) for (const target of write.targets) this.writtenVariables.add(target.variable);
    const sourcesOf = new Map<Variable, Variable[]>();
    for (const path of this.deferred) {
      for (const event of path.allEvents) {
        if (event.type === 'alias') sourcesOf.set(event.variable, [...(sourcesOf.get(event.variable) ?? []), event.source]);
      }
    }
    const pending = [...this.writtenVariables];
    for (let variable = pending.pop(); variable != null; variable = pending.pop()) {
      for (const source of sourcesOf.get(variable) ?? []) {
        if (!this.writtenVariables.has(source)) {
          this.writtenVariables.add(source);
          pending.push(source);
        }
      }
    }
  }

  /**
   * A named function that writes entities it captures (`const persist = async () => save(conv)`):
   * a call of it is a write of those. An entity the function loads itself is loaded afresh on
   * every call, after whatever the caller awaited, so it is no write of the caller's.
   */
  private registerClosure(variable: Variable, fn: TSESTree.Node): void {
    const writes = this.functionWrites.get(fn) ?? [];
    const targets = writes.flatMap((write) => write.targets).filter((target) => !isInside(target.variable.scope.block, fn));
    const [first] = writes;
    if (first != null && targets.length > 0) this.closureWrites.set(variable, { ...first, targets });
  }

  private mayReachWrite(variable: Variable): boolean {
    let cached = this.reachesWrite.get(variable);
    if (cached == null) {
      cached = mayReachWrite(variable);
      this.reachesWrite.set(variable, cached);
    }
    return cached;
  }

  private variableOf(identifier: TSESTree.Identifier): Variable | undefined {
    return ASTUtils.findVariable(this.options.sourceCode.getScope(identifier), identifier) ?? undefined;
  }

  private rootOf(variable: Variable): Variable {
    let current = variable;
    for (let next = this.aliasRoot.get(current); next != null && next !== current; next = this.aliasRoot.get(current)) current = next;
    return current;
  }

  /**
   * The load an expression performs. Loads are awaited (`const x = await repo.findOne()`): a call
   * that is not awaited is not resolved, which keeps type queries off the many ordinary
   * `const x = f()` bindings.
   */
  private loadIn(expression: TSESTree.Expression, awaited = this.awaitedCombinatorDepth > 0): ReadLoadSite | undefined {
    const isAwaited = awaited || containsAwait(expression);
    const call = skipWrappers(expression, { awaits: true });
    // `(await repo.findOneBy(…)) ?? repo.create(…)`: loaded on one side.
    if (call.type === AST_NODE_TYPES.LogicalExpression && call.operator !== '&&') return this.loadIn(call.left, isAwaited) ?? this.loadIn(call.right, isAwaited);
    if (call.type === AST_NODE_TYPES.ConditionalExpression) return this.loadIn(call.consequent, isAwaited) ?? this.loadIn(call.alternate, isAwaited);
    if (call.type !== AST_NODE_TYPES.CallExpression || !isAwaited) return undefined;
    const tsCall = this.tsNode(call);
    let loader = loadOfCall(this.options.classifier, tsCall, 0, loaderNames(this.options.services.program));
    const name = calleeName(call);
    if (loader == null && name != null && this.matchesLoaderOption(call, name)) loader = { shape: 'one', chain: [name], byOption: true };
    if (loader == null) return undefined;
    return {
      kind: 'read',
      id: this.nextLoadId++,
      node: call,
      loader,
      line: call.loc.start.line,
      columns: withLoaderRelations(loadedColumnsSpecOf(tsCall), loader),
    };
  }

  private matchesLoaderOption(call: TSESTree.CallExpression, name: string): boolean {
    const { extraLoaders } = this.options;
    if (extraLoaders.size === 0) return false;
    if (extraLoaders.has(name)) return true;
    const callee = call.callee;
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const receiverType = this.checker.getTypeAtLocation(this.tsNode(callee.object));
    const className = receiverType.getSymbol()?.getName();
    return className != null && extraLoaders.has(`${className}.${name}`);
  }

  /**
   * `const c = conv` (the same object) or `list[0]`, `list.at(0)`, `list.find(…)` (an element of a
   * loaded list): either way the new variable holds loaded state.
   */
  private aliasSourceOf(expression: TSESTree.Expression, target: Variable): { source: Variable; sameObject: boolean } | undefined {
    const node = skipWrappers(expression, { awaits: true });
    let source: Variable | undefined;
    let sameObject = false;
    if (node.type === AST_NODE_TYPES.Identifier) {
      source = this.trackedVariable(node);
      sameObject = true;
    } else if (node.type === AST_NODE_TYPES.MemberExpression && node.computed && node.object.type === AST_NODE_TYPES.Identifier) {
      source = this.trackedVariable(node.object);
    } else if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier && node.object.type === AST_NODE_TYPES.Identifier) {
      // `const customer = order.customer`: a relation loaded with the order.
      // Only worth the type query when the related entity may reach a write under its new name.
      const owner = this.trackedVariable(node.object);
      if (owner != null && this.mayReachWrite(target) && this.isLoadedRelation(owner, node.object, node.property.name)) source = owner;
    } else if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression && node.callee.object.type === AST_NODE_TYPES.Identifier) {
      const method = calleeName(node);
      if (method != null && ELEMENT_HOLDING_METHODS.has(method)) source = this.trackedVariable(node.callee.object);
    }
    return source == null ? undefined : { source, sameObject };
  }

  /** `for (const c of list)`, `for (const c of list.sort(…))`, `for (const c of await repo.find())`. */
  private bindLoopElement(target: TSESTree.Node, iterable: TSESTree.Expression): void {
    if (target.type !== AST_NODE_TYPES.Identifier) return;
    const variable = this.variableOf(target);
    if (variable == null) return;
    const load = this.mayReachWrite(variable) ? this.loadIn(iterable) : undefined;
    if (load != null) {
      this.recordLoad(variable, load);
      return;
    }
    const list = skipWrappers(iterable, { awaits: true });
    const listIdentifier = list.type === AST_NODE_TYPES.Identifier
      ? list
      : list.type === AST_NODE_TYPES.CallExpression && list.callee.type === AST_NODE_TYPES.MemberExpression && list.callee.object.type === AST_NODE_TYPES.Identifier && LIST_COPY_METHODS.has(calleeName(list) ?? '')
        ? list.callee.object
        : undefined;
    const source = listIdentifier == null ? undefined : this.trackedVariable(listIdentifier);
    if (source != null) {
      const sourceLoad = this.tracked.get(source);
      if (sourceLoad != null) this.tracked.set(variable, sourceLoad);
      this.aliasRoot.delete(variable);
      this.log.record({ type: 'alias', variable, source });
    } else if (this.tracked.has(variable)) {
      this.log.record({ type: 'kill', variable });
    }
  }

  /** `updateRole(payment)` whose body saves `payment.contact`: the relation, when it was loaded with the tracked owner. */
  private relationTargetsOf(argument: TSESTree.Node | undefined, relation: string): WriteTarget[] {
    if (argument == null || argument.type === AST_NODE_TYPES.SpreadElement || this.tracked.size === 0) return [];
    const expression = skipWrappers(argument, { awaits: true });
    if (expression.type !== AST_NODE_TYPES.Identifier) return [];
    const owner = this.trackedVariable(expression);
    return owner != null && this.isLoadedRelation(owner, expression, relation) ? [{ variable: owner, expression, viaSpread: false, relation }] : [];
  }
  /**
   * Whether `owner.property` is a relation the owner's load brought along (eager, or named in
   * `relations` / joined and selected): that entity is as old as its owner.
   */
  private isLoadedRelation(owner: Variable, ownerNode: TSESTree.Identifier, property: string): boolean {
    const load = this.tracked.get(owner);
    if (load == null) return false;
    let metadata = this.ownerMetadata.get(owner);
    if (metadata === undefined) {
      metadata = entityMetadataOfType(this.checker, this.checker.getTypeAtLocation(this.tsNode(ownerNode))) ?? null;
      this.ownerMetadata.set(owner, metadata);
    }
    // `event.entity`: a row the event carries, as old as the event.
    if (metadata == null && load.kind === 'event-payload') return isCarriedEntity(this.checker, this.checker.getTypeAtLocation(this.tsNode(ownerNode)), property);
    const column = metadata?.byProperty.get(property);
    return column?.kind === 'relation' && (column.eager || load.columns.relations.has(property));
  }

  /** An event handler's parameters that receive an entity (or an event carrying one): loads. */
  private bindEventPayloads(fn: FunctionNode): void {
    if (fn.params.length === 0) return;
    let declared: readonly Variable[] | undefined;
    const variableOf = (identifier: TSESTree.Identifier): Variable | undefined =>
      (declared ??= this.options.sourceCode.getDeclaredVariables(fn)).find((variable) => variable.identifiers.includes(identifier));
    const worthTyping = (identifier: TSESTree.Identifier): boolean => {
      const variable = variableOf(identifier);
      return variable != null && this.mayReachWrite(variable);
    };
    for (const payload of [...eventPayloadsOf(this.options.services, fn, worthTyping), ...requestEntitiesOf(this.options.services, fn, worthTyping)]) {
      const variable = variableOf(payload.identifier);
      if (variable == null) continue;
      // Every column is loaded (no select narrows an event's entity); relations only when eager.
      this.recordLoad(variable, {
        kind: 'event-payload',
        id: this.nextLoadId++,
        node: payload.identifier,
        event: payload.event,
        ...(payload.request === true ? { request: true as const } : {}),
        line: payload.identifier.loc.start.line,
        columns: { relations: new Set() },
      });
    }
  }

  private trackedVariable(identifier: TSESTree.Identifier): Variable | undefined {
    if (this.tracked.size === 0) return undefined;
    const variable = this.variableOf(identifier);
    return variable != null && this.tracked.has(variable) ? variable : undefined;
  }

  private recordLoad(variable: Variable, load: LoadSite): void {
    this.tracked.set(variable, load);
    this.aliasRoot.delete(variable);
    this.log.record({ type: 'load', variable, load });
  }

  /** What a binding of `target` to `init` means for the flow. */
  private bind(target: TSESTree.Node, init: TSESTree.Expression | null): void {
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = this.variableOf(target);
      if (variable == null) return;
      if (init == null) {
        if (this.tracked.has(variable)) this.log.record({ type: 'kill', variable });
        return;
      }
      const load = this.mayReachWrite(variable) ? this.loadIn(init) : undefined;
      if (load != null) {
        this.recordLoad(variable, load);
        return;
      }
      const alias = this.aliasSourceOf(init, variable);
      if (alias != null && alias.source !== variable) {
        const sourceLoad = this.tracked.get(alias.source);
        if (sourceLoad != null) this.tracked.set(variable, sourceLoad);
        if (alias.sameObject) this.aliasRoot.set(variable, this.rootOf(alias.source));
        else this.aliasRoot.delete(variable);
        this.log.record({ type: 'alias', variable, source: alias.source });
        return;
      }
      // `conv = await repo.save(conv)`: save() hands back the object it was given.
      const call = skipWrappers(init, { awaits: true });
      if (call.type === AST_NODE_TYPES.CallExpression && this.mayCarryIntoWrite(call) && this.mentionsTracked(call) && this.writeOfCall(call)?.targets.some((written) => written.variable === variable)) {
        return;
      }
      if (this.tracked.has(variable)) this.log.record({ type: 'kill', variable });
      return;
    }
    if (init == null) return;
    if (target.type === AST_NODE_TYPES.ArrayPattern) {
      const combined = promiseAllElements(init);
      if (combined != null) {
        // Each element is awaited through the combinator.
        this.awaitedCombinatorDepth++;
        try {
          target.elements.forEach((element, index) => {
            const elementInit = combined[index];
            if (element != null && elementInit != null && elementInit.type !== AST_NODE_TYPES.SpreadElement) this.bind(element, elementInit);
          });
        } finally {
          this.awaitedCombinatorDepth--;
        }
        return;
      }
      const load = this.loadIn(init);
      if (load == null) return;
      // `const [conv] = await repo.find()`, `const [rows, count] = await repo.findAndCount()`.
      const entityElements = load.loader.shape === 'many' ? target.elements : target.elements.slice(0, 1);
      for (const element of entityElements) {
        if (element?.type === AST_NODE_TYPES.Identifier) {
          const variable = this.variableOf(element);
          if (variable != null) this.recordLoad(variable, { ...load, id: this.nextLoadId++ });
        }
      }
    } else if (target.type === AST_NODE_TYPES.ObjectPattern) {
      // `const { customer, items } = order`: relations loaded with the order.
      const ownerNode = skipWrappers(init, { awaits: true });
      const owner = ownerNode.type === AST_NODE_TYPES.Identifier ? this.trackedVariable(ownerNode) : undefined;
      if (owner != null && ownerNode.type === AST_NODE_TYPES.Identifier) {
        for (const property of target.properties) {
          if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier || property.value.type !== AST_NODE_TYPES.Identifier) continue;
          if (!this.isLoadedRelation(owner, ownerNode, property.key.name)) continue;
          const variable = this.variableOf(property.value);
          const ownerLoad = this.tracked.get(owner);
          if (variable == null || ownerLoad == null) continue;
          this.tracked.set(variable, ownerLoad);
          this.aliasRoot.delete(variable);
          this.log.record({ type: 'alias', variable, source: owner });
        }
        return;
      }
      const load = this.loadIn(init);
      if (load?.loader.shape !== 'raw-and-entities') return;
      for (const property of target.properties) {
        if (property.type === AST_NODE_TYPES.Property && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === 'entities' && property.value.type === AST_NODE_TYPES.Identifier) {
          const variable = this.variableOf(property.value);
          if (variable != null) this.recordLoad(variable, { ...load, id: this.nextLoadId++ });
        }
      }
    }
  }

  /** The tracked variables a write argument carries. */
  private targetsOf(argument: TSESTree.Node | undefined): WriteTarget[] {
    if (argument == null || this.tracked.size === 0) return [];
    const node = argument.type === AST_NODE_TYPES.SpreadElement ? argument.argument : argument;
    const expression = skipWrappers(node as TSESTree.Expression, { awaits: true });
    if (expression.type === AST_NODE_TYPES.Identifier) {
      const variable = this.trackedVariable(expression);
      return variable == null ? [] : [{ variable, expression, viaSpread: false }];
    }
    if (expression.type === AST_NODE_TYPES.MemberExpression && !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier && expression.object.type === AST_NODE_TYPES.Identifier) {
      // `save(order.customer)`: a relation loaded with a tracked entity.
      const owner = this.trackedVariable(expression.object);
      const relation = expression.property.name;
      return owner != null && this.isLoadedRelation(owner, expression.object, relation) ? [{ variable: owner, expression, viaSpread: false, relation }] : [];
    }
    if (expression.type === AST_NODE_TYPES.ArrayExpression) return expression.elements.flatMap((element) => this.targetsOf(element ?? undefined));
    if (expression.type === AST_NODE_TYPES.ObjectExpression) {
      return expression.properties.flatMap((property) =>
        property.type === AST_NODE_TYPES.SpreadElement ? this.targetsOf(property.argument).map((target) => ({ ...target, viaSpread: true })) : [],
      );
    }
    return [];
  }

  /**
   * A `receiver.method()` call can write an entity or reload it only under a diffing write's name,
   * `reload`, `Object.assign` (a re-load copied onto it), or the name of a project saver; any other
   * method (a logger, a presenter handed `order.customer`) is settled here, before looking at its
   * arguments costs a type query.
   */
  private mayCarryIntoWrite(call: TSESTree.CallExpression): boolean {
    if (call.callee.type !== AST_NODE_TYPES.MemberExpression) return true;
    const method = calleeName(call);
    return method == null || method === 'reload' || method === 'assign' || saverNames(this.options.services.program).has(method);
  }

  /**
   * `Object.assign(order, await repo.findOneByOrFail({ id: order.id }))`: what TypeORM's own
   * `BaseEntity.reload()` does (a read of the row that throws when it is gone, its properties
   * copied onto the object), so the object holds the row as it is now.
   */
  private reloadedByAssign(call: TSESTree.CallExpression): Variable | undefined {
    const callee = call.callee;
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.object.type !== AST_NODE_TYPES.Identifier || callee.object.name !== 'Object') return undefined;
    if (callee.property.type !== AST_NODE_TYPES.Identifier || callee.property.name !== 'assign') return undefined;
    const [target, source, ...more] = call.arguments;
    if (more.length > 0 || target?.type !== AST_NODE_TYPES.Identifier) return undefined;
    // `Object` is the global one, not a local of that name.
    if ((this.variableOf(callee.object)?.defs.length ?? 0) > 0) return undefined;
    const variable = this.trackedVariable(target);
    if (variable == null) return undefined;
    if (source?.type === AST_NODE_TYPES.Identifier) return this.isCheckedRecall(call, target, source) ? variable : undefined;
    if (source?.type !== AST_NODE_TYPES.AwaitExpression || source.argument.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const typeorm = classifyTypeormCall(this.checker, this.tsNode(source.argument));
    return typeorm?.kind === 'load' && typeorm.loadShape === 'one' && typeorm.method.endsWith('OrFail') ? variable : undefined;
  }

  /**
   * The loader called again (no-stale-save's re-load through a project loader):
   * `const r = await load(…); if (!(r?.id === e.id)) throw …; Object.assign(e, r);`, the three
   * statements in a row (the `throw` alone or in a block; `r?.id !== e.id` too). The call is a
   * loader that only reads, and the test compares every primary key: the object holds the row as it
   * is now, or the code has thrown.
   */
  private isCheckedRecall(call: TSESTree.CallExpression, target: TSESTree.Identifier, source: TSESTree.Identifier): boolean {
    const statement = call.parent;
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement || statement.parent.type !== AST_NODE_TYPES.BlockStatement) return false;
    const body = statement.parent.body;
    const index = body.indexOf(statement);
    const [declaration, test] = [body[index - 2], body[index - 1]];
    if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration || declaration.kind !== 'const' || declaration.declarations.length !== 1) return false;
    const [declarator] = declaration.declarations;
    if (declarator?.id.type !== AST_NODE_TYPES.Identifier || declarator.id.name !== source.name || declarator.init?.type !== AST_NODE_TYPES.AwaitExpression || declarator.init.argument.type !== AST_NODE_TYPES.CallExpression) return false;
    if (this.variableOf(source)?.identifiers[0] !== declarator.id) return false;
    if (test?.type !== AST_NODE_TYPES.IfStatement || test.alternate != null || !isThrow(test.consequent)) return false;
    const compared = test.test.type === AST_NODE_TYPES.UnaryExpression && test.test.operator === '!' ? keysCompared(test.test.argument, source.name, target.name, '===') : keysCompared(test.test, source.name, target.name, '!==');
    if (compared == null) return false;
    const metadata = entityMetadataOfType(this.checker, this.checker.getTypeAtLocation(this.tsNode(target)));
    const keys = metadata?.primaryColumns.map((column) => column.propertyName) ?? [];
    if (metadata == null || keys.length === 0 || keys.length !== compared.length || !keys.every((key) => compared.includes(key))) return false;
    return isRecallableLoader(this.options.classifier, this.tsNode(declarator.init.argument), metadata);
  }

  private mentionsTracked(call: TSESTree.CallExpression): boolean {
    if (this.tracked.size === 0) return false;
    const receiver = call.callee.type === AST_NODE_TYPES.MemberExpression ? call.callee.object : undefined;
    if (receiver?.type === AST_NODE_TYPES.Identifier && this.trackedVariable(receiver) != null) return true;
    // `app.bot.save()`: a relation of a tracked entity saving itself.
    if (receiver?.type === AST_NODE_TYPES.MemberExpression && receiver.object.type === AST_NODE_TYPES.Identifier && this.trackedVariable(receiver.object) != null) return true;
    return call.arguments.some((argument) => this.targetsOf(argument).length > 0);
  }

  private writeOfCall(call: TSESTree.CallExpression): WriteSite | undefined {
    const tsCall = this.tsNode(call);
    // Only a diffing write or a project saver carries the entity into a write; any other method
    // is settled by its name (a presenter or a policy handed the entity is common).
    const typeorm = classifyIfDiffingWriteName(this.checker, tsCall);
    if (typeorm != null) {
      if (typeorm.kind !== 'diffing-write') return undefined;
      let targets: WriteTarget[];
      if (typeorm.entityArgumentIndex == null) {
        const receiver = call.callee.type === AST_NODE_TYPES.MemberExpression ? call.callee.object : undefined;
        const variable = receiver?.type === AST_NODE_TYPES.Identifier ? this.trackedVariable(receiver) : undefined;
        targets = variable == null || receiver == null ? (receiver == null ? [] : this.targetsOf(receiver)) : [{ variable, expression: receiver, viaSpread: false }];
      } else {
        targets = this.targetsOf(call.arguments[typeorm.entityArgumentIndex]);
      }
      return targets.length === 0 ? undefined : { call, targets, typeorm, method: `${typeorm.method}()`, diffingMethod: typeorm.method };
    }
    // The object itself before a relation of it: a saver that writes both writes the owner's row.
    const found = saversOfCall(this.options.classifier, tsCall, 0, saverNames(this.options.services.program));
    const savers = found.length < 2 ? found : [...found].sort((a, b) => Number(a.relation != null) - Number(b.relation != null));
    for (const saver of savers) {
      const argument = call.arguments[saver.parameterIndex];
      const targets = saver.relation == null ? this.targetsOf(argument) : this.relationTargetsOf(argument, saver.relation);
      if (targets.length === 0) continue;
      const calleeLabel = expressionLabel(tsCall.expression);
      return {
        call,
        targets,
        method: `${calleeLabel}() (${joinChain(saver.chain)}())`,
        diffingMethod: saver.chain.at(-1) ?? 'save',
        saverWrite: saver.writeCall,
        ...(saver.fieldsSet == null ? {} : { saverFieldsSet: saver.fieldsSet }),
        ...(windowKindsOf(saver.awaitsBefore, this.options.windowKinds).length > 0
          ? { innerWindow: { summary: saver.chain[0] == null ? saver.awaitsBefore : prefixChains(saver.awaitsBefore, saver.chain[0]), label: `${calleeLabel}(…)` } }
          : {}),
      };
    }
    return undefined;
  }

  private closureWriteOf(call: TSESTree.CallExpression): WriteSite | undefined {
    if (call.callee.type !== AST_NODE_TYPES.Identifier || this.closureWrites.size === 0) return undefined;
    const variable = this.variableOf(call.callee);
    const write = variable == null ? undefined : this.closureWrites.get(variable);
    // The write happens inside the closure: report at this call, and never rewrite it.
    return write == null ? undefined : { call, targets: write.targets, method: `${call.callee.name}()`, diffingMethod: write.diffingMethod };
  }
}

/** `await x`, `(await x) ?? y`, `cond ? await x : y` — the binding waits for its value. */
function containsAwait(expression: TSESTree.Expression): boolean {
  switch (expression.type) {
    case AST_NODE_TYPES.AwaitExpression:
      return true;
    case AST_NODE_TYPES.LogicalExpression:
      return containsAwait(expression.left) || containsAwait(expression.right);
    case AST_NODE_TYPES.ConditionalExpression:
      return containsAwait(expression.consequent) || containsAwait(expression.alternate);
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return containsAwait(expression.expression);
    default:
      return false;
  }
}

/** `await Promise.all([a(), b()])` → `[a(), b()]`, so each element binds on its own. */
function promiseAllElements(init: TSESTree.Expression): TSESTree.ArrayExpression['elements'] | undefined {
  const call = skipWrappers(init, { awaits: true });
  if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const { object, property } = call.callee;
  if (object.type !== AST_NODE_TYPES.Identifier || object.name !== 'Promise' || property.type !== AST_NODE_TYPES.Identifier || property.name !== 'all') return undefined;
  const list = call.arguments[0];
  return list?.type === AST_NODE_TYPES.ArrayExpression ? list.elements : undefined;
}

/** A project loader's call names no relations: the ones its reads join come with the row all the same. */
function withLoaderRelations(spec: LoadedColumnsSpec, loader: LoaderSummary): LoadedColumnsSpec {
  if (loader.relations == null || [...loader.relations].every((relation) => spec.relations.has(relation))) return spec;
  return { ...spec, relations: new Set([...spec.relations, ...loader.relations]) };
}

/** `throw …;`, or a block holding only that. */
function isThrow(statement: TSESTree.Statement): boolean {
  if (statement.type === AST_NODE_TYPES.ThrowStatement) return true;
  return statement.type === AST_NODE_TYPES.BlockStatement && statement.body.length === 1 && statement.body[0]?.type === AST_NODE_TYPES.ThrowStatement;
}

/**
 * The properties `r?.id === e.id` (or `r != null && r.a === e.a && r.b === e.b`) compares, each of
 * both objects; with `!==`, `r?.id !== e.id` (or `r == null || r.a !== e.a || …`). `undefined`
 * when the test is anything else.
 */
function keysCompared(test: TSESTree.Expression, reloaded: string, entity: string, operator: '===' | '!=='): string[] | undefined {
  const joiner = operator === '===' ? '&&' : '||';
  if (test.type === AST_NODE_TYPES.LogicalExpression && test.operator === joiner) {
    const nullTest = operator === '===' ? '!=' : '==';
    const isNullTest = (node: TSESTree.Expression): boolean =>
      node.type === AST_NODE_TYPES.BinaryExpression && node.operator === nullTest && node.left.type === AST_NODE_TYPES.Identifier && node.left.name === reloaded && node.right.type === AST_NODE_TYPES.Literal && node.right.value === null;
    const left = isNullTest(test.left) ? [] : keysCompared(test.left, reloaded, entity, operator);
    const right = keysCompared(test.right, reloaded, entity, operator);
    return left == null || right == null ? undefined : [...left, ...right];
  }
  if (test.type !== AST_NODE_TYPES.BinaryExpression || test.operator !== operator) return undefined;
  const property = (node: TSESTree.Node, object: string): string | undefined => {
    const member = node.type === AST_NODE_TYPES.ChainExpression ? node.expression : node;
    return member.type === AST_NODE_TYPES.MemberExpression && !member.computed && member.object.type === AST_NODE_TYPES.Identifier && member.object.name === object && member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : undefined;
  };
  const key = property(test.left, reloaded);
  return key != null && property(test.right, entity) === key ? [key] : undefined;
}
