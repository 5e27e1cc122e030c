/**
 * Dataflow facts are small objects (`{ kind: 'stale', load, window }`) compared by value. A
 * `FactTable` hands out one canonical object per value, so sets of facts can use identity: two
 * facts built from the same parts are the same object, and a `Set` holds each value once.
 *
 * The parts of a fact are the values that tell it apart (a kind, the load and the await it
 * names): primitives or objects compared by identity. Lookups walk nested maps keyed by those
 * parts, so no string encoding of a fact exists anywhere.
 */
export class FactTable<Parts extends readonly unknown[], Fact> {
  private readonly root = new Map<unknown, unknown>();

  constructor(private readonly build: (...parts: Parts) => Fact) {}

  /** The one fact with these parts. */
  of(...parts: Parts): Fact {
    let level = this.root;
    for (let index = 0; index < parts.length - 1; index++) {
      const part = parts[index];
      let next = level.get(part) as Map<unknown, unknown> | undefined;
      if (next == null) {
        next = new Map();
        level.set(part, next);
      }
      level = next;
    }
    const last = parts.at(-1);
    let fact = level.get(last) as Fact | undefined;
    if (fact == null) {
      fact = this.build(...parts);
      level.set(last, fact);
    }
    return fact;
  }
}
