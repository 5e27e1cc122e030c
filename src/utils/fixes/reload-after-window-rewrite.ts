import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isInside, isNullish } from '../ast/expressions.js';
import { enclosingFunction, isFunctionNode } from '../ast/functions.js';
import type { Variable } from '../entity-flow/entity-events.js';
import { isAssignmentTarget } from '../entity-flow/entity-uses.js';
import { indentationOf } from './statement-edits.js';

/**
 * A stale entity whose every change comes after the slow call: the row is read again by its
 * primary key right after the statement that holds the last slow await before the save, so what
 * the code then changes and saves starts from the row as it is after that call. Offered only when
 * nothing could have changed the object between its load and that point (the re-load would undo
 * it), and every path from a slow await to the save passes through the re-load.
 */
export interface ReloadAfterWindowInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  /** The write of the stale entity. */
  save: TSESTree.CallExpression;
  /**
   * The TypeORM read that loaded it, in the same function; or the function's parameter it arrives
   * in, for a re-load inside the project's saver.
   */
  load: TSESTree.CallExpression | TSESTree.Identifier;
  variable: Variable;
  /** Every name of the same object (the variable among them). */
  aliases: readonly Variable[];
  /**
   * The statements that re-load it, `;` included: `Object.assign(order, await …);`. Lines after a
   * statement's first are indented relative to it, and separated by `\n`.
   */
  reloadStatements: readonly string[];
  /** Whether this await (or `for await` loop) opens a window. */
  opensWindow: (node: TSESTree.AwaitExpression | TSESTree.ForOfStatement) => boolean;
  /** Whether handing the object on here (an argument, or a method's receiver) leaves it unchanged. */
  onlyReads: (use: TSESTree.Identifier) => boolean;
  /** Whether a call only writes its arguments to a log (a spread copy handed to it is read once and dropped). */
  isLogging: (call: TSESTree.CallExpression) => boolean;
  /** Whether the value is a primitive (a copy: no way back to the object). */
  isPrimitive: (node: TSESTree.Expression) => boolean;
  /** Whether the identifier's type at that point excludes `null` and `undefined`. */
  isNonNull: (use: TSESTree.Identifier) => boolean;
  /**
   * The load may give `null` and the types cannot tell (`strictNullChecks` off): the code must
   * have left on `null` by the re-load (`if (!e) return;`), or the re-load sits where `e` tested truthy.
   */
  mayBeNull: boolean;
}

export interface ReloadAfterWindowRewrite {
  edits: { range: [number, number]; text: string }[];
  /** The last slow await before the save, after whose statement the re-load goes. */
  window: TSESTree.AwaitExpression | TSESTree.ForOfStatement;
}

export function buildReloadAfterWindowRewrite(input: ReloadAfterWindowInput): ReloadAfterWindowRewrite | undefined {
  const { sourceCode, save, load, variable, aliases } = input;
  const fn = enclosingFunction(save);
  if (fn?.async !== true || enclosingFunction(load) !== fn) return undefined;
  if (!bindsOnlyTheVariable(sourceCode, load, variable)) return undefined;

  const windows = windowAwaitsIn(sourceCode, fn, input.opensWindow);
  // The last slow await evaluated before the save (one in the save's own arguments included).
  let window: TSESTree.AwaitExpression | TSESTree.ForOfStatement | undefined;
  for (const candidate of windows) {
    if (candidate.range[0] < load.range[1] || candidate.range[1] > save.range[1] || isInside(save, candidate)) continue;
    if (window == null || candidate.range[1] > window.range[1]) window = candidate;
  }
  if (window == null) return undefined;
  const insertAfter = statementInBlockOf(window, save);
  if (insertAfter == null || insertAfter.range[0] < load.range[1] || insertAfter.range[1] > save.range[0]) return undefined;
  // A slow await in a loop of the save's own statement around the save reaches the next turn's
  // save on a path that skips the re-load. (One after the save without a loop, or one that the
  // save is part of — `await Promise.all([e.save(), notify()])` — never reaches it.)
  const saveStatement = insertAfter.parent.body.find((statement) => isInside(save, statement));
  if (saveStatement == null || loopsAround(save, saveStatement).some((loop) => windows.some((candidate) => isInside(candidate, loop)))) return undefined;
  if (catchSeesObject(insertAfter, fn, aliases)) return undefined;

  for (const alias of aliases) {
    for (const reference of alias.references) {
      const use = reference.identifier;
      if (use.range[0] >= save.range[1] || use.type !== AST_NODE_TYPES.Identifier) continue;
      // A callback may run before the re-load or after it: it may only read the object.
      if (enclosingFunction(use) !== fn) {
        if (reference.isWrite() || !leavesUnchanged(use, aliases, input)) return undefined;
        continue;
      }
      // Its declaration, or what it held before the load, is no use of the loaded object.
      if (use.range[0] < load.range[1] || alias.identifiers.includes(use)) continue;
      // Assigned again: the variable could hold another object at the save (unless it is the
      // save's own result: `order = await repo.save(order)`).
      if (reference.isWrite()) {
        if (use.parent.type === AST_NODE_TYPES.AssignmentExpression && isInside(save, use.parent.right)) continue;
        return undefined;
      }
      if (use.range[0] < insertAfter.range[1] && !leavesUnchanged(use, aliases, input)) return undefined;
    }
  }
  if (writesBackCopiedField(sourceCode, aliases, load.range[1], insertAfter.range[1], save.range[1])) return undefined;
  // The inserted line reads the object at that point: it must be there, as the type says.
  const next = variable.references.find((reference) => reference.identifier.range[0] >= insertAfter.range[1]);
  if (next?.identifier.type !== AST_NODE_TYPES.Identifier || !input.isNonNull(next.identifier)) return undefined;
  if (input.mayBeNull && !isTestedNonNull(variable, load, insertAfter) && !isDereferencedBefore(variable, load, insertAfter)) return undefined;

  const sameLineComments = sourceCode.getCommentsAfter(insertAfter).filter((comment) => comment.loc.start.line === insertAfter.loc.end.line);
  const at = sameLineComments.at(-1)?.range[1] ?? insertAfter.range[1];
  const indentation = indentationOf(sourceCode, insertAfter);
  const eol = sourceCode.text.includes('\r\n') ? '\r\n' : '\n';
  // A statement over several lines keeps its own indentation under the first line's.
  const lines = input.reloadStatements.flatMap((statement) => statement.split('\n'));
  return { edits: [{ range: [at, at], text: lines.map((line) => `${eol}${indentation}${line}`).join('') }], window };
}

/**
 * The load puts the entity in the variable and nowhere else: `const order = await repo.findOne(…)`,
 * `order = await …`, `for (const item of await repo.find(…))`, or a list only iterated by a loop
 * that declares the variable (`const items = await repo.find(…); for (const item of items)`).
 */
function bindsOnlyTheVariable(sourceCode: Readonly<TSESLint.SourceCode>, load: TSESTree.CallExpression | TSESTree.Identifier, variable: Variable): boolean {
  if (load.type === AST_NODE_TYPES.Identifier) return variable.identifiers.includes(load) && isFunctionNode(load.parent) && load.parent.params.includes(load);
  let value: TSESTree.Node = load.parent.type === AST_NODE_TYPES.AwaitExpression ? load.parent : load;
  // `const e = id ? await load(id) : null`: the object, when there is one, is the load's.
  if (value.parent.type === AST_NODE_TYPES.ConditionalExpression && value.parent.test !== value && isNullish(value.parent.consequent === value ? value.parent.alternate : value.parent.consequent)) value = value.parent;
  const holder = value.parent;
  const declares = (node: TSESTree.Node): boolean => variable.identifiers.some((identifier) => identifier === node);
  if (holder.type === AST_NODE_TYPES.VariableDeclarator && holder.init === value && holder.id.type === AST_NODE_TYPES.Identifier) {
    if (declares(holder.id)) return true;
    const list = ASTUtils.findVariable(sourceCode.getScope(holder.id), holder.id);
    return list != null && list.references.every((reference) => reference.init === true || isLoopOf(reference.identifier, variable, declares));
  }
  if (holder.type === AST_NODE_TYPES.AssignmentExpression && holder.operator === '=' && holder.right === value && holder.left.type === AST_NODE_TYPES.Identifier) {
    const left = holder.left;
    return variable.references.some((reference) => reference.identifier === left);
  }
  return isLoopOf(value, variable, declares);
}

/** `for (const item of <node>)`, `item` being the variable. */
function isLoopOf(node: TSESTree.Node, variable: Variable, declares: (node: TSESTree.Node) => boolean): boolean {
  const loop = node.parent;
  if (loop?.type !== AST_NODE_TYPES.ForOfStatement || loop.right !== node || loop.await) return false;
  const left = loop.left;
  const [declarator, ...more] = left.type === AST_NODE_TYPES.VariableDeclaration ? left.declarations : [];
  return declarator != null && more.length === 0 && declares(declarator.id);
}

/** The awaits and `for await` loops of `fn` itself (not of functions inside it) that open a window. */
function windowAwaitsIn(
  sourceCode: Readonly<TSESLint.SourceCode>,
  fn: TSESTree.Node,
  opensWindow: (node: TSESTree.AwaitExpression | TSESTree.ForOfStatement) => boolean,
): (TSESTree.AwaitExpression | TSESTree.ForOfStatement)[] {
  const found: (TSESTree.AwaitExpression | TSESTree.ForOfStatement)[] = [];
  const visit = (node: TSESTree.Node): void => {
    if (node !== fn && isFunctionNode(node)) return;
    if ((node.type === AST_NODE_TYPES.AwaitExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await)) && opensWindow(node)) found.push(node);
    for (const key of sourceCode.visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      for (const item of Array.isArray(child) ? child : [child]) {
        if (item != null && typeof item === 'object' && 'type' in item) visit(item as TSESTree.Node);
      }
    }
  };
  visit(fn);
  return found;
}

const LOOPS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement,
  AST_NODE_TYPES.DoWhileStatement,
]);

/** The loops around `node` up to `statement`, itself included. */
function loopsAround(node: TSESTree.Node, statement: TSESTree.Node): TSESTree.Node[] {
  const loops: TSESTree.Node[] = [];
  for (let current: TSESTree.Node | undefined = node.parent; current != null; current = current.parent) {
    if (LOOPS.has(current.type)) loops.push(current);
    if (current === statement) break;
  }
  return loops;
}

/**
 * The statement holding `node` that sits directly in a block that also holds `save`: the code
 * after it runs once `node` has, on every path to the save. (Not a `switch` case or the top level.)
 */
function statementInBlockOf(node: TSESTree.Node, save: TSESTree.Node): (TSESTree.Statement & { parent: TSESTree.BlockStatement }) | undefined {
  for (let current: TSESTree.Node = node; current.parent != null; current = current.parent) {
    const parent = current.parent;
    if (parent.type === AST_NODE_TYPES.BlockStatement && isInside(save, parent)) return current as TSESTree.Statement & { parent: TSESTree.BlockStatement };
    if (isFunctionNode(parent)) return undefined;
  }
  return undefined;
}

/** A `catch` or `finally` around the re-load that reads the object would see it re-loaded, or not. */
function catchSeesObject(statement: TSESTree.Node, fn: TSESTree.Node, aliases: readonly Variable[]): boolean {
  for (let current: TSESTree.Node = statement; current.parent != null && current !== fn; current = current.parent) {
    const parent = current.parent;
    if (parent.type !== AST_NODE_TYPES.TryStatement || parent.block !== current) continue;
    const handlers = [parent.handler, parent.finalizer].filter((handler) => handler != null);
    if (aliases.some((alias) => alias.references.some((reference) => handlers.some((handler) => isInside(reference.identifier, handler))))) return true;
  }
  return false;
}

/**
 * A use before the re-load that cannot have changed the object, nor kept a part of it that the
 * code could change later (the re-load replaces its properties, so a kept part would no longer
 * be the saved one): a primitive read (`order.id`, `order.items.length`), a null test, another
 * name for it, or a call shown to only read it.
 */
function leavesUnchanged(use: TSESTree.Identifier, aliases: readonly Variable[], input: ReloadAfterWindowInput): boolean {
  let node: TSESTree.Node = use;
  while (node.parent.type === AST_NODE_TYPES.TSNonNullExpression) node = node.parent;
  const parent = node.parent;
  if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node) {
    let outer: TSESTree.MemberExpression = parent;
    while (outer.parent.type === AST_NODE_TYPES.MemberExpression && outer.parent.object === outer) {
      if (isAssignmentTarget(outer)) return false;
      outer = outer.parent;
    }
    if (isAssignmentTarget(outer) || (outer.parent.type === AST_NODE_TYPES.UnaryExpression && outer.parent.operator === 'delete')) return false;
    if (outer.parent.type === AST_NODE_TYPES.CallExpression && outer.parent.callee === outer) return outer === parent && node === use && input.onlyReads(use);
    return input.isPrimitive(outer) || isTest(outer);
  }
  if (isTest(node)) return true;
  if (parent.type === AST_NODE_TYPES.SpreadElement && parent.parent.type === AST_NODE_TYPES.ObjectExpression) return isLoggedLiteral(parent.parent, input);
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    const name = parent.id.name;
    return aliases.some((alias) => alias.name === name && alias.identifiers.includes(parent.id as TSESTree.Identifier));
  }
  return node === use && (parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression) && input.onlyReads(use);
}

/** `log.info('…', { order: { ...order, secret: undefined } })`: a literal (nested in literals) handed straight to a logger. */
function isLoggedLiteral(literal: TSESTree.ObjectExpression, input: ReloadAfterWindowInput): boolean {
  let node: TSESTree.ObjectExpression = literal;
  while (node.parent.type === AST_NODE_TYPES.Property && node.parent.value === node && node.parent.parent.type === AST_NODE_TYPES.ObjectExpression) node = node.parent.parent;
  const call = node.parent;
  return call.type === AST_NODE_TYPES.CallExpression && call.arguments.includes(node) && input.isLogging(call);
}

/**
 * `const priority = order.priority` before the re-load, `order.priority = priority + 1` after it:
 * the field would be written back from the value read before the wait, which no re-load refreshes.
 */
function writesBackCopiedField(sourceCode: Readonly<TSESLint.SourceCode>, aliases: readonly Variable[], from: number, reloadAt: number, to: number): boolean {
  const names = new Set(aliases.map((alias) => alias.name));
  const copied = new Map<Variable, Set<string>>();
  for (const alias of aliases) {
    for (const { identifier: use } of alias.references) {
      const member = use.parent;
      if (use.range[0] < from || use.range[0] >= reloadAt || member.type !== AST_NODE_TYPES.MemberExpression || member.object !== use || member.computed || member.property.type !== AST_NODE_TYPES.Identifier) continue;
      const declarator = declaratorAround(member);
      const local = declarator == null ? undefined : ASTUtils.findVariable(sourceCode.getScope(declarator.id), declarator.id);
      if (local != null) copied.set(local, new Set([...(copied.get(local) ?? []), member.property.name]));
    }
  }
  for (const [local, fields] of copied) {
    for (const { identifier: use } of local.references) {
      if (use.range[0] < reloadAt || use.range[0] >= to) continue;
      for (let node: TSESTree.Node | undefined = use.parent; node != null && !isFunctionNode(node); node = node.parent) {
        if (node.type !== AST_NODE_TYPES.AssignmentExpression || !isInside(use, node.right)) continue;
        const target = node.left;
        if (target.type === AST_NODE_TYPES.MemberExpression && !target.computed && target.object.type === AST_NODE_TYPES.Identifier && names.has(target.object.name) && target.property.type === AST_NODE_TYPES.Identifier && fields.has(target.property.name)) return true;
      }
    }
  }
  return false;
}

/** `const x = … order.priority …`: the declaration of a single name whose value is computed from `node`. */
function declaratorAround(node: TSESTree.Node): (TSESTree.VariableDeclarator & { id: TSESTree.Identifier }) | undefined {
  for (let current = node; current.parent != null; current = current.parent) {
    const parent = current.parent;
    if (parent.type === AST_NODE_TYPES.VariableDeclarator) return parent.init === current && parent.id.type === AST_NODE_TYPES.Identifier ? (parent as TSESTree.VariableDeclarator & { id: TSESTree.Identifier }) : undefined;
    if (isFunctionNode(parent) || parent.type.endsWith('Statement')) return undefined;
  }
  return undefined;
}

/**
 * Before `statement` the code has left when the variable held `null` (`if (!x) return;`, `if (x ==
 * null) throw …;` in a block around it), or `statement` runs only where it tested truthy
 * (`if (x?.id) { … }`, `if (x && …) { … }`).
 */
function isTestedNonNull(variable: Variable, load: TSESTree.Node, statement: TSESTree.Node): boolean {
  return variable.references.some(({ identifier: use }) => {
    if (use.range[0] < load.range[1] || use.range[0] >= statement.range[0]) return false;
    let test: TSESTree.Node = use;
    while (test.parent.type === AST_NODE_TYPES.ChainExpression || (test.parent.type === AST_NODE_TYPES.MemberExpression && test.parent.object === test)) test = test.parent;
    let truthy = true;
    for (;;) {
      const parent: TSESTree.Node = test.parent;
      if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === '!') truthy = !truthy;
      else if (parent.type === AST_NODE_TYPES.BinaryExpression && ['==', '===', '!=', '!=='].includes(parent.operator) && (isNullish(parent.left) || isNullish(parent.right))) truthy = parent.operator.startsWith('!') === truthy;
      else if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.operator === (truthy ? '&&' : '||')) {
        /* `x && …` is truthy only with x; `!x || …` falsy only with x */
      } else break;
      test = parent;
    }
    const branch: TSESTree.Node = test.parent;
    if (branch.type !== AST_NODE_TYPES.IfStatement || branch.test !== test) return false;
    if (truthy) return isInside(statement, branch.consequent);
    return exits(branch.consequent) && branch.parent.type === AST_NODE_TYPES.BlockStatement && isInside(statement, branch.parent);
  });
}

/**
 * Before the re-load the code read a property of the variable on every path to it (`if
 * (!x.manual && …)`, `const id = x.id;`): had it held `null`, that read would have thrown, and
 * control could not have gone on to the re-load. The read must be evaluated whenever its
 * statement is (not behind `&&`, `?:`, `?.` or in a callback), and that statement must come
 * before the re-load in a block around it — or be the statement the re-load follows, read in a
 * part of it that runs first (an `if`'s test).
 */
function isDereferencedBefore(variable: Variable, load: TSESTree.Node, statement: TSESTree.Node): boolean {
  return variable.references.some(({ identifier: use }) => {
    if (use.range[0] < load.range[1] || use.range[0] >= statement.range[1]) return false;
    let node: TSESTree.Node = use;
    while (node.parent.type === AST_NODE_TYPES.TSNonNullExpression) node = node.parent;
    const member = node.parent;
    if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== node || member.optional) return false;
    for (let child: TSESTree.Node = member; child.parent != null; child = child.parent) {
      const parent: TSESTree.Node = child.parent;
      if (parent.type === AST_NODE_TYPES.BlockStatement) {
        return child === statement || (child.range[1] <= statement.range[0] && isInside(statement, parent));
      }
      if (!alwaysEvaluates(parent, child)) return false;
    }
    return false;
  });
}

/** Whether evaluating `parent` always evaluates `child` (one of its parts). */
function alwaysEvaluates(parent: TSESTree.Node, child: TSESTree.Node): boolean {
  switch (parent.type) {
    case AST_NODE_TYPES.LogicalExpression:
      return parent.left === child;
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
      return parent.test === child;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.operator === '=' || parent.left === child;
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.ForInStatement:
      return parent.right === child;
    case AST_NODE_TYPES.SwitchStatement:
      return parent.discriminant === child;
    case AST_NODE_TYPES.MemberExpression:
      return !parent.optional;
    case AST_NODE_TYPES.CallExpression:
      return !parent.optional;
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.VariableDeclaration:
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
    case AST_NODE_TYPES.AwaitExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.SpreadElement:
    case AST_NODE_TYPES.NewExpression:
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSTypeAssertion:
      return true;
    default:
      return false;
  }
}

/** `return …;`, `throw …;`, or a block that ends with one. */
function exits(node: TSESTree.Statement): boolean {
  if (node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement) return true;
  const last = node.type === AST_NODE_TYPES.BlockStatement ? node.body.at(-1) : undefined;
  return last != null && exits(last);
}

/** `x == null`, `!x`, `if (x)`, `x ? … : …`, `x && …` in a test: the value decides, and goes nowhere. */
function isTest(node: TSESTree.Node): boolean {
  const parent = node.parent;
  if (parent == null) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.BinaryExpression:
      return ['==', '===', '!=', '!=='].includes(parent.operator);
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator === '!' || parent.operator === 'typeof';
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return parent.test === node;
    case AST_NODE_TYPES.LogicalExpression:
      return parent.left === node && isTest(parent);
    default:
      return false;
  }
}
