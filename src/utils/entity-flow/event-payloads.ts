import { AST_NODE_TYPES, type ParserServicesWithTypeInformation, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import type { FunctionNode } from '../ast/functions.js';
import { skipOuterExpressions } from '../calls/await-classification.js';
import { eventSubscriptionOf, type EventSubscription } from '../calls/event-subscriptions.js';
import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { entityMetadataOfType, mayBeEntityType } from '../typeorm/entity-metadata.js';

/**
 * Entities an event handler receives. A publisher read the entity before it published the event,
 * and the handler runs later, often after the publisher's own request has moved on: what arrives
 * is a load, made where the handler receives it. `eventBus.ofType(PaymentMethodEvent)
 * .subscribe(({ ctx, entity }) => …)` receives `entity`; `subscribe((event) => …)` receives
 * `event`, whose `event.entity` is the row.
 */
export interface PayloadBinding {
  /** The name the handler binds the payload (or a destructured property of it) to. */
  identifier: TSESTree.Identifier;
  /** The event as a message names it: `the PaymentMethodEvent`, `the 'order.paid' event`, `an event`. */
  event: string;
  /** Handed over by a request's parameter decorator, not published with an event. */
  request?: true;
}

/** Publishing calls whose values reach the subscribers of their receiver. */
const PUBLISHING_METHODS: Readonly<Record<string, number>> = { next: 0, publish: 0, emit: 1, emitAsync: 1 };
/** rxjs creation functions whose arguments are the values the Observable emits. */
const CREATION_FUNCTIONS: ReadonlySet<string> = new Set(['of', 'from']);

/**
 * The names `fn`'s payload parameters bind that may hold a stored entity or carry one, each only
 * if `worthTyping` (a cheap syntactic test) lets it be typed. Not a load: the parameters of any
 * other function (a caller hands those over, and the caller's own flow sees its load), and an
 * entity the subscribing function itself created in memory and published (`subject.next(
 * repo.create(…))`).
 */
export function eventPayloadsOf(
  services: ParserServicesWithTypeInformation,
  fn: FunctionNode,
  worthTyping: (identifier: TSESTree.Identifier) => boolean,
): PayloadBinding[] {
  const tsFunction = services.esTreeNodeToTSNodeMap.get(fn) as ts.Node;
  if (!ts.isFunctionLike(tsFunction)) return [];
  const checker = services.program.getTypeChecker();
  const subscription = eventSubscriptionOf(checker, tsFunction);
  if (subscription == null) return [];
  const bindings: PayloadBinding[] = [];
  for (const parameter of subscription.payloadParameters) {
    const node = fn.params[tsFunction.parameters.indexOf(parameter)];
    if (node == null) continue;
    const bound = boundIdentifiers(node).filter(worthTyping);
    if (bound.length === 0) continue;
    const parameterType = checker.getTypeAtLocation(parameter);
    for (const identifier of bound) {
      const type = checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(identifier));
      if (!mayBeEntityType(checker, type) && !carriesEntity(checker, type)) continue;
      if (createdInMemory(checker, subscription, type)) continue;
      bindings.push({ identifier, event: eventLabel(checker, subscription, parameterType) });
    }
  }
  return bindings;
}

/** Whether `owner.property` holds an entity the payload carries (`event.entity`). */
export function isCarriedEntity(checker: ts.TypeChecker, ownerType: ts.Type, property: string): boolean {
  const symbol = checker.getNonNullableType(ownerType).getProperty(property);
  return symbol != null && mayBeEntityType(checker, checker.getTypeOfSymbol(symbol));
}

/** `event`, `event = fallback`, `{ ctx, entity }`, `{ entity: paymentMethod }`. */
function boundIdentifiers(parameter: TSESTree.Parameter): TSESTree.Identifier[] {
  const target = parameter.type === AST_NODE_TYPES.AssignmentPattern ? parameter.left : parameter;
  if (target.type === AST_NODE_TYPES.Identifier) return [target];
  if (target.type !== AST_NODE_TYPES.ObjectPattern) return [];
  return target.properties.flatMap((property) => {
    if (property.type !== AST_NODE_TYPES.Property) return [];
    const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
    return value.type === AST_NODE_TYPES.Identifier ? [value] : [];
  });
}

/** An event object (a holder, not a row itself) with a property that may hold a row. */
function carriesEntity(checker: ts.TypeChecker, type: ts.Type): boolean {
  return checker.getPropertiesOfType(checker.getNonNullableType(type)).some((symbol) => mayBeEntityType(checker, checker.getTypeOfSymbol(symbol)));
}

/** `the 'order.paid' event` when the subscription names it, else the event's type, else `an event`. */
function eventLabel(checker: ts.TypeChecker, subscription: EventSubscription, parameterType: ts.Type): string {
  if (subscription.eventName != null) return `the '${subscription.eventName}' event`;
  const type = checker.getNonNullableType(parameterType);
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
  // A row delivered bare (`Observable<Order>`) is no event of its own name.
  if (name == null || name.startsWith('__') || checker.isArrayType(type) || entityMetadataOfType(checker, type) != null) return 'an event';
  return `the ${name}`;
}

/**
 * Whether the function that subscribes the handler also publishes into the same source, and every
 * value of the entity's class it publishes there was created in memory (`new Order()`,
 * `repo.create(…)`): those are no rows read before. Publishers elsewhere are not chased.
 */
function createdInMemory(checker: ts.TypeChecker, subscription: EventSubscription, type: ts.Type): boolean {
  const source = subscription.source;
  const entityClass = classOf(checker, type);
  if (source == null || entityClass == null) return false;
  const published = publishedValues(checker, source);
  const values = published.flatMap((value) => valuesOfClass(checker, value, entityClass, 0));
  return values.length > 0 && values.every((value) => isCreation(value));
}

/** The values the subscribing function publishes into `source`: `of(a)`, `source.next(a)`, `source.emit('x', a)`. */
function publishedValues(checker: ts.TypeChecker, source: ts.Expression): ts.Expression[] {
  if (ts.isCallExpression(source)) return isRxjsCreation(checker, source) ? [...source.arguments] : [];
  let scope: ts.Node = source;
  while (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  const sourceText = source.getText();
  const values: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const first = PUBLISHING_METHODS[node.expression.name.text];
      if (first != null && node.expression.expression.getText() === sourceText) values.push(...node.arguments.slice(first));
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(scope, visit);
  return values;
}

function isRxjsCreation(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  if (!ts.isIdentifier(call.expression) || !CREATION_FUNCTIONS.has(call.expression.text)) return false;
  let symbol = checker.getSymbolAtLocation(call.expression);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  if (declaration == null) return false;
  const origin = moduleOriginOfDeclaration(declaration);
  return origin.kind === 'package' && origin.name === 'rxjs';
}

const MAX_HOPS = 4;

/**
 * The expressions in a published value that give a value of `entityClass`: the value itself, the
 * arguments of an event built around it (`new OrderEvent(order)`), literals' members, and one
 * `const` hop back from a name to what initialised it.
 */
function valuesOfClass(checker: ts.TypeChecker, expression: ts.Expression, entityClass: ts.ClassLikeDeclaration, hops: number): ts.Expression[] {
  if (hops > MAX_HOPS) return [];
  const node = skipOuterExpressions(expression);
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((element) => valuesOfClass(checker, ts.isSpreadElement(element) ? element.expression : element, entityClass, hops + 1));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.flatMap((property) =>
      ts.isPropertyAssignment(property) ? valuesOfClass(checker, property.initializer, entityClass, hops + 1)
        : ts.isShorthandPropertyAssignment(property) ? valuesOfClass(checker, property.name, entityClass, hops + 1)
          : ts.isSpreadAssignment(property) ? valuesOfClass(checker, property.expression, entityClass, hops + 1)
            : [],
    );
  }
  if (classOf(checker, checker.getTypeAtLocation(node)) !== entityClass) {
    return ts.isNewExpression(node) ? (node.arguments ?? []).flatMap((argument) => valuesOfClass(checker, argument, entityClass, hops + 1)) : [];
  }
  if (ts.isIdentifier(node)) {
    const declaration = checker.getSymbolAtLocation(node)?.valueDeclaration;
    if (declaration != null && ts.isVariableDeclaration(declaration) && declaration.initializer != null && ts.isIdentifier(declaration.name)) {
      return valuesOfClass(checker, declaration.initializer, entityClass, hops + 1);
    }
  }
  return [node];
}

/** `new Order(…)`, `repo.create(…)`, `Order.create(…)`: an object built in memory, not a row read. */
function isCreation(expression: ts.Expression): boolean {
  if (ts.isNewExpression(expression)) return true;
  return ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression) && expression.expression.name.text === 'create';
}

function classOf(checker: ts.TypeChecker, type: ts.Type): ts.ClassLikeDeclaration | undefined {
  let candidate = checker.getNonNullableType(type);
  if (checker.isArrayType(candidate)) candidate = checker.getTypeArguments(candidate as ts.TypeReference)[0] ?? candidate;
  return candidate.getSymbol()?.declarations?.find((declaration): declaration is ts.ClassLikeDeclaration => ts.isClassLike(declaration));
}
