import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import {
  AWAIT_KINDS,
  expressionLabel,
  getAwaitClassifier,
  prefixChains,
  windowKindsOf,
  type AwaitKind,
  type AwaitSummary,
} from '../utils/calls/await-classification.js';
import { CodePathEventLog, mergeListeners, type RecordedCodePath } from '../flow/event-log.js';
import { handlersReached, type Handler } from '../flow/exceptions.js';
import { FactTable } from '../flow/facts.js';
import { factMapLattice, withFacts, type FactMap, type FactSet } from '../flow/lattice.js';
import { solveFlow } from '../flow/solver.js';
import { callLabel } from '../utils/calls/call-labels.js';
import { ELEMENT_HOLDING_METHODS, LIST_COPY_METHODS } from '../utils/ast/array-methods.js';
import { calleeName, isInside, skipWrappers } from '../utils/ast/expressions.js';
import { enclosingFunction } from '../utils/ast/functions.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { awaitClassificationSchema } from '../utils/plugin/option-schemas.js';
import { entityMetadataOfType, type EntityMetadata } from '../utils/typeorm/entity-metadata.js';
import { loaderNames, loadOfCall, saverNames, saversOfCall, type LoaderSummary } from '../utils/typeorm/entity-flow-summaries.js';
import { columnsAtRisk, loadedColumnsSpecOf, type LoadedColumnsSpec } from '../utils/typeorm/loaded-columns.js';
import { columnRefOf, entityRefOf, recordReportDetails } from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';
import { classifyIfDiffingWriteName, classifyTypeormCall, type TypeormCall } from '../utils/typeorm/typeorm-calls.js';
import { buildUpdateRewrite } from '../utils/fixes/update-rewrite.js';

type Variable = TSESLint.Scope.Variable;

export interface NoStaleSaveOptions {
  windowKinds?: AwaitKind[];
  networkModules?: string[];
  localModules?: string[];
  loaders?: string[];
  autofix?: boolean;
}

type Options = [NoStaleSaveOptions];
type MessageIds = 'staleSave' | 'staleRemove' | 'rewriteToUpdate';

interface LoadInfo {
  id: number;
  call: TSESTree.CallExpression;
  tsCall: ts.CallExpression;
  loader: LoaderSummary;
  line: number;
  columns: LoadedColumnsSpec;
}

interface AwaitInfo {
  id: number;
  node: TSESTree.Node;
  /** The awaited expression; a `for await` loop's iterable. */
  operand: TSESTree.Expression;
  /** The catch clauses and finally blocks an exception here reaches. */
  handlers: readonly Handler[];
}

interface WriteInfo {
  call: TSESTree.CallExpression;
  /** Each tracked variable the write carries, with the expression that carries it. */
  targets: { variable: Variable; expression: TSESTree.Expression; viaSpread: boolean }[];
  typeorm?: TypeormCall;
  /** `save`, or the project function's chain (`UserService.persist → save`). */
  method: string;
  /** A window the callee opens itself before it writes (a saver of the project). */
  innerWindow?: { summary: AwaitSummary; label: string };
}

type FlowEvent =
  | { type: 'load'; variable: Variable; load: LoadInfo }
  | { type: 'alias'; variable: Variable; source: Variable }
  | { type: 'kill'; variable: Variable }
  | { type: 'reload'; variable: Variable }
  | { type: 'await'; info: AwaitInfo }
  /**
   * A callback created here and handed to a call (`transaction(cb)`, `promise.then(cb)`): it runs
   * with the state it is created in — after the receiver's window for `.then`.
   */
  | { type: 'closure'; fn: TSESTree.Node; receiverWindow?: AwaitInfo }
  | { type: 'write'; write: WriteInfo };

/** A variable holds the entity as loaded, or as loaded before a window opened. */
type EntityFact = FreshFact | StaleFact;
interface FreshFact {
  kind: 'fresh';
  load: LoadInfo;
}
interface StaleFact {
  kind: 'stale';
  load: LoadInfo;
  window: AwaitInfo;
}

/** Per variable, what the object it holds may be. */
type FlowState = FactMap<Variable, EntityFact>;


/** Promise methods whose callback runs once the receiver settles. */
const PROMISE_CALLBACKS = new Set(['then', 'catch', 'finally']);

/** Methods whose receiver this rule follows: the writes, `reload()`, and the list/element methods above. */
const RECEIVER_METHODS = new Set(['save', 'remove', 'softRemove', 'recover', 'reload', ...LIST_COPY_METHODS, ...ELEMENT_HOLDING_METHODS]);

const DEFAULT_WINDOW_KINDS: AwaitKind[] = ['network', 'unknown', 'timer'];
const MAX_LISTED_COLUMNS = 6;

export default createRule<Options, MessageIds>({
  name: 'no-stale-save',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow saving an entity loaded before a network await: save() writes back every stale column',
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...awaitClassificationSchema(
            'Which kinds of awaited call open a stale-save window.',
            'More packages whose calls are local work that never opens a window.',
          ),
          loaders: {
            type: 'array',
            description: 'Names of more functions or methods that return a loaded entity (`retrieve`, `OrderService.retrieve`).',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          autofix: {
            type: 'boolean',
            description: 'Whether safe rewrites are applied by --fix; when false they are offered as suggestions only.',
          },
        },
      },
    ],
    defaultOptions: [
      { windowKinds: DEFAULT_WINDOW_KINDS, networkModules: [], localModules: [], loaders: [], autofix: true },
    ],
    messages: {
      staleSave:
        '`{{name}}` (loaded by {{loader}} at line {{loadLine}}) reaches {{method}} after `await {{awaited}}` (line {{awaitLine}}, {{reason}}). save() writes back every loaded column that differs from the row, reverting concurrent changes to {{atRisk}}. {{advice}}',
      staleRemove:
        '`{{name}}` (loaded by {{loader}} at line {{loadLine}}) reaches {{method}} after `await {{awaited}}` (line {{awaitLine}}, {{reason}}): the row may have changed since it was read. Re-load it after the await, or use a delete()/update() whose criteria check the state you expect.',
      rewriteToUpdate: 'Write only {{fields}} with an atomic update().',
    },
  },
  create(context, [options]) {
    const services = getTypeServices(context);
    const program = services.program;
    const checker = program.getTypeChecker();
    const classifier = getAwaitClassifier(program, {
      networkModules: options.networkModules ?? [],
      localModules: options.localModules ?? [],
    });
    const windowKinds = new Set(options.windowKinds ?? DEFAULT_WINDOW_KINDS);
    const extraLoaders = new Set(options.loaders ?? []);
    const { sourceCode } = context;
    const tsNode = <N extends TSESTree.Node>(node: N) => services.esTreeNodeToTSNodeMap.get(node);

    /** Variables that held a loaded entity at some point, with their latest load. */
    const tracked = new Map<Variable, LoadInfo>();
    /** Per variable: whether any use could reach a write (see `mayReachWrite`). */
    const reachesWrite = new Map<Variable, boolean>();
    /** Aliases (`const c = conv`) share field writes and hand-offs for the fix. */
    const aliasRoot = new Map<Variable, Variable>();
    /** Closures (`const persist = async () => save(conv)`) and the tracked variables they write. */
    const closureWrites = new Map<Variable, WriteInfo>();
    const functionWrites = new Map<TSESTree.Node, WriteInfo[]>();
    const awaitSummaries = new Map<AwaitInfo, AwaitSummary>();
    /** Filled once the whole file is walked; see `collectWrittenVariables`. */
    const writtenVariables = new Set<Variable>();
    let nextLoadId = 0;
    let nextAwaitId = 0;
    const facts = {
      fresh: new FactTable((load: LoadInfo): EntityFact => ({ kind: 'fresh', load })),
      stale: new FactTable((load: LoadInfo, window: AwaitInfo): EntityFact => ({ kind: 'stale', load, window })),
    };
    const innerWindowAwaits = new Map<WriteInfo, AwaitInfo>();

    /** Code paths wait until the whole file is walked, then run outer functions first. */
    const deferred: RecordedCodePath<FlowEvent>[] = [];
    /** The state inline callbacks are created in, from their enclosing function's solution. */
    const closureEntries = new Map<TSESTree.Node, FlowState>();
    const log = new CodePathEventLog<FlowEvent>(collect, recordClosure);
    let awaitedCombinatorDepth = 0;

    function recordClosure(node: TSESTree.Node): void {
      const parent = node.parent;
      if (parent?.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(node as TSESTree.CallExpressionArgument)) return;
      const callee = parent.callee;
      let receiverWindow: AwaitInfo | undefined;
      if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && PROMISE_CALLBACKS.has(callee.property.name) && callee.object.type === AST_NODE_TYPES.CallExpression) {
        receiverWindow = { id: nextAwaitId++, node: callee.object, operand: callee.object, handlers: [] };
      }
      log.record({ type: 'closure', fn: node, ...(receiverWindow == null ? {} : { receiverWindow }) });
    }

    function collect(recorded: RecordedCodePath<FlowEvent>): void {
      const writes = recorded.allEvents.filter((event): event is Extract<FlowEvent, { type: 'write' }> => event.type === 'write');
      const functionNode = recorded.node;
      if (writes.length > 0) functionWrites.set(functionNode, writes.map((event) => event.write));
      // ESLint ends a code path after the node's `:exit` handlers: register a named closure here.
      if (functionNode.type === AST_NODE_TYPES.FunctionDeclaration && functionNode.id != null) {
        const variable = variableOf(functionNode.id);
        const [first] = writes;
        if (variable != null && first != null) {
          closureWrites.set(variable, { ...first.write, targets: writes.flatMap((event) => event.write.targets) });
        }
      }
      deferred.push(recorded);
      if (functionNode.type === AST_NODE_TYPES.Program) {
        deferred.sort((a, b) => a.node.range[0] - b.node.range[0]);
        collectWrittenVariables();
        for (const path of deferred) analyse(path);
      }
    }

    /**
     * Variables whose object some write of the file may carry: the write targets and, through
     * every alias, the variables they were copied from. An await only matters while one of these
     * is fresh; classifying it otherwise (which may summarise callees across the project) is wasted.
     */
    function collectWrittenVariables(): void {
      for (const writes of functionWrites.values()) for (const write of writes) for (const target of write.targets) writtenVariables.add(target.variable);
      const sourcesOf = new Map<Variable, Variable[]>();
      for (const path of deferred) {
        for (const event of path.allEvents) {
          if (event.type === 'alias') sourcesOf.set(event.variable, [...(sourcesOf.get(event.variable) ?? []), event.source]);
        }
      }
      const pending = [...writtenVariables];
      for (let variable = pending.pop(); variable != null; variable = pending.pop()) {
        for (const source of sourcesOf.get(variable) ?? []) {
          if (!writtenVariables.has(source)) {
            writtenVariables.add(source);
            pending.push(source);
          }
        }
      }
    }

    function hasFreshWritten(state: FlowState): boolean {
      for (const [variable, states] of state) {
        if (!writtenVariables.has(variable)) continue;
        for (const fact of states) if (fact.kind === 'fresh') return true;
      }
      return false;
    }



    /**
     * Whether some use of the variable could hand the object it holds to a write: as an argument
     * (directly, in an array or a spread), an alias, a loop's list, or the receiver of
     * `save()`/`reload()`/an element method. A variable only ever used as `x.prop` (read or
     * assigned) or as a value (in arithmetic, a comparison, a template, a test) cannot be the
     * target of a stale save, so resolving the call that initialises it —
     * the costliest type query of this rule, made for every `const x = await call()` — is skipped.
     */
    function mayReachWrite(variable: Variable): boolean {
      let cached = reachesWrite.get(variable);
      if (cached == null) {
        cached = variable.references.some((reference) => !reference.isWriteOnly() && !isPropertyUse(reference.identifier) && !isValueUse(reference.identifier));
        reachesWrite.set(variable, cached);
      }
      return cached;
    }

    /**
     * `hash % 1000`, `` `${count}` ``, `!conv`, `if (conv)`, `switch (kind)`: a use that only reads
     * the value, so the object itself goes no further.
     */
    function isValueUse(identifier: TSESTree.Node): boolean {
      const parent = identifier.parent;
      switch (parent?.type) {
        case AST_NODE_TYPES.BinaryExpression:
        case AST_NODE_TYPES.UnaryExpression:
        case AST_NODE_TYPES.UpdateExpression:
        case AST_NODE_TYPES.TemplateLiteral:
          return true;
        case AST_NODE_TYPES.IfStatement:
        case AST_NODE_TYPES.WhileStatement:
        case AST_NODE_TYPES.DoWhileStatement:
        case AST_NODE_TYPES.ConditionalExpression:
          return parent.test === identifier;
        case AST_NODE_TYPES.SwitchStatement:
          return parent.discriminant === identifier;
        default:
          return false;
      }
    }

    function isPropertyUse(identifier: TSESTree.Node): boolean {
      const member = identifier.parent;
      if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== identifier || member.computed) return false;
      const call = member.parent;
      return !(call.type === AST_NODE_TYPES.CallExpression && call.callee === member && member.property.type === AST_NODE_TYPES.Identifier && RECEIVER_METHODS.has(member.property.name));
    }

    function variableOf(identifier: TSESTree.Identifier): Variable | undefined {
      return ASTUtils.findVariable(sourceCode.getScope(identifier), identifier) ?? undefined;
    }

    function rootOf(variable: Variable): Variable {
      let current = variable;
      for (let next = aliasRoot.get(current); next != null && next !== current; next = aliasRoot.get(current)) current = next;
      return current;
    }



    /**
     * The load an expression performs. Loads are awaited (`const x = await repo.findOne()`): a
     * call that is not awaited is not resolved, which keeps type queries off the many ordinary
     * `const x = f()` bindings.
     */
    function loadOf(expression: TSESTree.Expression, awaited = awaitedCombinatorDepth > 0): LoadInfo | undefined {
      const isAwaited = awaited || containsAwait(expression);
      const call = skipWrappers(expression, { awaits: true });
      // `(await repo.findOneBy(…)) ?? repo.create(…)`: loaded on one side.
      if (call.type === AST_NODE_TYPES.LogicalExpression && call.operator !== '&&') return loadOf(call.left, isAwaited) ?? loadOf(call.right, isAwaited);
      if (call.type === AST_NODE_TYPES.ConditionalExpression) return loadOf(call.consequent, isAwaited) ?? loadOf(call.alternate, isAwaited);
      if (call.type !== AST_NODE_TYPES.CallExpression || !isAwaited) return undefined;
      const tsCall = tsNode(call);
      let loader = loadOfCall(classifier, tsCall, 0, loaderNames(services.program));
      const name = calleeName(call);
      if (loader == null && name != null && matchesLoaderOption(call, name)) loader = { shape: 'one', chain: [name] };
      if (loader == null) return undefined;
      return {
        id: nextLoadId++,
        call,
        tsCall,
        loader,
        line: call.loc.start.line,
        columns: loadedColumnsSpecOf(tsCall),
      };
    }

    function matchesLoaderOption(call: TSESTree.CallExpression, name: string): boolean {
      if (extraLoaders.size === 0) return false;
      if (extraLoaders.has(name)) return true;
      const callee = call.callee;
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const receiverType = checker.getTypeAtLocation(tsNode(callee.object));
      const className = receiverType.getSymbol()?.getName();
      return className != null && extraLoaders.has(`${className}.${name}`);
    }

    /**
     * `const c = conv` (the same object) or `list[0]`, `list.at(0)`, `list.find(…)` (an element
     * of a loaded list): either way the new variable holds loaded state.
     */
    function aliasSourceOf(expression: TSESTree.Expression): { source: Variable; sameObject: boolean } | undefined {
      const node = skipWrappers(expression, { awaits: true });
      let source: Variable | undefined;
      let sameObject = false;
      if (node.type === AST_NODE_TYPES.Identifier) {
        source = trackedVariable(node);
        sameObject = true;
      } else if (node.type === AST_NODE_TYPES.MemberExpression && node.computed && node.object.type === AST_NODE_TYPES.Identifier) {
        source = trackedVariable(node.object);
      } else if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression && node.callee.object.type === AST_NODE_TYPES.Identifier) {
        const method = calleeName(node);
        if (method != null && ELEMENT_HOLDING_METHODS.has(method)) source = trackedVariable(node.callee.object);
      }
      return source == null ? undefined : { source, sameObject };
    }

    /** `for (const c of list)`, `for (const c of list.sort(…))`, `for (const c of await repo.find())`. */
    function bindLoopElement(target: TSESTree.Node, iterable: TSESTree.Expression): void {
      if (target.type !== AST_NODE_TYPES.Identifier) return;
      const variable = variableOf(target);
      if (variable == null) return;
      const load = mayReachWrite(variable) ? loadOf(iterable) : undefined;
      if (load != null) {
        recordLoad(variable, load);
        return;
      }
      const list = skipWrappers(iterable, { awaits: true });
      const listIdentifier = list.type === AST_NODE_TYPES.Identifier
        ? list
        : list.type === AST_NODE_TYPES.CallExpression && list.callee.type === AST_NODE_TYPES.MemberExpression && list.callee.object.type === AST_NODE_TYPES.Identifier && LIST_COPY_METHODS.has(calleeName(list) ?? '')
          ? list.callee.object
          : undefined;
      const source = listIdentifier == null ? undefined : trackedVariable(listIdentifier);
      if (source != null) {
        const sourceLoad = tracked.get(source);
        if (sourceLoad != null) tracked.set(variable, sourceLoad);
        aliasRoot.delete(variable);
        log.record({ type: 'alias', variable, source });
      } else if (tracked.has(variable)) {
        log.record({ type: 'kill', variable });
      }
    }

    function trackedVariable(identifier: TSESTree.Identifier): Variable | undefined {
      if (tracked.size === 0) return undefined;
      const variable = variableOf(identifier);
      return variable != null && tracked.has(variable) ? variable : undefined;
    }

    function recordLoad(variable: Variable, load: LoadInfo): void {
      tracked.set(variable, load);
      aliasRoot.delete(variable);
      log.record({ type: 'load', variable, load });
    }

    /** What a binding of `target` to `init` means for the flow. */
    function bind(target: TSESTree.Node, init: TSESTree.Expression | null): void {
      if (target.type === AST_NODE_TYPES.Identifier) {
        const variable = variableOf(target);
        if (variable == null) return;
        if (init == null) {
          if (tracked.has(variable)) log.record({ type: 'kill', variable });
          return;
        }
        const load = mayReachWrite(variable) ? loadOf(init) : undefined;
        if (load != null) {
          recordLoad(variable, load);
          return;
        }
        const alias = aliasSourceOf(init);
        if (alias != null && alias.source !== variable) {
          const sourceLoad = tracked.get(alias.source);
          if (sourceLoad != null) tracked.set(variable, sourceLoad);
          if (alias.sameObject) aliasRoot.set(variable, rootOf(alias.source));
          else aliasRoot.delete(variable);
          log.record({ type: 'alias', variable, source: alias.source });
          return;
        }
        // `conv = await repo.save(conv)`: save() hands back the object it was given.
        const call = skipWrappers(init, { awaits: true });
        if (call.type === AST_NODE_TYPES.CallExpression && mentionsTracked(call) && writeOfCall(call)?.targets.some((target) => target.variable === variable)) {
          return;
        }
        if (tracked.has(variable)) log.record({ type: 'kill', variable });
        return;
      }
      if (init == null) return;
      if (target.type === AST_NODE_TYPES.ArrayPattern) {
        const combined = promiseAllElements(init);
        if (combined != null) {
          // Each element is awaited through the combinator.
          awaitedCombinatorDepth++;
          try {
            target.elements.forEach((element, index) => {
              const elementInit = combined[index];
              if (element != null && elementInit != null && elementInit.type !== AST_NODE_TYPES.SpreadElement) bind(element, elementInit);
            });
          } finally {
            awaitedCombinatorDepth--;
          }
          return;
        }
        const load = loadOf(init);
        if (load == null) return;
        // `const [conv] = await repo.find()`, `const [rows, count] = await repo.findAndCount()`.
        const entityElements = load.loader.shape === 'many' ? target.elements : target.elements.slice(0, 1);
        for (const element of entityElements) {
          if (element?.type === AST_NODE_TYPES.Identifier) {
            const variable = variableOf(element);
            if (variable != null) recordLoad(variable, { ...load, id: nextLoadId++ });
          }
        }
      } else if (target.type === AST_NODE_TYPES.ObjectPattern) {
        const load = loadOf(init);
        if (load?.loader.shape !== 'raw-and-entities') return;
        for (const property of target.properties) {
          if (property.type === AST_NODE_TYPES.Property && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === 'entities' && property.value.type === AST_NODE_TYPES.Identifier) {
            const variable = variableOf(property.value);
            if (variable != null) recordLoad(variable, { ...load, id: nextLoadId++ });
          }
        }
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

    /** The tracked variables a write argument carries. */
    function targetsOf(argument: TSESTree.Node | undefined): WriteInfo['targets'] {
      if (argument == null || tracked.size === 0) return [];
      const node = argument.type === AST_NODE_TYPES.SpreadElement ? argument.argument : argument;
      const expression = skipWrappers(node as TSESTree.Expression, { awaits: true });
      if (expression.type === AST_NODE_TYPES.Identifier) {
        const variable = trackedVariable(expression);
        return variable == null ? [] : [{ variable, expression, viaSpread: false }];
      }
      if (expression.type === AST_NODE_TYPES.ArrayExpression) return expression.elements.flatMap((element) => targetsOf(element ?? undefined));
      if (expression.type === AST_NODE_TYPES.ObjectExpression) {
        return expression.properties.flatMap((property) =>
          property.type === AST_NODE_TYPES.SpreadElement ? targetsOf(property.argument).map((target) => ({ ...target, viaSpread: true })) : [],
        );
      }
      return [];
    }

    function mentionsTracked(call: TSESTree.CallExpression): boolean {
      if (tracked.size === 0) return false;
      const receiver = call.callee.type === AST_NODE_TYPES.MemberExpression ? call.callee.object : undefined;
      if (receiver?.type === AST_NODE_TYPES.Identifier && trackedVariable(receiver) != null) return true;
      return call.arguments.some((argument) => targetsOf(argument).length > 0);
    }

    function writeOfCall(call: TSESTree.CallExpression): WriteInfo | undefined {
      const tsCall = tsNode(call);
      // Only a diffing write or a project saver carries the entity into a write; any other
      // method is settled by its name (a presenter or a policy handed the entity is common).
      const typeorm = classifyIfDiffingWriteName(checker, tsCall);
      if (typeorm != null) {
        if (typeorm.kind !== 'diffing-write') return undefined;
        let targets: WriteInfo['targets'];
        if (typeorm.entityArgumentIndex == null) {
          const receiver = call.callee.type === AST_NODE_TYPES.MemberExpression ? call.callee.object : undefined;
          const variable = receiver?.type === AST_NODE_TYPES.Identifier ? trackedVariable(receiver) : undefined;
          targets = variable == null || receiver == null ? [] : [{ variable, expression: receiver, viaSpread: false }];
        } else {
          targets = targetsOf(call.arguments[typeorm.entityArgumentIndex]);
        }
        return targets.length === 0 ? undefined : { call, targets, typeorm, method: `${typeorm.method}()` };
      }
      for (const saver of saversOfCall(classifier, tsCall, 0, saverNames(services.program))) {
        const targets = targetsOf(call.arguments[saver.parameterIndex]);
        if (targets.length === 0) continue;
        const calleeLabel = expressionLabel(tsCall.expression);
        return {
          call,
          targets,
          method: `${calleeLabel}() (${saver.chain.join(' → ')}())`,
          ...(windowKindsOf(saver.awaitsBefore, windowKinds).length > 0
            ? { innerWindow: { summary: saver.chain[0] == null ? saver.awaitsBefore : prefixChains(saver.awaitsBefore, saver.chain[0]), label: `${calleeLabel}(…)` } }
            : {}),
        };
      }
      return undefined;
    }

    function closureWriteOf(call: TSESTree.CallExpression): WriteInfo | undefined {
      if (call.callee.type !== AST_NODE_TYPES.Identifier || closureWrites.size === 0) return undefined;
      const variable = variableOf(call.callee);
      const write = variable == null ? undefined : closureWrites.get(variable);
      // The write happens inside the closure: report at this call, and never rewrite it.
      return write == null ? undefined : { call, targets: write.targets, method: `${call.callee.name}()` };
    }

    function summaryOfAwait(info: AwaitInfo): AwaitSummary {
      let summary = awaitSummaries.get(info);
      if (summary == null) {
        summary = classifier.classifyAwaited(tsNode(info.operand) as ts.Expression);
        awaitSummaries.set(info, summary);
      }
      return summary;
    }

    function analyse(recorded: RecordedCodePath<FlowEvent>): void {
      const events = recorded.allEvents;
      const writes = events.filter((event): event is Extract<FlowEvent, { type: 'write' }> => event.type === 'write');
      const createsWritingCallback = events.some((event) => event.type === 'closure' && functionWrites.has(event.fn));
      if (writes.length === 0 && !createsWritingCallback) return;
      const functionNode = recorded.node;

      // An inline callback starts in the state it was created in; any other function may run
      // any time, so the entities it captures start fresh.
      const initial = new Map<Variable, FactSet<EntityFact>>(closureEntries.get(functionNode) ?? []);
      if (!closureEntries.has(functionNode)) {
        const boundHere = new Set(events.flatMap((event) => ('variable' in event ? [event.variable] : [])));
        for (const { write } of writes) {
          for (const { variable } of write.targets) {
            const load = tracked.get(variable);
            if (!boundHere.has(variable) && load != null) initial.set(variable, new Set([facts.fresh.of(load)]));
          }
        }
      }
      if (initial.size === 0 && !events.some((event) => event.type === 'load')) return;

      const reports = new Map<WriteInfo, { variable: Variable; stale: StaleFact }[]>();
      solveFlow<FlowEvent, FlowState>(recorded, {
        lattice: factMapLattice(),
        initial,
        finallyEntry: 'every-path',
        transfer(state, event, step) {
          switch (event.type) {
            case 'load':
              return withFacts(state, event.variable, new Set([facts.fresh.of(event.load)]));
            case 'alias':
              return withFacts(state, event.variable, state.get(event.source) ?? new Set());
            case 'kill':
              return withFacts(state, event.variable, undefined);
            case 'reload':
              return freshenAliases(state, event.variable);
            case 'await': {
              // Without a fresh entity that is written later there is nothing for this await to make stale.
              if (!hasFreshWritten(state)) return state;
              if (windowKindsOf(summaryOfAwait(event.info), windowKinds).length === 0) return state;
              const stale = markStale(state, event.info);
              step.throwTo(event.info.handlers, stale);
              return stale;
            }
            case 'closure': {
              if (step.replaying) {
                let entry = state;
                if (event.receiverWindow != null && hasFreshWritten(state) && windowKindsOf(summaryOfAwait(event.receiverWindow), windowKinds).length > 0) {
                  entry = markStale(state, event.receiverWindow);
                }
                const before = closureEntries.get(event.fn);
                closureEntries.set(event.fn, before == null ? entry : factMapLattice<Variable, EntityFact>().join(before, entry));
              }
              return state;
            }
            case 'write':
              return applyWrite(state, event.write, step.replaying ? reports : undefined);
          }
        },
      });
      for (const [write, found] of reports) {
        for (const entry of found) report(write, entry.variable, entry.stale);
      }
    }

    /** A write (with the window its callee opens first): reports stale targets, then they are fresh again. */
    function applyWrite(state: FlowState, write: WriteInfo, reports: Map<WriteInfo, { variable: Variable; stale: StaleFact }[]> | undefined): FlowState {
      let current = state;
      const inner = write.innerWindow;
      if (inner != null && hasFresh(current)) {
        let info = innerWindowAwaits.get(write);
        if (info == null) {
          info = { id: nextAwaitId++, node: write.call, operand: write.call, handlers: [] };
          awaitSummaries.set(info, inner.summary);
          innerWindowAwaits.set(write, info);
        }
        current = markStale(current, info);
      }
      for (const target of write.targets) {
        const states = current.get(target.variable);
        if (states == null) continue;
        if (reports != null) {
          const kindOf = (info: AwaitInfo): AwaitKind | undefined => windowKindsOf(summaryOfAwait(info), windowKinds)[0];
          // A stale remove reverts no column, only acts on an old decision: it is worth a
          // report after a known slow call, not after an unclassified one.
          const removes = write.typeorm != null && write.typeorm.method !== 'save';
          const stale = [...states].filter((fact): fact is StaleFact => fact.kind === 'stale' && (!removes || kindOf(fact.window) !== 'unknown'));
          const chosen = pickStale(stale, (info) => {
            const kind = kindOf(info);
            return kind == null ? AWAIT_KINDS.length : AWAIT_KINDS.indexOf(kind);
          });
          if (chosen != null) {
            const list = reports.get(write) ?? [];
            if (!list.some((entry) => entry.variable === target.variable)) list.push({ variable: target.variable, stale: chosen });
            reports.set(write, list);
          }
        }
        // After the write the row holds what the object holds: fresh again, under every name.
        current = freshenAliases(current, target.variable);
      }
      return current;
    }

    /** A window: every fresh entity becomes stale since this await. */
    function markStale(state: FlowState, window: AwaitInfo): FlowState {
      const next = new Map<Variable, FactSet<EntityFact>>();
      for (const [variable, states] of state) {
        const updated = new Set<EntityFact>();
        for (const fact of states) updated.add(fact.kind === 'fresh' ? facts.stale.of(fact.load, window) : fact);
        next.set(variable, updated);
      }
      return next;
    }

    function freshen(states: FactSet<EntityFact> | undefined): FactSet<EntityFact> {
      const fresh = new Set<EntityFact>();
      for (const fact of states ?? []) fresh.add(facts.fresh.of(fact.load));
      return fresh;
    }

    /** The object behind `variable` was refreshed: so it is for its plain aliases. */
    function freshenAliases(state: FlowState, variable: Variable): FlowState {
      const root = rootOf(variable);
      let next = state;
      for (const [candidate, states] of state) {
        if (candidate === variable || rootOf(candidate) === root) next = withFacts(next, candidate, freshen(states));
      }
      return next;
    }

    function report(write: WriteInfo, variable: Variable, stale: StaleFact): void {
      const { load, window: awaitInfo } = stale;
      const target = write.targets.find((candidate) => candidate.variable === variable);
      if (target == null) return;
      const summary = summaryOfAwait(awaitInfo);
      const kind = windowKindsOf(summary, windowKinds)[0] ?? 'unknown';
      const chain = summary.get(kind) ?? [];
      const metadata = entityMetadataOfType(checker, checker.getTypeAtLocation(tsNode(target.expression)));
      const fieldInfo = writtenFields(variable, load, write, target);
      const written = new Set(fieldInfo.fields);
      const atRiskColumns = metadata == null ? undefined : columnsAtRisk(metadata, load.columns, written);
      const atRisk = atRiskColumns?.map((column) => column.propertyName);
      const isRemove = write.typeorm != null && write.typeorm.method !== 'save';
      const data = {
        name: variable.name,
        loader: loaderText(load),
        loadLine: String(load.line),
        method: write.method,
        awaited: awaitedText(awaitInfo),
        awaitLine: String(awaitInfo.node.loc.start.line),
        reason: reasonText(kind, chain),
        atRisk: atRisk == null ? 'every loaded column' : atRisk.length === 0 ? 'no other loaded column' : listText(atRisk),
        advice: write.typeorm == null && fieldInfo.fields.length === 0
          ? 'Make that function write only the fields it changes with update(), or re-load the entity after the await.'
          : adviceText(fieldInfo),
      };
      const rewrite = !isRemove && fieldInfo.exact && !target.viaSpread && write.targets.length === 1 && write.typeorm != null && metadata != null
        ? rewriteFor(write, metadata, target.expression, fieldInfo.fields)
        : undefined;
      const autofix = rewrite != null && options.autofix !== false && canAutofix(write, metadata, fieldInfo, target.expression);
      recordReportDetails(context, write.call, isRemove ? 'staleRemove' : 'staleSave', () => ({
        rule: 'no-stale-save',
        variable: variable.name,
        ...(metadata == null ? {} : { entity: entityRefOf(metadata) }),
        load: { label: loaderText(load), line: load.line },
        window: { label: awaitedText(awaitInfo), line: awaitInfo.node.loc.start.line, kind, chain: [...chain] },
        write: { method: write.method, line: write.call.loc.start.line },
        writtenFields: fieldInfo.fields.map((field) => {
          const column = metadata?.byProperty.get(field)?.databaseName;
          return column == null ? { property: field } : { property: field, column };
        }),
        fieldsExact: fieldInfo.exact,
        ...(atRiskColumns == null ? {} : { columnsAtRisk: atRiskColumns.map(columnRefOf) }),
      }));
      context.report({
        node: write.call,
        messageId: isRemove ? 'staleRemove' : 'staleSave',
        data,
        ...(rewrite != null && autofix ? { fix: (fixer) => fixer.replaceTextRange(rewrite.range, rewrite.text) } : {}),
        ...(rewrite != null && !autofix
          ? {
              suggest: [
                {
                  messageId: 'rewriteToUpdate',
                  data: { fields: listText(fieldInfo.fields) },
                  fix: (fixer: TSESLint.RuleFixer) => fixer.replaceTextRange(rewrite.range, rewrite.text),
                },
              ],
            }
          : {}),
      });
    }

    function rewriteFor(write: WriteInfo, metadata: EntityMetadata, expression: TSESTree.Expression, fields: readonly string[]) {
      if (write.typeorm == null || !isResultUnused(write.call)) return undefined;
      if (fields.some((field) => !isPlainWritableColumn(metadata, field))) return undefined;
      const scope = sourceCode.getScope(write.call);
      const classVariable = ASTUtils.findVariable(scope, metadata.className);
      const classNameInScope = classVariable?.defs.some((def) => def.type === TSESLint.Scope.DefinitionType.ImportBinding || def.type === TSESLint.Scope.DefinitionType.ClassName) ?? false;
      return buildUpdateRewrite({
        sourceCode,
        call: write.call,
        typeorm: write.typeorm,
        metadata,
        entityText: sourceCode.getText(expression),
        fields,
        classNameInScope,
      });
    }

    function canAutofix(write: WriteInfo, metadata: EntityMetadata | undefined, fieldInfo: FieldInfo, target: TSESTree.Expression): boolean {
      if (metadata == null) return false;
      if (metadata.listeners.has('BeforeUpdate') || metadata.listeners.has('AfterUpdate')) return false;
      if (checker.isArrayType(checker.getTypeAtLocation(tsNode(target)))) return false;
      if (sourceCode.getCommentsInside(write.call).length > 0) return false;
      return fieldInfo.exact;
    }

    interface FieldInfo {
      fields: string[];
      /** Every write is a direct `x.field = …` and the entity was handed to no other code. */
      exact: boolean;
    }

    /** The fields written on the entity (or an alias) between its load and the write. */
    function writtenFields(variable: Variable, load: LoadInfo, write: WriteInfo, target: WriteInfo['targets'][number]): FieldInfo {
      const root = rootOf(variable);
      const group = [...tracked.keys()].filter((candidate) => rootOf(candidate) === root);
      if (!group.includes(variable)) group.push(variable);
      const from = load.call.range[1];
      const to = write.call.range[0];
      const fields: string[] = [];
      let exact = true;
      const writeFunction = enclosingFunction(write.call);
      for (const member of group) {
        for (const reference of member.references) {
          const identifier = reference.identifier;
          if (identifier.range[0] < from || identifier.range[0] >= write.call.range[1]) continue;
          if (isInside(identifier, write.call)) continue;
          const parent = identifier.parent;
          if (enclosingFunction(identifier) !== writeFunction) {
            if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier && isAssignmentTarget(parent)) exact = false;
            continue;
          }
          if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
            if (isAssignmentTarget(parent)) {
              if (identifier.range[0] >= to) continue;
              if (parent.computed || parent.property.type !== AST_NODE_TYPES.Identifier) exact = false;
              else if (!fields.includes(parent.property.name)) fields.push(parent.property.name);
            } else if (parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
              // `conv.assign(body)`, `conv.touch()`: a method that may set anything.
              exact = false;
            }
            continue;
          }
          // `const current = conversation`: another name for the same object, tracked with it.
          if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier && group.some((alias) => alias.name === (parent.id as TSESTree.Identifier).name)) continue;
          if (identifier.type === AST_NODE_TYPES.Identifier && isHandOff(identifier)) exact = false;
        }
      }
      // `save({ ...conversation, snippet })`: the literal's own keys are written too.
      if (target.viaSpread) {
        const literal = target.expression.parent.parent;
        if (literal?.type === AST_NODE_TYPES.ObjectExpression) {
          for (const property of literal.properties) {
            if (property.type !== AST_NODE_TYPES.Property) continue;
            if (property.computed || property.key.type !== AST_NODE_TYPES.Identifier) exact = false;
            else if (!fields.includes(property.key.name)) fields.push(property.key.name);
          }
        }
      }
      return { fields, exact };
    }

    return mergeListeners(log.listeners(), {
      'VariableDeclarator:exit'(node: TSESTree.VariableDeclarator) {
        const declaration = node.parent;
        const loop = declaration.parent;
        if ((loop.type === AST_NODE_TYPES.ForOfStatement || loop.type === AST_NODE_TYPES.ForInStatement) && loop.left === declaration) {
          if (loop.type === AST_NODE_TYPES.ForOfStatement) bindLoopElement(node.id, loop.right);
          return;
        }
        const init = node.init;
        if (init != null && (init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression) && node.id.type === AST_NODE_TYPES.Identifier) {
          const writes = functionWrites.get(init);
          const variable = variableOf(node.id);
          const first = writes?.[0];
          if (variable != null && writes != null && first != null) {
            closureWrites.set(variable, { ...first, targets: writes.flatMap((write) => write.targets) });
          }
          return;
        }
        bind(node.id, init);
      },
      'VariableDeclaration:exit'(node: TSESTree.VariableDeclaration) {
        const loop = node.parent;
        if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await && loop.left === node) {
          const info: AwaitInfo = { id: nextAwaitId++, node: loop.right, operand: loop.right, handlers: handlersReached(loop, 'every-handler') };
          log.record({ type: 'await', info });
        }
      },
      'AssignmentExpression:exit'(node: TSESTree.AssignmentExpression) {
        if (node.operator === '=' && node.left.type === AST_NODE_TYPES.Identifier) bind(node.left, node.right);
      },
      'AwaitExpression:exit'(node: TSESTree.AwaitExpression) {
        const info: AwaitInfo = { id: nextAwaitId++, node, operand: node.argument, handlers: handlersReached(node, 'every-handler') };
        log.record({ type: 'await', info });
      },
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        const closureWrite = closureWriteOf(node);
        if (closureWrite != null) {
          log.record({ type: 'write', write: closureWrite });
          return;
        }
        if (!mentionsTracked(node)) return;
        if (node.callee.type === AST_NODE_TYPES.MemberExpression && node.callee.object.type === AST_NODE_TYPES.Identifier && calleeName(node) === 'reload') {
          const variable = trackedVariable(node.callee.object);
          const typeorm = classifyTypeormCall(checker, tsNode(node));
          if (variable != null && typeorm?.kind === 'reload') {
            log.record({ type: 'reload', variable });
            return;
          }
        }
        const write = writeOfCall(node);
        if (write != null) log.record({ type: 'write', write });
      },
    });
  },
});


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





function hasFresh(state: FlowState): boolean {
  for (const states of state.values()) for (const fact of states) if (fact.kind === 'fresh') return true;
  return false;
}


/**
 * Which window to name when several paths lead to the write: the most telling kind (network
 * before unknown), then the earliest await.
 */
function pickStale(stale: readonly StaleFact[], kindRank: (window: AwaitInfo) => number): StaleFact | undefined {
  let best: { fact: StaleFact; rank: number } | undefined;
  for (const fact of stale) {
    const rank = kindRank(fact.window);
    if (best == null || rank < best.rank || (rank === best.rank && fact.window.id < best.fact.window.id)) best = { fact, rank };
  }
  return best?.fact;
}

function loaderText(load: LoadInfo): string {
  const [first, ...rest] = load.loader.chain;
  return rest.length === 0 ? `${first ?? 'a load'}()` : `${first ?? ''}() → ${rest.join(' → ')}()`;
}

function awaitedText(info: AwaitInfo): string {
  return callLabel(info.operand);
}

function reasonText(kind: AwaitKind, chain: readonly string[]): string {
  const via = chain.length === 0 ? '' : ` via ${chain.join(' → ')}`;
  switch (kind) {
    case 'network':
      return `a network call${via}`;
    case 'timer':
      return `a timer${via}`;
    case 'unknown':
      return `an unclassified call${via} that may be slow I/O`;
    case 'database':
      return `a database call${via}`;
    case 'local':
      return `local work${via}`;
  }
}

function listText(names: readonly string[]): string {
  if (names.length <= MAX_LISTED_COLUMNS) return names.join(', ');
  return `${names.slice(0, MAX_LISTED_COLUMNS).join(', ')} and ${String(names.length - MAX_LISTED_COLUMNS)} more`;
}

function adviceText(fieldInfo: { fields: readonly string[]; exact: boolean }): string {
  if (fieldInfo.fields.length === 0) {
    return 'Re-load it after the await, or write only the fields this code changes with update().';
  }
  return fieldInfo.exact
    ? `Update only ${listText(fieldInfo.fields)} with update().`
    : `Write only the fields this code changes (${listText(fieldInfo.fields)}, …) with update(), or re-load it after the await.`;
}

function isPlainWritableColumn(metadata: EntityMetadata, field: string): boolean {
  const column = metadata.byProperty.get(field);
  return column != null && ['column', 'version', 'update-date', 'delete-date'].includes(column.kind) && !column.cascade;
}

function isResultUnused(call: TSESTree.CallExpression): boolean {
  const parent = call.parent;
  if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
  return parent.type === AST_NODE_TYPES.AwaitExpression && parent.parent.type === AST_NODE_TYPES.ExpressionStatement;
}

function isAssignmentTarget(member: TSESTree.MemberExpression): boolean {
  const parent = member.parent;
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === member) return true;
  if (parent.type === AST_NODE_TYPES.UpdateExpression) return true;
  return false;
}

/** A use that gives the object to code that may change it. */
function isHandOff(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent;
  switch (parent.type) {
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.NewExpression:
      return parent.arguments.includes(identifier);
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.SpreadElement:
    case AST_NODE_TYPES.ReturnStatement:
      return true;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.right === identifier;
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === identifier;
    default:
      return false;
  }
}



