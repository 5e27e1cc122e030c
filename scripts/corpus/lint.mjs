// Lints the prepared evaluation corpus with the BUILT plugin and writes every finding as JSON:
//   node scripts/corpus/lint.mjs --corpus /work/corpus [--project id]... [--rules a,b] --out findings.json
//                                [--manifest evaluation/corpus.json] [--plugin dist/index.js]
//                                [--max-old-space-size 8192] [--timeout-minutes 120] [--check-only]
//
// Build first (`npx tsc -p tsconfig.build.json`). Each project is linted in a child process of its
// own, one after the other, so a crash or an out-of-memory in one project is recorded in its stats
// and the run goes on. In the child, like src/audit/lint.ts: ESLint's Node API with
// overrideConfigFile: true (the project's own ESLint config is never loaded), the parser
// @typescript-eslint/parser with `programs` built by ts.createProgram from each of the project's
// tsconfigs, concurrency off, and the four rules (or --rules) at their default options. A file
// that two tsconfigs of a project both cover is linted once, with the first.
//
// --check-only builds the programs and reports what they resolve (below) without linting: a quick
// test of a freshly prepared corpus.
//
// Output: { plugin, typescript, eslint, rules, projects: [per-project stats], findings: [...] }
// where a finding is { project, file, line, column, endLine, endColumn, rule, messageId, message,
// fix: 'autofix' | 'suggestion' | 'none' }, `file` relative to the project's extracted root, and
// findings are sorted by project, file, line, column, rule, message.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.join(import.meta.dirname, '..', '..');
const LINTED_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
/** Where each ORM's declarations live, to tell whether a program sees the ORM at all. */
const ORM_SIGNS = {
  typeorm: { modules: ['typeorm'], files: ['/node_modules/typeorm/'] },
  prisma: { modules: ['@prisma/client'], files: ['/node_modules/@prisma/client/', '/node_modules/.prisma/client/', '/generated/prisma/'] },
  drizzle: { modules: ['drizzle-orm'], files: ['/node_modules/drizzle-orm/'] },
};

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    project: { type: 'string', multiple: true },
    rules: { type: 'string' },
    out: { type: 'string' },
    manifest: { type: 'string', default: path.join(repoRoot, 'evaluation', 'corpus.json') },
    plugin: { type: 'string', default: path.join(repoRoot, 'dist', 'index.js') },
    'max-old-space-size': { type: 'string', default: '8192' },
    'timeout-minutes': { type: 'string', default: '120' },
    'check-only': { type: 'boolean', default: false },
    child: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.child != null) {
  await runChild(JSON.parse(fs.readFileSync(values.child, 'utf8')));
} else {
  await runParent();
}

// ---------------------------------------------------------------------------------------------
// Parent: one child process per project, then the merged, sorted output.

async function runParent() {
  if (values.help || values.corpus == null || values.out == null) {
    console.log('usage: node scripts/corpus/lint.mjs --corpus DIR [--project id]... [--rules a,b] --out FILE [--manifest FILE] [--plugin dist/index.js]');
    process.exit(values.help ? 0 : 2);
  }
  const pluginPath = path.resolve(values.plugin);
  if (!fs.existsSync(pluginPath)) {
    console.error(`${pluginPath} does not exist: build the plugin first (npx tsc -p tsconfig.build.json)`);
    process.exit(2);
  }
  const { default: plugin } = await import(pathToFileURL(pluginPath).href);
  const rules = selectRules(Object.keys(plugin.rules), values.rules);
  const manifest = JSON.parse(fs.readFileSync(values.manifest, 'utf8'));
  const projects = selectProjects(manifest.projects, values.project);
  const corpus = path.resolve(values.corpus);
  const { default: ts } = await import('typescript');
  const { ESLint } = await import('eslint');

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-corpus-'));
  const stats = [];
  const findings = [];
  const started = Date.now();
  for (const project of projects) {
    const root = path.join(corpus, project.id, 'repo');
    const base = { id: project.id, repo: project.repo, commit: project.commit, orm: project.orm, dev: project.dev === true };
    if (!fs.existsSync(root)) {
      console.error(`== ${project.id}: not prepared (${root} is missing): run scripts/corpus/prepare.mjs`);
      stats.push({ ...base, files: 0, seconds: 0, crashes: 1, error: `not prepared: ${root} is missing`, crashDetails: [], tsconfigs: [], findings: 0, byRule: {} });
      continue;
    }
    console.error(`== ${project.id} (${project.tsconfigs.length} tsconfig${project.tsconfigs.length === 1 ? '' : 's'})`);
    const input = path.join(scratch, `${project.id}.in.json`);
    const output = path.join(scratch, `${project.id}.out.json`);
    fs.writeFileSync(input, JSON.stringify({ project, root, rules, pluginPath, output, checkOnly: values['check-only'] }));
    const projectStarted = Date.now();
    const exit = await runChildProcess(input);
    const seconds = round((Date.now() - projectStarted) / 1000);
    let result;
    try {
      result = JSON.parse(fs.readFileSync(output, 'utf8'));
    } catch {
      result = undefined;
    }
    if (result == null) {
      const error = `the lint process ${exit.signal != null ? `was killed (${exit.signal})` : `exited with ${String(exit.code)}`} without a result${exit.timedOut ? ' (timeout)' : ''}: ${exit.stderrTail}`;
      console.error(`   FAILED: ${error}`);
      stats.push({ ...base, files: 0, seconds, crashes: 1, error, crashDetails: [], tsconfigs: [], findings: 0, byRule: {} });
      continue;
    }
    const byRule = Object.fromEntries(rules.map((rule) => [rule, 0]));
    for (const finding of result.findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    findings.push(...result.findings);
    const crashDetails = result.tsconfigs.flatMap((tsconfig) => tsconfig.crashDetails);
    stats.push({
      ...base,
      files: result.tsconfigs.reduce((sum, tsconfig) => sum + tsconfig.files, 0),
      seconds,
      crashes: crashDetails.length,
      ormResolved: result.tsconfigs.every((tsconfig) => tsconfig.orm.resolved),
      untypedFetchCallers: result.tsconfigs.reduce((sum, tsconfig) => sum + (tsconfig.fetch.typed ? 0 : tsconfig.fetch.callers), 0),
      findings: result.findings.length,
      byRule,
      peakRssMb: result.peakRssMb,
      tsconfigs: result.tsconfigs.map(({ crashDetails: details, ...rest }) => ({ ...rest, crashes: details.length })),
      crashDetails: crashDetails.slice(0, 100),
    });
    const last = stats.at(-1);
    console.error(
      `   ${String(last.files)} files, ${String(seconds)} s, ${String(last.findings)} findings, ${String(last.crashes)} crashes` +
        `${last.ormResolved ? '' : `, ${project.orm} NOT RESOLVED`}${last.untypedFetchCallers > 0 ? `, ${String(last.untypedFetchCallers)} files call an untyped fetch()` : ''}`,
    );
  }
  fs.rmSync(scratch, { recursive: true, force: true });

  findings.sort(compareFindings);
  const report = {
    tool: 'scripts/corpus/lint.mjs',
    generatedAt: new Date().toISOString(),
    seconds: round((Date.now() - started) / 1000),
    plugin: { path: path.relative(repoRoot, pluginPath), version: plugin.meta?.version, ...gitState() },
    typescript: ts.version,
    eslint: ESLint.version,
    node: process.version,
    corpus,
    manifest: path.relative(repoRoot, path.resolve(values.manifest)),
    rules,
    projects: stats,
    findings,
  };
  fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);

  console.error(`\n${String(findings.length)} findings in ${String(stats.length)} projects → ${path.resolve(values.out)}`);
  printSummary(stats, rules);
  const failed = stats.filter((project) => project.error != null);
  process.exit(failed.length === 0 ? 0 : 1);
}

function runChildProcess(input) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${values['max-old-space-size']}`, '--disable-warning=ESLintIgnoreWarning', import.meta.filename, '--child', input],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let stderrTail = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      Number(values['timeout-minutes']) * 60_000,
    );
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderrTail: stderrTail.trim().split('\n').slice(-3).join(' / ').slice(0, 1000) });
    });
  });
}

function printSummary(stats, rules) {
  const short = rules.map((rule) => rule.replace(/^race-guard\//, ''));
  const header = ['project', 'files', 'seconds', 'crashes', 'orm', 'untyped fetch', ...short];
  const rows = stats.map((project) => [
    project.id,
    String(project.files),
    String(project.seconds),
    String(project.crashes),
    project.error != null ? 'FAILED' : project.ormResolved ? 'ok' : 'NOT RESOLVED',
    String(project.untypedFetchCallers ?? 0),
    ...rules.map((rule) => String(project.byRule[rule] ?? 0)),
  ]);
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index].length)));
  for (const row of [header, ...rows]) console.error(row.map((cell, index) => cell.padEnd(widths[index])).join('  '));
}

function gitState() {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  // The last commit that changed src/: the rules' code, whatever commits of scripts or docs follow.
  const source = spawnSync('git', ['log', '-1', '--format=%H', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' });
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    srcCommit: source.status === 0 ? source.stdout.trim() : null,
    srcDirty: status.status === 0 ? status.stdout.trim() !== '' : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Child: lint one project, write { tsconfigs, findings, peakRssMb } to the output file.

async function runChild({ project, root, rules, pluginPath, output, checkOnly }) {
  const { default: ts } = await import('typescript');
  const { ESLint } = await import('eslint');
  const { default: tsParser } = await import('@typescript-eslint/parser');
  const { default: plugin } = await import(pathToFileURL(pluginPath).href);

  const seen = new Set();
  const findings = [];
  const tsconfigs = [];
  for (const tsconfig of project.tsconfigs) {
    const started = Date.now();
    const stats = { path: tsconfig, files: 0, seconds: 0, programSeconds: 0, orm: { resolved: false }, fetch: { typed: true, callers: 0 }, unresolvedPackages: {}, crashDetails: [] };
    tsconfigs.push(stats);
    let program;
    try {
      program = createProgram(ts, path.join(root, tsconfig));
    } catch (error) {
      stats.crashDetails.push({ file: tsconfig, line: 0, message: `tsconfig could not be read: ${firstLine(error)}` });
      stats.seconds = round((Date.now() - started) / 1000);
      continue;
    }
    stats.programSeconds = round((Date.now() - started) / 1000);
    const files = program
      .getRootFileNames()
      .map((file) => path.resolve(file))
      .filter((file) => LINTED_EXTENSIONS.some((extension) => file.endsWith(extension)) && !/\.d\.[cm]?tsx?$/.test(file))
      .filter((file) => file.startsWith(root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`))
      .filter((file) => !seen.has(file));
    for (const file of files) seen.add(file);
    stats.files = files.length;
    stats.orm = ormResolution(ts, program, project.orm, root);
    stats.fetch = fetchResolution(ts, program, files);
    stats.unresolvedPackages = unresolvedPackages(ts, program, files);
    process.stderr.write(
      `   ${tsconfig}: ${String(files.length)} files, program in ${String(stats.programSeconds)} s, ${project.orm} ${stats.orm.resolved ? 'resolves' : 'DOES NOT RESOLVE'}` +
        `${stats.fetch.callers > 0 && !stats.fetch.typed ? `; global fetch() is called in ${String(stats.fetch.callers)} files but NOT TYPED` : ''}\n`,
    );
    if (checkOnly) {
      stats.seconds = round((Date.now() - started) / 1000);
      continue;
    }

    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        {
          name: 'race-guard/corpus',
          files: LINTED_EXTENSIONS.map((extension) => `**/*${extension}`),
          plugins: { 'race-guard': plugin },
          languageOptions: { parser: tsParser, parserOptions: { programs: [program] } },
          linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
          rules: Object.fromEntries(rules.map((rule) => [rule, 'error'])),
        },
      ],
      concurrency: 'off',
      cache: false,
      ignore: false,
      errorOnUnmatchedPattern: false,
    });
    let done = 0;
    // One file at a time, so a file that breaks a rule or the parser costs only that file.
    for (const file of files) {
      const relative = toPosix(path.relative(root, file));
      try {
        for (const result of await eslint.lintFiles([file])) {
          for (const message of result.messages) {
            if (message.ruleId == null) {
              if (message.fatal === true || message.severity === 2) stats.crashDetails.push({ file: relative, line: message.line ?? 0, message: message.message.slice(0, 500) });
              continue;
            }
            if (!rules.includes(message.ruleId)) continue;
            findings.push({
              project: project.id,
              file: relative,
              line: message.line,
              column: message.column,
              endLine: message.endLine ?? message.line,
              endColumn: message.endColumn ?? message.column,
              rule: message.ruleId,
              messageId: message.messageId ?? null,
              message: message.message,
              fix: message.fix != null ? 'autofix' : (message.suggestions?.length ?? 0) > 0 ? 'suggestion' : 'none',
            });
          }
        }
      } catch (error) {
        stats.crashDetails.push({ file: relative, line: 0, message: `lint threw: ${String(error instanceof Error ? error.message : error).slice(0, 500)}` });
      }
      done++;
      if (done % 200 === 0) process.stderr.write(`     ${String(done)}/${String(files.length)} files\n`);
    }
    stats.seconds = round((Date.now() - started) / 1000);
  }
  fs.writeFileSync(output, JSON.stringify({ tsconfigs, findings, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

/**
 * The program of one tsconfig, built the way src/audit/lint.ts builds it. One difference: a
 * tsconfig that does not set `types` gets every visible @types package, as TypeScript 5 gave
 * it (TypeScript 6 defaults `types` to none); the corpus projects were written against 5.x.
 */
function createProgram(ts, configPath) {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed == null) throw new Error(`cannot read ${configPath}`);
  const options = { ...parsed.options, noEmit: true };
  if (options.types == null) options.types = ['*'];
  return ts.createProgram({
    rootNames: parsed.fileNames,
    options,
    ...(parsed.projectReferences == null ? {} : { projectReferences: parsed.projectReferences }),
  });
}

/**
 * Whether the program sees the ORM: its declarations are loaded, and none of the project's files
 * that import it by name (the first 50 looked at) fails to resolve it. A run where this is false
 * is blind: every ORM call is `any` and the rules see nothing.
 */
function ormResolution(ts, program, orm, root) {
  const signs = ORM_SIGNS[orm];
  if (signs == null) return { resolved: true, note: `no check for orm "${String(orm)}"` };
  const declarations = program.getSourceFiles().filter((file) => signs.files.some((sign) => file.fileName.includes(sign))).length;
  const checker = program.getTypeChecker();
  let importers = 0;
  const unresolved = [];
  for (const file of program.getSourceFiles()) {
    if (importers >= 50) break;
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file)) continue;
    const specifiers = importSpecifiers(ts, file).filter((specifier) => signs.modules.includes(specifier.text));
    if (specifiers.length === 0) continue;
    importers++;
    if (specifiers.some((specifier) => checker.getSymbolAtLocation(specifier) == null)) unresolved.push(toPosix(path.relative(root, file.fileName)));
  }
  return { resolved: declarations > 0 && unresolved.length === 0, declarationFiles: declarations, importersChecked: importers, unresolved: unresolved.slice(0, 10) };
}

/** The module names of a file's import and export declarations and `import x = require()`. */
function importSpecifiers(ts, file) {
  const specifiers = [];
  for (const statement of file.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier != null && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifiers.push(statement.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference) && ts.isStringLiteral(statement.moduleReference.expression)) {
      specifiers.push(statement.moduleReference.expression);
    }
  }
  return specifiers;
}

/**
 * Whether the global fetch() has a declaration (from lib.dom or a recent @types/node) where the
 * project calls it: an untyped fetch is `any`, and the rules cannot see that call as network I/O.
 */
function fetchResolution(ts, program, files) {
  const callers = files.filter((file) => /(?<![\w.])fetch\s*\(/.test(program.getSourceFile(file)?.text ?? '')).length;
  const location = program.getSourceFile(files[0] ?? '');
  if (location == null) return { typed: false, callers };
  const typed = program
    .getTypeChecker()
    .getSymbolsInScope(location, ts.SymbolFlags.Function | ts.SymbolFlags.Variable)
    .some((symbol) => symbol.name === 'fetch' && (symbol.declarations ?? []).some((declaration) => declaration.getSourceFile().isDeclarationFile));
  return { typed, callers };
}

/**
 * The packages the linted files import by name that do not resolve (the corpus installs only the
 * ORM, the HTTP clients, the SDKs and the framework), with the number of files importing each,
 * most imported first: calls into them are `any`, a map of where the rules are blind. "Resolves"
 * is what the program itself found (the checker's symbol for the module name).
 */
function unresolvedPackages(ts, program, files) {
  const checker = program.getTypeChecker();
  const counts = new Map();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source == null) continue;
    const missing = new Set();
    for (const specifier of importSpecifiers(ts, source)) {
      const text = specifier.text;
      if (text.startsWith('.') || text.startsWith('/')) continue;
      if (checker.getSymbolAtLocation(specifier) != null) continue;
      missing.add(text.startsWith('@') ? text.split('/').slice(0, 2).join('/') : text.split('/')[0]);
    }
    for (const name of missing) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 25));
}

// ---------------------------------------------------------------------------------------------

function selectProjects(projects, ids) {
  if (ids == null || ids.length === 0) return projects;
  const known = new Set(projects.map((project) => project.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    console.error(`unknown project id(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    process.exit(2);
  }
  return projects.filter((project) => ids.includes(project.id));
}

/** Full rule ids (`race-guard/<name>`); --rules takes names with or without the prefix. */
function selectRules(names, option) {
  const all = names.map((name) => `race-guard/${name}`).sort();
  if (option == null || option.trim() === '') return all;
  const wanted = option.split(',').map((name) => name.trim()).filter(Boolean).map((name) => (name.startsWith('race-guard/') ? name : `race-guard/${name}`));
  const unknown = wanted.filter((rule) => !all.includes(rule));
  if (unknown.length > 0) {
    console.error(`unknown rule(s): ${unknown.join(', ')} (known: ${all.join(', ')})`);
    process.exit(2);
  }
  return wanted;
}

function compareFindings(a, b) {
  return (
    compare(a.project, b.project) ||
    compare(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compare(a.rule, b.rule) ||
    compare(a.message, b.message)
  );
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPosix(file) {
  return file.split(path.sep).join('/');
}

function round(value) {
  return Math.round(value * 10) / 10;
}

function firstLine(error) {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
