/**
 * Whether `version` is in `range`, for the ranges this package writes in its own package.json
 * (`>=5.9.0 <6.1.0`, `^9.22.0 || ^10.0.0`): `||` between sets of space-separated comparators
 * `>=`, `>`, `<=`, `<`, `=`, `^`, `~` or a bare version. A prerelease counts as its release's
 * numbers, so `6.1.0-dev` is not `<6.1.0`. Not a general semver implementation, and not meant for
 * ranges written by others.
 */
export function satisfiesRange(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  if (parsed == null) return false;
  return range.split('||').some((set) => {
    const comparators = set.trim().split(/\s+/).filter((comparator) => comparator !== '');
    return comparators.length > 0 && comparators.every((comparator) => satisfiesComparator(parsed, comparator));
  });
}

type Version = readonly [number, number, number];

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim());
  if (match == null) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function satisfiesComparator(version: Version, comparator: string): boolean {
  const match = /^(>=|<=|>|<|=|\^|~)?(.+)$/.exec(comparator);
  const bound = match?.[2] == null ? undefined : parseVersion(match[2]);
  if (bound == null) return false;
  const order = compare(version, bound);
  switch (match?.[1]) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '^':
      return order >= 0 && (bound[0] > 0 ? version[0] === bound[0] : version[0] === 0 && version[1] === bound[1]);
    case '~':
      return order >= 0 && version[0] === bound[0] && version[1] === bound[1];
    default:
      return order === 0;
  }
}
