import path from 'node:path';

import ts from 'typescript';

/** What loggers call their methods, and what projects call their log functions. */
const LOG_NAMES: ReadonlySet<string> = new Set(['log', 'debug', 'info', 'warn', 'warning', 'error', 'verbose', 'trace', 'fatal']);

/** A module that holds the project's logger: `helpers/log.ts`, `logger.ts`, `logging/index.ts`. */
const LOG_MODULE = /^(log|logs|logger|logging)$/i;

/**
 * A logging call: `console.warn(…)`, `this.logger.error(…)`, NestJS's `Logger.log(…)`, or a log
 * function of the project's own log module (`error(e)` imported from `helpers/log`). Logging writes
 * to a stream and changes nothing else the code can see; loggers are written not to throw.
 */
export function isLoggingCall(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  if (isLoggerMethodCall(call)) return true;
  const callee = skipParentheses(call.expression);
  if (!ts.isIdentifier(callee)) return false;
  let symbol = checker.getSymbolAtLocation(callee);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  // `import { error as logError } from './log'`: the name it was exported under.
  const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (symbol == null || declaration == null || !(LOG_NAMES.has(callee.text) || LOG_NAMES.has(symbol.name))) return false;
  // `error(message): never` throws by design.
  if ((checker.getTypeAtLocation(call).flags & ts.TypeFlags.Never) !== 0) return false;
  const file = declaration.getSourceFile().fileName;
  const stem = path.basename(file).replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
  return LOG_MODULE.test(stem) || (stem === 'index' && LOG_MODULE.test(path.basename(path.dirname(file))));
}

/** `this.logger.warn(…)`, `console.log(…)`, `(this.log as Logger).error(…)`: a method of a logger, by its receiver's name alone. */
export function isLoggerMethodCall(call: ts.CallExpression): boolean {
  const callee = skipParentheses(call.expression);
  return ts.isPropertyAccessExpression(callee) && LOG_NAMES.has(callee.name.text) && isLoggerLike(skipParentheses(callee.expression));
}

/** `console`, `logger`, `this.logger`, `this.log`, `Logger`: what a logging call is made on. */
function isLoggerLike(receiver: ts.Expression): boolean {
  const name = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
  return name != null && (name === 'console' || /^(log|logger|.*Logger)$/i.test(name));
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let node = expression;
  while (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  return node;
}
