// Types for the benchmark generator, so the tests can import it.
/** `corpus` (the default): TypeORM and await density of real backends; `dense`: every service method a TypeORM shape. */
export type GeneratorProfile = 'corpus' | 'dense';

export interface GeneratedProject {
  dir: string;
  profile: GeneratorProfile;
  /** Absolute paths of the generated `.ts` files. */
  files: string[];
  modules: number;
  /** Per rule (`no-stale-save`, `@typescript-eslint/no-floating-promises`, …): unsafe shapes planted. */
  planted: Record<string, number>;
  shapeCounts: Record<string, number>;
}

export function generateProject(options: { dir: string; files: number; seed: number; nodeModules: string; profile?: GeneratorProfile }): GeneratedProject;
