// Types for the density counter, so the tests can import it.
export interface Density {
  files: number;
  /** Non-blank lines. */
  lines: number;
  calls: number;
  callsPerKloc: number;
  /** Share (0–1) of the files with at least one TypeORM-ish call. */
  filesWithCalls: number;
  awaitsPerKloc: number;
  linesPerFile: number;
}

export function measureDensity(dirs: readonly string[]): Density;
