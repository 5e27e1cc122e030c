import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { AwaitClassifier, getAwaitClassifier } from '../../src/utils/calls/await-classification.js';
import { fixtureFile, fixtureProgram, markedExpression } from './fixture-program.js';

function entries(summary: ReadonlyMap<string, readonly string[]>): Record<string, readonly string[]> {
  return Object.fromEntries(summary);
}

describe('AwaitClassifier', () => {
  const program = fixtureProgram();
  const file = fixtureFile(program, 'analysis/awaits.ts');
  const classifier = new AwaitClassifier(program, {});
  const classify = (marker: string) => entries(classifier.classifyAwaited(markedExpression(file, marker)));

  it('follows an app client two files away to openai, keeping the chain', () => {
    expect(classify('two-files-away')).toEqual({
      network: ['Assistant.reply', 'LlmClient.complete', 'openai.chat.completions.create'],
    });
  });

  it('a project helper that only queries the database is database', () => {
    expect(classify('db-helper')).toEqual({ database: ['MessageCounter.countFor', 'messages.count (typeorm)'] });
    expect(classify('typeorm')).toEqual({ database: ['repo.count (typeorm)'] });
  });

  it('terminates on mutually recursive helpers and still finds their network call', () => {
    expect(classify('cycle')).toEqual({ network: ['ping', 'pong', 'axios.get'] });
  });

  it('an interface method, `any` and an unresolved import are unknown', () => {
    expect(classify('interface')).toEqual({ unknown: ['Notifier.notify'] });
    expect(classify('any')).toEqual({ unknown: ['untyped.call'] });
    const unresolved = fixtureFile(program, 'analysis/unresolved.ts');
    expect(entries(classifier.classifyAwaited(markedExpression(unresolved, 'unresolved')))).toEqual({
      unknown: ['enrich'],
    });
  });

  it('Promise.all over a mapped list is classified by the callback, typed or any', () => {
    expect(classify('all-map')).toEqual({ network: ['Assistant.reply', 'LlmClient.complete', 'openai.chat.completions.create'] });
    expect(classify('all-any-map')).toEqual({ timer: ['delay'] });
  });

  it('an any-typed or plain argument does not make a known callee unknown; import() is local', () => {
    expect(classify('any-argument')).toEqual({ database: ['MessageCounter.countFor', 'messages.count (typeorm)'] });
    expect(classify('plain-argument')).toEqual({ database: ['MessageCounter.countFor', 'messages.count (typeorm)'] });
    expect(classify('import')).toEqual({ local: [] });
  });

  it('a package loaded on first use into an any-typed property is judged by its require()', () => {
    expect(classify('lazy-local')).toEqual({ local: ['hasher.hash (bcrypt)'] });
    expect(classify('lazy-network')).toEqual({ network: ['LazyClients.fetchPage', 'http.get (axios)'] });
  });

  it('a method called on a union of classes may run any of them', () => {
    expect(classify('union-receiver')).toEqual({ network: ['ScoreClient.score', 'axios.get'] });
  });

  it('a promise its executor resolves at once does not wait for the calls the executor starts', () => {
    expect(classify('resolved-at-once')).toEqual({ local: [] });
  });

  it('global fetch is network; timers are timers; local work is local', () => {
    expect(classify('global-fetch')).toEqual({ network: ['fetch'] });
    expect(classify('timer')).toEqual({ timer: ['delay'] });
    expect(classify('promise-timer')).toEqual({ timer: ['setTimeout'] });
    // `Promise.resolve(randomBytes(8))`: the argument is a Buffer, computed before the call, so
    // there is nothing to wait for and no chain to show.
    expect(classify('local')).toEqual({ local: [] });
    // readline splits what its input stream reads: a file here, local as `node:stream` and `node:fs` are.
    expect(classify('readline')).toEqual({ local: ['createInterface'] });
  });

  it('combinators and callbacks cost what their arguments cost', () => {
    expect(classify('all')).toEqual({
      database: ['MessageCounter.countFor', 'messages.count (typeorm)'],
      network: ['Assistant.reply', 'LlmClient.complete', 'openai.chat.completions.create'],
    });
    expect(classify('callback')).toEqual({ network: ['axios.get'] });
    expect(classify('const-promise')).toEqual({
      network: ['Assistant.reply', 'LlmClient.complete', 'openai.chat.completions.create'],
    });
    expect(classify('for-await')).toEqual({
      network: ['Assistant.reply', 'LlmClient.complete', 'openai.chat.completions.create'],
    });
  });

  it('summarises each function once per program and option set', () => {
    const fresh = new AwaitClassifier(program, {});
    const expression = markedExpression(file, 'two-files-away');
    fresh.classifyAwaited(expression);
    const afterFirst = fresh.stats.functionSummaries;
    fresh.classifyAwaited(expression);
    fresh.classifyAwaited(markedExpression(file, 'all'));
    expect(afterFirst).toBe(2);
    // `all` adds MessageCounter.countFor only: Assistant.reply and LlmClient.complete are cached.
    expect(fresh.stats.functionSummaries).toBe(3);
    expect(getAwaitClassifier(program)).toBe(getAwaitClassifier(program));
    expect(getAwaitClassifier(program, { networkModules: ['x'] })).not.toBe(getAwaitClassifier(program));
  });

  it('user-listed modules extend the network and local lists', () => {
    const custom = new AwaitClassifier(program, { localModules: ['node:crypto', 'axios'] });
    expect(entries(custom.classifyAwaited(markedExpression(file, 'callback')))).toEqual({ network: ['axios.get'] });
    const asNetwork = new AwaitClassifier(program, { networkModules: ['typeorm'] });
    expect(entries(asNetwork.classifyAwaited(markedExpression(file, 'typeorm')))).toEqual({
      network: ['repo.count (typeorm)'],
    });
  });

  it("an unlisted package that depends on an HTTP or socket client (or a scope's fork of one) is network; one that does not stays unknown", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-sdk-'));
    try {
      const sdk = (name: string, dependencies: Record<string, string>): void => {
        const dir = path.join(root, 'node_modules', name);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', types: 'index.d.ts', dependencies }));
        fs.writeFileSync(path.join(dir, 'index.d.ts'), 'export declare class Client { lookup(name: string): Promise<string>; }\n');
      };
      sdk('stream-api', { '@vendor/cross-fetch': '^1.0.0', tslib: '^2.0.0' });
      sdk('@games/scraper', { axios: '^1.0.0' });
      sdk('plain-kit', { tslib: '^2.0.0' });
      const app = path.join(root, 'app.ts');
      fs.writeFileSync(
        app,
        [
          "import { Client as Stream } from 'stream-api';",
          "import { Client as Scraper } from '@games/scraper';",
          "import { Client as Plain } from 'plain-kit';",
          'export async function run(stream: Stream, scraper: Scraper, plain: Plain): Promise<void> {',
          "  await /*@stream*/ stream.lookup('a');",
          "  await /*@scraper*/ scraper.lookup('b');",
          "  await /*@plain*/ plain.lookup('c');",
          '}',
          '',
        ].join('\n'),
      );
      const sdkProgram = ts.createProgram({ rootNames: [app], options: { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, noEmit: true } });
      const appFile = sdkProgram.getSourceFile(app);
      if (appFile == null) throw new Error('app.ts is not in its program');
      const sdkClassifier = new AwaitClassifier(sdkProgram, {});
      const classifyMarked = (marker: string) => entries(sdkClassifier.classifyAwaited(markedExpression(appFile, marker)));
      expect(classifyMarked('stream')).toEqual({ network: ['stream.lookup (stream-api)'] });
      expect(classifyMarked('scraper')).toEqual({ network: ['scraper.lookup'] });
      expect(classifyMarked('plain')).toEqual({ unknown: ['plain.lookup (plain-kit)'] });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('works with strictNullChecks off', () => {
    const loose = fixtureProgram('loose');
    const looseFile = fixtureFile(loose, "loose/analysis.ts");
    const looseClassifier = new AwaitClassifier(loose, {});
    expect(entries(looseClassifier.classifyAwaited(markedExpression(looseFile, 'loose-two-files-away')))).toEqual({
      network: ['Assistant.reply', 'LlmClient.complete', 'openai.chat.completions.create'],
    });
    expect(entries(looseClassifier.classifyAwaited(markedExpression(looseFile, 'loose-maybe-null')))).toEqual({
      database: ['repo.findOne (typeorm)'],
    });
  });
});
