import type { LockResource, RuleDetails } from '../../utils/plugin/report-details.js';
import type { Risk, SafePattern } from '../report.js';
import { reportExcerpt, whereOf } from './shared.js';
import type { RulePresenter, SafePatternInput } from './types.js';

type Details = RuleDetails<'require-lock-release-in-finally'>;

/** Titles by message, given how the resource is named (`Lock`, `Query runner`). */
const TITLES: Readonly<Record<Details['messageId'], (resource: string) => string>> = {
  neverReleased: (resource) => `${resource} never released`,
  notReleasedOnEveryPath: (resource) => `${resource} not released on every path`,
  releaseOnlyInTry: (resource) => `${resource} released only in \`try\``,
  releaseOnlyInCatch: (resource) => `${resource} released only in \`catch\``,
  throwBeforeTry: () => 'Throw before the releasing `try`',
  releaseWithoutCheck: () => 'Release without checking the acquisition',
};
const HELD: Readonly<Record<Details['messageId'], boolean>> = {
  neverReleased: true,
  notReleasedOnEveryPath: true,
  releaseOnlyInTry: true,
  releaseOnlyInCatch: true,
  throwBeforeTry: true,
  releaseWithoutCheck: false,
};
/** How a title names what was acquired. */
const RESOURCE_NAMES: Readonly<Record<LockResource, string>> = { lock: 'Lock', 'advisory-lock': 'Advisory lock', 'query-runner': 'Query runner' };

/** Locks (and query runners) a path leaves held, or releases it did not check; and those released in `finally`. */
export const requireLockReleaseInFinallyPresenter: RulePresenter<'require-lock-release-in-finally'> = {
  section: 'error-handling',
  finding(input) {
    const { details, base } = input;
    const held = HELD[details.messageId];
    const risk: Risk = held ? 'high' : 'medium';
    const release = 'release' in details ? details.release : undefined;
    const throwing = 'throwing' in details ? details.throwing : undefined;
    const leakPath = 'path' in details ? details.path : undefined;
    return {
      risk,
      riskReason: held
        ? details.lock.resource === 'query-runner'
          ? 'a path that leaves the query runner unreleased keeps its pooled connection, and any transaction it opened, until the process ends'
          : 'a path that leaves the lock held blocks every later holder until it expires, if ever'
        : "a failed acquisition still releases, which can free another holder's lock",
      title: `${TITLES[details.messageId](RESOURCE_NAMES[details.lock.resource])} in ${whereOf(base)}`,
      excerpt: reportExcerpt(input, [release?.line, throwing?.line]),
      lock: details.lock,
      ...(release == null ? {} : { release }),
      ...(leakPath == null ? {} : { leakPath }),
      ...(throwing == null ? {} : { throwing }),
    };
  },
  safePattern: releasedInFinally,
};

function releasedInFinally({ observation, file, context }: SafePatternInput<'require-lock-release-in-finally'>): SafePattern {
  const { lock, release } = observation;
  const { sources } = context;
  const column = sources.firstColumn(file, lock.line);
  return {
    id: '',
    kind: 'lock-released-in-finally',
    function: context.index.functionAt(file, lock.line, column)?.functionName ?? context.relative(file),
    location: { file: context.relative(file), line: lock.line, column },
    excerpt: sources.excerpt(file, [
      [lock.line, lock.line],
      [observation.tryLine, observation.tryLine],
      [observation.finallyLine, release.line],
    ]),
    resource: lock.resource,
    acquire: { text: sources.lineText(file, lock.line), line: lock.line },
    release: { text: sources.lineText(file, release.line), line: release.line },
  };
}
