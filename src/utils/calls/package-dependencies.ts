import fs from 'node:fs';
import path from 'node:path';

/**
 * What an installed package is built on, read from its own `package.json`. An SDK of a web API
 * (`@twurple/api` for Twitch, `howlongtobeat`, `@safe-global/api-kit`) is seldom in the module
 * lists, but it ships an HTTP client: its calls reach the network.
 */

/** HTTP and socket clients; a scope's fork of one (`@d-fischer/cross-fetch`) counts as the same. */
const NETWORK_CLIENTS: ReadonlySet<string> = new Set([
  'axios',
  'got',
  'ky',
  'node-fetch',
  'cross-fetch',
  'isomorphic-fetch',
  'undici',
  'superagent',
  'request',
  'needle',
  'phin',
  'ofetch',
  'wretch',
  'ws',
]);

const NODE_MODULES = '/node_modules/';

const verdicts = new Map<string, boolean>();

/**
 * Whether the package (found next to `fileName`, a file of it or of its `@types`) lists an HTTP or
 * socket client among its dependencies. An unreadable manifest says no.
 */
export function dependsOnNetworkClient(fileName: string, packageName: string): boolean {
  const normalized = fileName.replaceAll('\\', '/');
  const at = normalized.lastIndexOf(NODE_MODULES);
  if (at === -1 || packageName.startsWith('node:')) return false;
  const manifest = path.join(normalized.slice(0, at + NODE_MODULES.length), packageName, 'package.json');
  let verdict = verdicts.get(manifest);
  if (verdict == null) {
    verdict = readDependencies(manifest).some((name) => !name.startsWith('@types/') && (NETWORK_CLIENTS.has(name) || NETWORK_CLIENTS.has(name.slice(name.lastIndexOf('/') + 1))));
    verdicts.set(manifest, verdict);
  }
  return verdict;
}

function readDependencies(manifest: string): string[] {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (parsed == null || typeof parsed !== 'object' || !('dependencies' in parsed)) return [];
    const { dependencies } = parsed;
    return dependencies != null && typeof dependencies === 'object' ? Object.keys(dependencies) : [];
  } catch {
    return [];
  }
}
