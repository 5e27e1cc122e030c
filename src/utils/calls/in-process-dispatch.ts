import ts from 'typescript';

import { isTestFile } from './module-origin.js';

/**
 * Calls that dispatch to handlers the program itself defines, so what they wait for is what those
 * handlers do: `@nestjs/cqrs` `commandBus.execute(new XCommand())` / `queryBus.execute(new XQuery())`
 * run the `execute` of the class decorated `@CommandHandler(XCommand)` / `@QueryHandler(XQuery)`;
 * EventEmitter2's `emitAsync('order.paid', …)` awaits every `@OnEvent` method whose event matches.
 */

/** The handler bodies a dispatching call runs; `undefined` when the call is no such dispatch. */
export function dispatchedHandlers(program: ts.Program, call: ts.CallExpression, packageName: string, method: string): ts.FunctionLikeDeclaration[] | undefined {
  if (packageName === '@nestjs/cqrs' && method === 'execute') return messageHandlers(program, call.arguments[0]);
  if (packageName === 'eventemitter2' && method === 'emitAsync') {
    const event = call.arguments[0];
    const pattern = event == null ? undefined : eventPatternOf(event);
    return pattern == null ? undefined : eventHandlers(program, pattern);
  }
  return undefined;
}

interface DispatchIndex {
  /** `@CommandHandler(X)` / `@QueryHandler(X)` classes, by the symbol of X. */
  byMessage: Map<ts.Symbol, ts.ClassDeclaration[]>;
  /** `@OnEvent('a.b')` methods with their event patterns, split into segments. */
  listeners: { segments: string[]; method: ts.MethodDeclaration }[];
}

const indexes = new WeakMap<ts.Program, DispatchIndex>();


function dispatchIndexOf(program: ts.Program): DispatchIndex {
  const cached = indexes.get(program);
  if (cached != null) return cached;
  const checker = program.getTypeChecker();
  const index: DispatchIndex = { byMessage: new Map(), listeners: [] };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/') || isTestFile(file.fileName)) continue;
    for (const statement of file.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      for (const decorator of ts.getDecorators(statement) ?? []) {
        const call = decorator.expression;
        if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) continue;
        if (call.expression.text !== 'CommandHandler' && call.expression.text !== 'QueryHandler') continue;
        const message = call.arguments[0];
        let symbol = message == null ? undefined : checker.getSymbolAtLocation(message);
        if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        if (symbol == null) continue;
        const list = index.byMessage.get(symbol) ?? [];
        list.push(statement);
        index.byMessage.set(symbol, list);
      }
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || member.body == null) continue;
        for (const decorator of ts.getDecorators(member) ?? []) {
          const call = decorator.expression;
          if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'OnEvent') continue;
          const events = call.arguments[0];
          const names = events == null ? [] : ts.isArrayLiteralExpression(events) ? events.elements : [events];
          for (const name of names) {
            if (ts.isStringLiteralLike(name)) index.listeners.push({ segments: segmentsOf(name.text), method: member });
          }
        }
      }
    }
  }
  indexes.set(program, index);
  return index;
}

/** `execute(new XCommand(…))`: the `execute` of each `@CommandHandler(XCommand)` class. */
function messageHandlers(program: ts.Program, argument: ts.Expression | undefined): ts.FunctionLikeDeclaration[] | undefined {
  if (argument == null) return undefined;
  const checker = program.getTypeChecker();
  const target = ts.isNewExpression(argument) ? argument.expression : undefined;
  let symbol = target == null ? checker.getTypeAtLocation(argument).getSymbol() : checker.getSymbolAtLocation(target);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const classes = symbol == null ? undefined : dispatchIndexOf(program).byMessage.get(symbol);
  if (classes == null) return undefined;
  return classes.flatMap((declaration) =>
    declaration.members.filter((member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && member.body != null && ts.isIdentifier(member.name) && member.name.text === 'execute'),
  );
}

/** The `@OnEvent` methods whose pattern can match an event of this (possibly templated) name. */
function eventHandlers(program: ts.Program, pattern: string[]): ts.FunctionLikeDeclaration[] | undefined {
  const matching = dispatchIndexOf(program).listeners.filter((listener) => segmentsMayMatch(pattern, listener.segments));
  return matching.length === 0 ? undefined : matching.map((listener) => listener.method);
}

/** A hole in an event name built at run time (`hook:${entity}:${action}`). */
const HOLE = '\0';

/** The event name as segments; a segment built at run time is a hole. */
function eventPatternOf(expression: ts.Expression): string[] | undefined {
  if (ts.isStringLiteralLike(expression)) return segmentsOf(expression.text);
  if (ts.isTemplateExpression(expression)) {
    const text = [expression.head.text, ...expression.templateSpans.map((span) => `${HOLE}${span.literal.text}`)].join('');
    return segmentsOf(text).map((segment) => (segment.includes(HOLE) ? HOLE : segment));
  }
  return undefined;
}

/** EventEmitter2 delimits namespaces with `.` (NestJS apps often configure `:`). */
function segmentsOf(name: string): string[] {
  return name.split(/[.:]/);
}

/** Whether some event name fits both: `*` matches one segment, `**` any number, a hole anything. */
function segmentsMayMatch(emitted: readonly string[], listened: readonly string[]): boolean {
  const [first, ...rest] = listened;
  if (first == null) return emitted.length === 0;
  if (first === '**') return emitted.some((_, index) => segmentsMayMatch(emitted.slice(index), rest)) || segmentsMayMatch([], rest);
  const [head, ...tail] = emitted;
  if (head == null) return false;
  // A hole may hold a delimiter, so it may also stand for several segments.
  if (head === HOLE) return segmentsMayMatch(tail, rest) || segmentsMayMatch(emitted, rest);
  return (first === '*' || first === head) && segmentsMayMatch(tail, rest);
}
