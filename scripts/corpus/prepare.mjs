// Lays out the real-code evaluation corpus described by evaluation/corpus.json, outside the repo:
//   node scripts/corpus/prepare.mjs --mirrors /work/.mirror --out /work/corpus [--project id]...
//                                   [--manifest evaluation/corpus.json] [--force] [--no-install]
//
// For every project:
//   <out>/<id>/repo/          the pinned commit's files, taken from the fetched mirror
//                             (<mirrors>/<owner>+<name>/repo, a bare git dir) blob by blob, so a
//                             snapshot that lacks its largest files still extracts
//   <out>/<id>/package.json   the manifest's `packages`, exact versions, and nothing else
//   <out>/<id>/node_modules/  those packages only (`npm install --ignore-scripts`): enough for the
//                             ORM and the network SDKs to resolve; a parent folder of the tree, so
//                             Node and TypeScript find it from every file below; `links` adds
//                             symlinks there to workspace packages of the tree
// plus the manifest's `overlays` (extra tsconfigs written into the tree) and, for Prisma projects,
// `prisma generate` for each schema the manifest names. No code of the project is built or run.
//
// Idempotent: a step whose inputs (commit, paths, packages, overlays) are unchanged is skipped; a
// marker file per step records them. --force redoes every step.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const repoRoot = path.join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    mirrors: { type: 'string', default: '/work/.mirror' },
    out: { type: 'string' },
    project: { type: 'string', multiple: true },
    manifest: { type: 'string', default: path.join(repoRoot, 'evaluation', 'corpus.json') },
    force: { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || values.out == null) {
  console.log('usage: node scripts/corpus/prepare.mjs --mirrors DIR --out DIR [--project id]... [--manifest FILE] [--force] [--no-install]');
  process.exit(values.help ? 0 : 2);
}

const manifest = JSON.parse(fs.readFileSync(values.manifest, 'utf8'));
const selected = selectProjects(manifest.projects, values.project);
const out = path.resolve(values.out);
fs.mkdirSync(out, { recursive: true });

let failures = 0;
for (const project of selected) {
  const started = Date.now();
  console.log(`\n== ${project.id} (${project.repo} @ ${project.commit.slice(0, 10)})`);
  try {
    await prepareProject(project);
    console.log(`   ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${path.join(out, project.id, 'repo')}`);
  } catch (error) {
    failures++;
    console.error(`   FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
}
console.log(`\n${selected.length - failures}/${selected.length} projects prepared in ${out}`);
process.exit(failures === 0 ? 0 : 1);

/** The manifest's projects, or the named ones in manifest order; an unknown id is an error. */
export function selectProjects(projects, ids) {
  if (ids == null || ids.length === 0) return projects;
  const known = new Set(projects.map((project) => project.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    console.error(`unknown project id(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    process.exit(2);
  }
  return projects.filter((project) => ids.includes(project.id));
}

async function prepareProject(project) {
  const home = path.join(out, project.id);
  const tree = path.join(home, 'repo');
  fs.mkdirSync(home, { recursive: true });

  // 1. The pinned commit's files.
  const extractKey = { commit: project.commit, paths: project.paths ?? null };
  if (values.force || !markerMatches(home, 'extracted', extractKey)) {
    const gitDir = path.join(path.resolve(values.mirrors), project.repo.replace('/', '+'), 'repo');
    if (!fs.existsSync(gitDir)) throw new Error(`no mirror at ${gitDir}: fetch github:${project.repo} first`);
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(markerPath(home, 'extracted'), { force: true });
    const { written, missing } = await extractCommit(gitDir, project.commit, tree, project.paths);
    console.log(`   extracted ${written} files${missing.length > 0 ? `; ${missing.length} absent from the snapshot (e.g. ${missing.slice(0, 3).join(', ')})` : ''}`);
    writeMarker(home, 'extracted', extractKey, { written, missing: missing.length });
  } else {
    console.log('   extracted tree is up to date');
  }

  // 2. Overlays: extra files (usually tsconfigs) the manifest asks for inside the tree.
  for (const [relative, content] of Object.entries(project.overlays ?? {})) {
    const target = path.join(tree, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  if (project.overlays != null) console.log(`   wrote ${Object.keys(project.overlays).length} overlay file(s)`);

  if (values['no-install']) return;

  // 3. The type packages, beside the tree.
  const packages = project.packages ?? {};
  if (values.force || !markerMatches(home, 'installed', packages) || !fs.existsSync(path.join(home, 'node_modules'))) {
    fs.writeFileSync(
      path.join(home, 'package.json'),
      `${JSON.stringify(
        {
          name: `race-guard-corpus-${project.id}`,
          private: true,
          description: `Type packages for ${project.repo}@${project.commit} (race-guard evaluation corpus; generated by scripts/corpus/prepare.mjs)`,
          dependencies: packages,
        },
        null,
        2,
      )}\n`,
    );
    fs.rmSync(markerPath(home, 'installed'), { force: true });
    // Workspace links of an earlier run would be read by npm as packages to install.
    removeTopLevelSymlinks(path.join(home, 'node_modules'));
    console.log(`   npm install ${Object.keys(packages).length} package(s)…`);
    // --legacy-peer-deps: peers are listed explicitly when needed; npm must not pull in others.
    await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--package-lock=false', '--loglevel=error'], home);
    writeMarker(home, 'installed', packages);
  } else {
    console.log('   packages are up to date');
  }

  // 4. Workspace packages the code imports by name and whose package.json points at sources:
  //    linked into node_modules after the install (npm would prune them as extraneous).
  for (const [name, target] of Object.entries(project.links ?? {})) {
    const link = path.join(home, 'node_modules', ...name.split('/'));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(tree, target)), link);
  }
  if (project.links != null) console.log(`   linked ${Object.keys(project.links).length} workspace package(s) into node_modules`);

  // 5. Prisma clients (types only: no engine is downloaded or run).
  for (const schema of [project.prepare?.prisma ?? []].flat()) {
    const key = { schema, packages };
    const name = `prisma-${schema.replaceAll(/[^\w.-]+/g, '_')}`;
    if (!values.force && markerMatches(home, name, key)) {
      console.log(`   prisma client for ${schema} is up to date`);
      continue;
    }
    const cli = path.join(home, 'node_modules', 'prisma', 'build', 'index.js');
    if (!fs.existsSync(cli)) throw new Error(`prisma generate needs the "prisma" package in the manifest's packages`);
    // Prisma 5 and 6 copy a query engine next to the client they generate; an empty stand-in
    // keeps them from downloading one (types do not need it, and nothing here runs a query).
    const noEngine = path.join(home, '.race-guard-no-query-engine');
    fs.writeFileSync(noEngine, '');
    console.log(`   prisma generate --schema ${schema}`);
    await run(process.execPath, [cli, 'generate', '--schema', path.join(tree, schema)], home, {
      // Run from the folder above the tree, where no prisma.config.ts of the project (code) is
      // found and loaded. Offline: `generate` asks for the schema engine's path but needs no
      // engine for the JS client; any executable satisfies the check. No telemetry, no update check.
      PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true',
      PRISMA_QUERY_ENGINE_LIBRARY: noEngine,
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
      PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
      PRISMA_SKIP_POSTINSTALL_GENERATE: '1',
    });
    writeMarker(home, name, key);
  }
}

/**
 * Writes the commit's files under `target`: `git ls-tree` for the list, one `git cat-file --batch`
 * for the contents. A blob the snapshot lacks (files of 4 MiB and more) is skipped and returned in
 * `missing`, where `git archive` would stop at it. Symbolic links are recreated; submodules skipped.
 */
async function extractCommit(gitDir, commit, target, paths) {
  const listing = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit, '--', ...(paths ?? [])], {
    maxBuffer: 1 << 30,
  });
  if (listing.status !== 0) throw new Error(`git ls-tree ${commit} failed: ${listing.stderr.toString().trim()}`);
  const entries = listing.stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha] = line.slice(0, tab).split(' ');
      return { mode, type, sha, file: line.slice(tab + 1) };
    })
    .filter((entry) => entry.type === 'blob');

  const contents = await catFileBatch(gitDir, entries.map((entry) => entry.sha));
  const missing = [];
  let written = 0;
  for (const entry of entries) {
    const data = contents.get(entry.sha);
    if (data == null) {
      missing.push(entry.file);
      continue;
    }
    const file = path.join(target, entry.file);
    if (!file.startsWith(target + path.sep)) continue; // never outside the tree
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (entry.mode === '120000') fs.symlinkSync(data.toString('utf8'), file);
    else fs.writeFileSync(file, data, { mode: entry.mode === '100755' ? 0o755 : 0o644 });
    written++;
  }
  return { written, missing };
}

/** sha → content for every sha the store has; absent ones are left out. */
function catFileBatch(gitDir, shas) {
  return new Promise((resolve, reject) => {
    const unique = [...new Set(shas)];
    const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const result = new Map();
    let pending = [];
    let pendingLength = 0;
    let index = 0;
    child.stdout.on('data', (chunk) => {
      pending.push(chunk);
      pendingLength += chunk.length;
      let buffer = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLength);
      for (;;) {
        const newline = buffer.indexOf(10);
        if (newline < 0) break;
        const header = buffer.subarray(0, newline).toString('utf8').split(' ');
        if (header[1] === 'missing') {
          buffer = buffer.subarray(newline + 1);
          index++;
          continue;
        }
        const size = Number(header[2]);
        if (buffer.length < newline + 1 + size + 1) break;
        result.set(header[0], Buffer.from(buffer.subarray(newline + 1, newline + 1 + size)));
        buffer = buffer.subarray(newline + 1 + size + 1);
        index++;
      }
      pending = buffer.length > 0 ? [buffer] : [];
      pendingLength = buffer.length;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`git cat-file exited with ${String(code)}`));
      else if (index !== unique.length) reject(new Error(`git cat-file answered ${String(index)} of ${String(unique.length)} objects`));
      else resolve(result);
    });
    child.stdin.on('error', reject);
    child.stdin.end(unique.map((sha) => `${sha}\n`).join(''));
  });
}

/** Removes the symbolic links directly in node_modules and in its @scope folders. */
function removeTopLevelSymlinks(nodeModules) {
  if (!fs.existsSync(nodeModules)) return;
  for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
    const full = path.join(nodeModules, entry.name);
    if (entry.isSymbolicLink()) fs.rmSync(full);
    else if (entry.isDirectory() && entry.name.startsWith('@')) {
      for (const scoped of fs.readdirSync(full, { withFileTypes: true })) if (scoped.isSymbolicLink()) fs.rmSync(path.join(full, scoped.name));
    }
  }
}

function run(command, args, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.slice(0, 2).join(' ')} exited with ${String(code)} in ${cwd}`));
    });
  });
}

function markerPath(home, step) {
  return path.join(home, `.race-guard-${step}.json`);
}

function markerMatches(home, step, key) {
  try {
    const marker = JSON.parse(fs.readFileSync(markerPath(home, step), 'utf8'));
    return JSON.stringify(marker.key) === JSON.stringify(key);
  } catch {
    return false;
  }
}

function writeMarker(home, step, key, extra = {}) {
  fs.writeFileSync(markerPath(home, step), `${JSON.stringify({ key, ...extra, at: new Date().toISOString() }, null, 2)}\n`);
}
