import ts from 'typescript';

import { resolvedDeclaration } from '../typeorm/typeorm-calls.js';

/**
 * A lock that expires on its own: its acquiring method takes how long the lock lives (Knub's
 * `acquire(keys, lockTimeout?)`, redlock's `acquire(resources, duration)`). A path that skips the
 * release then holds it until it expires — a bounded stall of every other holder of that key, and
 * a lapse of mutual exclusion if the work outlives it — rather than forever.
 */
export interface LockExpiry {
  /** The parameter that says how long it lives. */
  parameter: string;
  /** The argument passed for it, as written; absent when the default applies. */
  value?: string;
}

/**
 * Parameter names that say how long a lock is held, not how long to wait for it (a bare `timeout`
 * is either, so it does not count).
 */
const LIFETIME_PARAMETER = /^(?:lock(?:Timeout|Ttl|Duration|Expiry)|ttl(?:Ms|Seconds)?|duration(?:Ms)?|expiresIn|expireAfter|expiry|expiration|lease(?:Time|Ms)?|holdTimeout)$/i;

export function lockExpiryOf(checker: ts.TypeChecker, call: ts.CallExpression): LockExpiry | undefined {
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || !ts.isFunctionLike(declaration)) return undefined;
  const parameters = declaration.parameters.filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));
  const index = parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && LIFETIME_PARAMETER.test(parameter.name.text));
  const parameter = parameters[index];
  if (parameter == null || !ts.isIdentifier(parameter.name)) return undefined;
  const argument = call.arguments[index];
  return { parameter: parameter.name.text, ...(argument == null ? {} : { value: argument.getText() }) };
}
