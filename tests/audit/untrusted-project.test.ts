/**
 * The audit is safe on untrusted code: it runs nothing from the audited project and writes nothing
 * into it. The project below has every hook that could run code — an ESLint config in each file
 * format, a TypeScript server plugin in its tsconfig, and its own `typescript`, parser and plugin
 * packages — each of which writes a marker file when it is loaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditReport } from '../../src/audit/report.js';
import { eslintBin, repoRoot } from '../support/paths.js';
import { run } from '../support/run.js';
import { describeRunShort, runCli, treeSnapshot } from './support.js';

let workDir = '';
let projectDir = '';
let markerDir = '';

/** A module that leaves a marker named `name` when it is loaded, in either module system. */
function markerModule(name: string, esm: boolean): string {
  const marker = JSON.stringify(path.join(markerDir, name));
  return esm
    ? `import fs from 'node:fs';\nfs.writeFileSync(${marker}, 'loaded');\nexport default [];\n`
    : `require('node:fs').writeFileSync(${marker}, 'loaded');\nmodule.exports = function () { return { create: (info) => info.languageService }; };\n`;
}

function write(file: string, content: string): void {
  const full = path.join(projectDir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-untrusted-'));
  projectDir = path.join(workDir, 'project');
  markerDir = path.join(workDir, 'markers');
  fs.mkdirSync(markerDir);

  write('package.json', `${JSON.stringify({ name: 'untrusted', private: true, type: 'module' })}\n`);
  write(
    'tsconfig.json',
    `${JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        strictPropertyInitialization: false,
        experimentalDecorators: true,
        skipLibCheck: true,
        types: [],
        plugins: [{ name: 'evil-ts-plugin' }],
      },
      include: ['src'],
    })}\n`,
  );
  write('eslint.config.js', markerModule('eslint.config.js', true));
  write('eslint.config.mjs', markerModule('eslint.config.mjs', true));
  write('eslint.config.cjs', markerModule('eslint.config.cjs', false));
  write('.eslintrc.cjs', markerModule('.eslintrc.cjs', false));
  for (const name of ['evil-ts-plugin', 'typescript', '@typescript-eslint/parser', 'eslint-plugin-race-guard', 'eslint']) {
    write(`node_modules/${name}/package.json`, `${JSON.stringify({ name, version: '99.0.0', main: 'index.js' })}\n`);
    write(`node_modules/${name}/index.js`, markerModule(name.replace('/', '+'), false));
  }
  // Real TypeORM declarations, so the audit has something to find.
  fs.symlinkSync(path.join(repoRoot, 'node_modules', 'typeorm'), path.join(projectDir, 'node_modules', 'typeorm'), 'dir');
  write(
    'src/order.entity.ts',
    `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar' })
  status: 'open' | 'paid';

  @Column({ type: 'varchar', nullable: true })
  note: string | null;
}
`,
  );
  write(
    'src/payment.service.ts',
    `import type { Repository } from 'typeorm';

import { Order } from './order.entity.js';

declare function chargeCard(orderId: number): Promise<string>;

export class PaymentService {
  constructor(private readonly orders: Repository<Order>) {}

  async pay(orderId: number): Promise<void> {
    const order = await this.orders.findOneBy({ id: orderId });
    if (!order) return;
    order.note = await chargeCard(order.id);
    await this.orders.save(order);
  }

  async markPaid(orderId: number): Promise<void> {
    await this.orders.update({ id: orderId }, { status: 'paid' });
  }
}
`,
  );
});

afterAll(() => {
  if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
});

describe('race-guard audit on an untrusted project', () => {
  it('loads none of its config, plugins or packages, writes nothing into it, and still audits it', async () => {
    const before = treeSnapshot(projectDir);
    const results = await Promise.all([
      runCli(['audit', '.', '--format', 'json'], projectDir),
      runCli(['audit', projectDir, '--format', 'sarif'], workDir),
    ]);
    for (const result of results) expect(result.code, describeRunShort(result)).toBe(1);

    expect(fs.readdirSync(markerDir)).toEqual([]);
    expect(treeSnapshot(projectDir)).toEqual(before);

    const report = JSON.parse(results[0].stdout) as AuditReport;
    const staleSave = report.findings.find((finding) => finding.ruleId === 'race-guard/no-stale-save');
    expect(staleSave).toMatchObject({ location: { file: 'src/payment.service.ts', line: 14 }, function: 'PaymentService.pay' });
    expect(staleSave?.concurrentWriters).toContainEqual({
      property: 'status',
      column: 'status',
      via: 'explicit',
      writers: [{ function: 'PaymentService.markPaid', file: 'src/payment.service.ts', line: 18, operation: 'update' }],
    });
  }, 180_000);

  // The control: the same project does run code when tools load it the ordinary way.
  it('has markers that fire: plain ESLint loads its config, Node its packages', async () => {
    const eslint = await run(process.execPath, [eslintBin, 'src'], { cwd: projectDir });
    expect(eslint.code, eslint.stderr).not.toBeNull();
    const node = await run(process.execPath, ['-e', "require('typescript')"], { cwd: projectDir });
    expect(node.code, node.stderr).toBe(0);
    expect(fs.readdirSync(markerDir).sort()).toEqual(['eslint.config.js', 'typescript']);
  }, 120_000);
});
