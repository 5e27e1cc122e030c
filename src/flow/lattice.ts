/**
 * The join-semilattices the flow rules use. Every state is immutable: a transfer function returns
 * a new state (or the same object when nothing changed), so the solver can keep states per code
 * path segment without copying.
 */
export interface Lattice<S> {
  /** The "may" merge of two paths: a fact holds after the merge if it holds on either path. */
  join(a: S, b: S): S;
  equals(a: S, b: S): boolean;
}

/** A set of facts (interned, see `FactTable`). */
export type FactSet<F> = ReadonlySet<F>;

/** For each tracked thing (a variable, an acquisition), the set of facts that may hold for it. */
export type FactMap<K, F> = ReadonlyMap<K, FactSet<F>>;

export function factSetLattice<F>(): Lattice<FactSet<F>> {
  return { join: unionOf, equals: sameSet };
}

export function factMapLattice<K, F>(): Lattice<FactMap<K, F>> {
  return { join: joinFactMaps, equals: sameFactMap };
}

function unionOf<F>(a: FactSet<F>, b: FactSet<F>): FactSet<F> {
  if (b.size === 0 || a === b) return a;
  if (a.size === 0) return b;
  const next = new Set(a);
  for (const fact of b) next.add(fact);
  return next.size === a.size ? a : next;
}

function sameSet<F>(a: FactSet<F>, b: FactSet<F>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const fact of a) if (!b.has(fact)) return false;
  return true;
}

function joinFactMaps<K, F>(a: FactMap<K, F>, b: FactMap<K, F>): FactMap<K, F> {
  const next = new Map<K, FactSet<F>>(a);
  for (const [key, facts] of b) {
    const existing = next.get(key);
    next.set(key, existing == null ? facts : unionOf(existing, facts));
  }
  return next;
}

function sameFactMap<K, F>(a: FactMap<K, F>, b: FactMap<K, F>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, facts] of a) {
    const other = b.get(key);
    if (other == null || !sameSet(facts, other)) return false;
  }
  return true;
}

/** `state` with `key` mapped to `facts`, or without `key` when there are none. */
export function withFacts<K, F>(state: FactMap<K, F>, key: K, facts: FactSet<F> | undefined): FactMap<K, F> {
  const next = new Map(state);
  if (facts == null || facts.size === 0) next.delete(key);
  else next.set(key, facts);
  return next;
}

/** `state` with every fact of `key` replaced by `map(fact)` (`undefined` drops it). */
export function mapFacts<K, F>(state: FactMap<K, F>, key: K, map: (fact: F) => F | undefined): FactMap<K, F> {
  const current = state.get(key);
  if (current == null) return state;
  const next = new Set<F>();
  for (const fact of current) {
    const mapped = map(fact);
    if (mapped !== undefined) next.add(mapped);
  }
  return withFacts(state, key, next);
}

/** `set` with `fact` added. */
export function withFact<F>(set: FactSet<F>, fact: F): FactSet<F> {
  if (set.has(fact)) return set;
  return new Set([...set, fact]);
}
