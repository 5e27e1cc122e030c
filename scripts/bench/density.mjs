// How much of a code base is TypeORM work: the counter behind the generator's `corpus` profile and
// the corpus figures in docs/performance.md. Deliberately crude and syntactic, so it reads any
// project the same way: a "TypeORM-ish call" is any `.find(` / `.save(` / `.update(` / … call,
// which also counts array `find`s and map `update`s in real code (so real backends' TypeORM
// density is, if anything, lower than it says). Tests, migrations and build output are skipped.
//   node scripts/bench/density.mjs <src dir>...
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPEORM_ISH_CALL = /\.(findOne\w*|findBy|find|findAndCount\w*|save|update|insert|delete|softDelete|increment|decrement|upsert|createQueryBuilder|transaction|getRepository)\s*[<(]/g;
const SKIPPED_FOLDERS = /^(node_modules|dist|build|migrations?|test|tests|__tests__|e2e)$/;

/**
 * @param {readonly string[]} dirs
 * @returns {{ files: number; lines: number; calls: number; callsPerKloc: number; filesWithCalls: number; awaitsPerKloc: number; linesPerFile: number }}
 */
export function measureDensity(dirs) {
  let files = 0;
  let lines = 0;
  let calls = 0;
  let awaits = 0;
  let withCalls = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.test(entry.name)) walk(file);
      } else if (entry.name.endsWith('.ts') && !/\.d\.ts$|\.(spec|test)\.ts$/.test(entry.name)) {
        const text = fs.readFileSync(file, 'utf8');
        files++;
        lines += text.split('\n').filter((line) => line.trim() !== '').length;
        const found = text.match(TYPEORM_ISH_CALL)?.length ?? 0;
        calls += found;
        if (found > 0) withCalls++;
        awaits += text.match(/\bawait\b/g)?.length ?? 0;
      }
    }
  };
  for (const dir of dirs) walk(dir);
  const perKloc = (count) => (lines === 0 ? 0 : (1000 * count) / lines);
  return {
    files,
    lines,
    calls,
    callsPerKloc: perKloc(calls),
    filesWithCalls: files === 0 ? 0 : withCalls / files,
    awaitsPerKloc: perKloc(awaits),
    linesPerFile: files === 0 ? 0 : lines / files,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('usage: node scripts/bench/density.mjs <src dir>...');
    process.exit(2);
  }
  const found = measureDensity(dirs);
  console.log(
    `${String(found.files)} files, ${String(found.lines)} non-blank lines, ${String(found.calls)} TypeORM-ish calls: ` +
      `${found.callsPerKloc.toFixed(1)} per kLOC, in ${(found.filesWithCalls * 100).toFixed(0)}% of the files; ` +
      `${found.awaitsPerKloc.toFixed(1)} awaits per kLOC; ${found.linesPerFile.toFixed(0)} lines per file`,
  );
}
