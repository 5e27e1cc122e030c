import fs from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

import { AuditSetupError } from './errors.js';

/** One tsconfig and what the TypeScript compiler makes of it. */
export interface AuditProject {
  configPath: string;
  parsed: ts.ParsedCommandLine;
  /** The TypeScript sources of this project that the audit lints (no declarations, no node_modules). */
  files: string[];
}

export interface AuditScope {
  /** The directory the audit was pointed at; report paths are relative to it. */
  root: string;
  /** A directory that contains every linted file: ESLint ignores files outside its `cwd`. */
  lintRoot: string;
  projects: AuditProject[];
  /** Every linted file once, in a stable order. */
  files: string[];
}

/** Folders never searched for a tsconfig: dependencies and build output. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'lib']);
const EMPTY_FILES_LIST = 18002;
/** How deep below the path a monorepo's package tsconfigs are looked for. */
const MAX_SEARCH_DEPTH = 3;
const SOURCE_FILE = /\.(?:ts|tsx|mts|cts)$/;
const DECLARATION_FILE = /\.d\.(?:ts|tsx|mts|cts)$|\.d\.[^.]+\.ts$/;

/**
 * Resolves `[path]` and `--project` to parsed tsconfigs and their files. Reads JSON and lists
 * directories only: a tsconfig cannot run code, and its `plugins` are never loaded.
 */
export function discoverScope(target: string, projectArguments: readonly string[], cwd: string): AuditScope {
  const resolvedTarget = path.resolve(cwd, target);
  const targetStat = statOrFail(resolvedTarget, target);
  let root: string;
  const configPaths: string[] = [];
  if (targetStat.isDirectory()) {
    root = resolvedTarget;
    assertReadableDirectory(root, target);
  } else if (resolvedTarget.endsWith('.json')) {
    root = path.dirname(resolvedTarget);
    configPaths.push(resolvedTarget);
  } else {
    throw new AuditSetupError(`${target} is a file; pass a project directory or its tsconfig.json`);
  }

  for (const argument of projectArguments) {
    const resolved = path.resolve(cwd, argument);
    const stat = statOrFail(resolved, argument);
    const configPath = stat.isDirectory() ? path.join(resolved, 'tsconfig.json') : resolved;
    if (!fs.existsSync(configPath)) throw new AuditSetupError(`--project ${argument}: no tsconfig.json there`);
    configPaths.push(configPath);
  }
  const projects: AuditProject[] = [];
  const seenConfigs = new Set<string>();
  if (configPaths.length === 0) {
    const direct = path.join(root, 'tsconfig.json');
    const candidates = fs.existsSync(direct) ? [direct] : [];
    for (const configPath of candidates) collectProject(configPath, cwd, projects, seenConfigs);
    // A monorepo root whose tsconfig only holds shared settings: its packages have their own.
    if (projects.length === 0) {
      const nested = findTsconfigs(root);
      candidates.push(...nested);
      for (const configPath of nested) collectProject(configPath, cwd, projects, seenConfigs);
    }
    configPaths.push(...candidates);
    if (candidates.length === 0) {
      throw new AuditSetupError(`no tsconfig.json in ${target} or its subfolders; pass --project <tsconfig.json>`);
    }
  } else {
    for (const configPath of configPaths) collectProject(configPath, cwd, projects, seenConfigs);
  }

  const seenFiles = new Set<string>();
  const files: string[] = [];
  for (const project of projects) {
    for (const file of project.files) {
      if (!seenFiles.has(file)) {
        seenFiles.add(file);
        files.push(file);
      }
    }
  }
  if (files.length === 0) {
    const names = configPaths.map((configPath) => path.relative(cwd, configPath) || configPath).join(', ');
    throw new AuditSetupError(`${names} includes no TypeScript source files`);
  }
  return { root, lintRoot: commonAncestor([root, ...files.map((file) => path.dirname(file))]), projects, files };
}

function statOrFail(resolved: string, shown: string): fs.Stats {
  try {
    return fs.statSync(resolved);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AuditSetupError(code === 'ENOENT' ? `path not found: ${shown}` : `cannot read ${shown} (${code ?? 'unknown error'})`);
  }
}

function assertReadableDirectory(directory: string, shown: string): void {
  try {
    fs.readdirSync(directory);
  } catch (error) {
    throw new AuditSetupError(`cannot read ${shown} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}

/** `packages/*\/tsconfig.json` and the like: the nearest tsconfig on each branch below `root`. */
function findTsconfigs(root: string): string[] {
  const found: string[] = [];
  const visit = (directory: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    if (depth > 0 && entries.some((entry) => entry.isFile() && entry.name === 'tsconfig.json')) {
      found.push(path.join(directory, 'tsconfig.json'));
      return;
    }
    if (depth >= MAX_SEARCH_DEPTH) return;
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const child = path.join(directory, entry.name);
      // Build output is skipped, but a folder with a tsconfig of its own (a package named `lib`) is a project.
      if (SKIPPED_DIRECTORIES.has(entry.name) && (entry.name === 'node_modules' || !fs.existsSync(path.join(child, 'tsconfig.json')))) continue;
      visit(child, depth + 1);
    }
  };
  visit(root, 0);
  return found;
}

/** Parses a tsconfig; a solution-style config contributes the projects it references. */
function collectProject(configPath: string, cwd: string, projects: AuditProject[], seen: Set<string>): void {
  const normalized = path.resolve(configPath);
  if (seen.has(normalized)) return;
  seen.add(normalized);
  const shown = path.relative(cwd, normalized) || normalized;
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic(diagnostic) {
      throw new AuditSetupError(`cannot read ${shown}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(normalized, {}, host);
  if (parsed == null) throw new AuditSetupError(`cannot read ${shown}`);
  // An empty `files` list (TS18002) is how a monorepo root that only holds shared settings says
  // it has no sources of its own: the caller then looks for the packages' tsconfigs.
  const syntaxError = parsed.errors.find(
    (diagnostic) => diagnostic.file?.fileName === normalized && diagnostic.category === ts.DiagnosticCategory.Error && diagnostic.code !== EMPTY_FILES_LIST,
  );
  if (syntaxError != null && parsed.fileNames.length === 0) {
    throw new AuditSetupError(`cannot read ${shown}: ${ts.flattenDiagnosticMessageText(syntaxError.messageText, ' ')}`);
  }
  const files = parsed.fileNames
    .map((file) => path.resolve(file))
    // Relative to the project, so a project that itself lives under a node_modules folder still counts.
    .filter((file) => SOURCE_FILE.test(file) && !DECLARATION_FILE.test(file) && !path.relative(path.dirname(normalized), file).split(path.sep).includes('node_modules'));
  if (files.length > 0) projects.push({ configPath: normalized, parsed, files });
  for (const reference of parsed.projectReferences ?? []) {
    collectProject(ts.resolveProjectReferencePath(reference), cwd, projects, seen);
  }
}

function commonAncestor(directories: readonly string[]): string {
  const [first, ...rest] = directories.map((directory) => path.resolve(directory).split(path.sep));
  if (first == null) return path.resolve('.');
  let length = first.length;
  for (const parts of rest) {
    let index = 0;
    while (index < length && index < parts.length && parts[index] === first[index]) index++;
    length = index;
  }
  return first.slice(0, length).join(path.sep) || path.sep;
}
