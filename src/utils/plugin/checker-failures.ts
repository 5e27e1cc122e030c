import type { TSESLint } from '@typescript-eslint/utils';

type AnyRuleModule = TSESLint.RuleModule<string, readonly unknown[]>;
type Listener = (...args: never[]) => void;
/** ESLint hands a listener at most three arguments (`onCodePathSegmentLoop`). */
type FixedListener = (a?: unknown, b?: unknown, c?: unknown) => void;

/**
 * TypeScript's checker can itself throw while answering a type query on some programs. Seen with
 * TypeScript 6.0.3: in a `NodeNext` project without `baseUrl`/`paths`, checking an import of a
 * name its module does not export builds the error message's module specifier from an undefined
 * base path and throws a `TypeError`. Asked by a rule, that ends the user's whole lint run with a
 * stack trace, for a fault that is neither theirs nor ours. A checker that threw midway may hold
 * half-resolved state, so the rule stops analysing that file (it reports nothing more for it) and
 * the run goes on. An error thrown by our own code is not TypeScript's, and still surfaces.
 */
export function toleratingCheckerFailures<Rule extends AnyRuleModule>(rule: Rule): Rule {
  return {
    ...rule,
    create(context) {
      const listeners = rule.create(context) as Record<string, Listener | undefined>;
      let checkerFailed = false;
      const guarded: Record<string, Listener> = {};
      for (const [selector, listener] of Object.entries(listeners)) {
        if (listener == null) continue;
        const call = listener as FixedListener;
        // Fixed parameters, not a rest array: this runs for every node a rule listens to.
        guarded[selector] = (a?: unknown, b?: unknown, c?: unknown) => {
          if (checkerFailed) return;
          try {
            call(a, b, c);
          } catch (error) {
            if (!isTypeScriptFailure(error)) throw error;
            checkerFailed = true;
          }
        };
      }
      return guarded;
    },
  };
}

/** Whether the innermost frame of the error's stack is in TypeScript's own library. */
function isTypeScriptFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.stack == null) return false;
  const innermost = error.stack.split('\n').find((line) => line.trimStart().startsWith('at '));
  return innermost != null && /[\\/]typescript[\\/]lib[\\/][^\\/]+\.js\b/.test(innermost);
}
