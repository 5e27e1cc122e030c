import ts from 'typescript';

import { moduleOriginOfDeclaration } from './module-origin.js';

/**
 * Functions the program subscribes to events, recognised by what the subscribing call or
 * decorator resolves to, never by its spelling alone:
 * - a callback handed to an RxJS Observable's `subscribe(next)` or `subscribe({ next })`
 *   (Vendure's `eventBus.ofType(X)` is an `Observable<X>`);
 * - a listener handed to `on`/`once`/`addListener`/`prependListener`/`prependOnceListener` of a
 *   `node:events` EventEmitter or an EventEmitter2;
 * - a method decorated `@OnEvent(…)` (`@nestjs/event-emitter`);
 * - the `handle(event)` method of a class decorated `@EventsHandler(…)` (`@nestjs/cqrs`).
 * The values a publisher passes arrive in the handler's parameters.
 */
export interface EventSubscription {
  kind: 'observable' | 'emitter-listener' | 'on-event' | 'cqrs-events-handler';
  /** The parameters the published values arrive in. */
  payloadParameters: readonly ts.ParameterDeclaration[];
  /** The event's name, when the subscription spells it as a literal (`@OnEvent('order.paid')`). */
  eventName?: string;
  /** The emitter or Observable the subscribing call is made on (`subject` in `subject.pipe(…).subscribe(cb)`). */
  source?: ts.Expression;
}

const SUBSCRIBE = 'subscribe';
const LISTENER_METHODS: ReadonlySet<string> = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const EMITTER_PACKAGES: ReadonlySet<string> = new Set(['node:events', 'eventemitter2']);

/** How `fn` is subscribed to events, or undefined when it is no event handler. */
export function eventSubscriptionOf(checker: ts.TypeChecker, fn: ts.SignatureDeclaration): EventSubscription | undefined {
  if (fn.parameters.length === 0) return undefined;
  if (ts.isMethodDeclaration(fn)) return decoratedHandlerOf(checker, fn) ?? observerMethodOf(checker, fn);
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  let argument: ts.Expression = fn;
  while (ts.isParenthesizedExpression(argument.parent)) argument = argument.parent;
  const parent = argument.parent;
  if (ts.isCallExpression(parent)) return callbackSubscriptionOf(checker, parent, argument, fn);
  // `subscribe({ next: (event) => … })`
  if (ts.isPropertyAssignment(parent) && propertyNameText(parent.name) === 'next') return observerSubscriptionOf(checker, parent.parent, fn);
  return undefined;
}

/** `source.subscribe(cb)`, `emitter.on('name', cb)`. */
function callbackSubscriptionOf(checker: ts.TypeChecker, call: ts.CallExpression, argument: ts.Expression, fn: ts.SignatureDeclaration): EventSubscription | undefined {
  const callee = skipParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (method === SUBSCRIBE && call.arguments[0] === argument) {
    if (!calleeDeclaredIn(checker, callee, (name) => name === 'rxjs')) return undefined;
    return { kind: 'observable', payloadParameters: fn.parameters.slice(0, 1), source: observableSource(callee.expression) };
  }
  if (LISTENER_METHODS.has(method) && call.arguments[1] === argument) {
    if (!calleeDeclaredIn(checker, callee, (name) => EMITTER_PACKAGES.has(name))) return undefined;
    const eventName = literalText(call.arguments[0]);
    return { kind: 'emitter-listener', payloadParameters: fn.parameters, source: callee.expression, ...(eventName == null ? {} : { eventName }) };
  }
  return undefined;
}

/** `source.subscribe({ next(event) { … } })`. */
function observerMethodOf(checker: ts.TypeChecker, method: ts.MethodDeclaration): EventSubscription | undefined {
  return propertyNameText(method.name) === 'next' && ts.isObjectLiteralExpression(method.parent) ? observerSubscriptionOf(checker, method.parent, method) : undefined;
}

function observerSubscriptionOf(checker: ts.TypeChecker, observer: ts.Node, fn: ts.SignatureDeclaration): EventSubscription | undefined {
  if (!ts.isObjectLiteralExpression(observer)) return undefined;
  const call = observer.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== observer) return undefined;
  const callee = skipParentheses(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== SUBSCRIBE) return undefined;
  if (!calleeDeclaredIn(checker, callee, (name) => name === 'rxjs')) return undefined;
  return { kind: 'observable', payloadParameters: fn.parameters.slice(0, 1), source: observableSource(callee.expression) };
}

/** `@OnEvent('order.paid') method(payload)`, or `handle(event)` in an `@EventsHandler(X)` class. */
function decoratedHandlerOf(checker: ts.TypeChecker, method: ts.MethodDeclaration): EventSubscription | undefined {
  if (method.body == null) return undefined;
  for (const decorator of ts.getDecorators(method) ?? []) {
    if (decoratorPackage(checker, decorator, 'OnEvent') !== '@nestjs/event-emitter') continue;
    const events = ts.isCallExpression(decorator.expression) ? decorator.expression.arguments[0] : undefined;
    const eventName = literalText(events);
    return { kind: 'on-event', payloadParameters: method.parameters, ...(eventName == null ? {} : { eventName }) };
  }
  if (propertyNameText(method.name) !== 'handle' || !ts.isClassDeclaration(method.parent)) return undefined;
  for (const decorator of ts.getDecorators(method.parent) ?? []) {
    if (decoratorPackage(checker, decorator, 'EventsHandler') === '@nestjs/cqrs') {
      return { kind: 'cqrs-events-handler', payloadParameters: method.parameters.slice(0, 1) };
    }
  }
  return undefined;
}

/** The package a decorator `@Name(…)` comes from. */
function decoratorPackage(checker: ts.TypeChecker, decorator: ts.Decorator, name: string): string | undefined {
  const call = decorator.expression;
  const callee = ts.isCallExpression(call) ? call.expression : call;
  // The name first: a decorator of another name needs no type query.
  if (!ts.isIdentifier(callee) || callee.text !== name) return undefined;
  let symbol = checker.getSymbolAtLocation(callee);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  if (declaration == null) return undefined;
  const origin = moduleOriginOfDeclaration(declaration);
  return origin.kind === 'package' ? origin.name : undefined;
}

/** Whether the method `receiver.name` is declared in a package `accepts` names (every overload is). */
function calleeDeclaredIn(checker: ts.TypeChecker, callee: ts.PropertyAccessExpression, accepts: (packageName: string) => boolean): boolean {
  const declarations = checker.getSymbolAtLocation(callee.name)?.declarations;
  if (declarations == null || declarations.length === 0) return false;
  return declarations.some((declaration) => {
    const origin = moduleOriginOfDeclaration(declaration);
    return origin.kind === 'package' && accepts(origin.name);
  });
}

/** `subject.pipe(filter(…)).subscribe` → `subject`; `bus.ofType(X).subscribe` → `bus`; `of(x).subscribe` → `of(x)`. */
function observableSource(expression: ts.Expression): ts.Expression {
  let current = skipParentheses(expression);
  for (;;) {
    if (!ts.isCallExpression(current)) return current;
    const callee = skipParentheses(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) return current;
    current = skipParentheses(callee.expression);
  }
}

function literalText(expression: ts.Expression | undefined): string | undefined {
  return expression != null && ts.isStringLiteralLike(expression) ? expression.text : undefined;
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
  return current;
}
