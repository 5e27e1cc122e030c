import { describe, expect, it } from 'vitest';

import { moduleOriginOfFile } from '../../src/utils/calls/module-origin.js';

describe('moduleOriginOfFile', () => {
  const types = '/app/node_modules/@types/node/';

  it('names a Node built-in by the file @types/node declares it in', () => {
    expect(moduleOriginOfFile(`${types}fs.d.ts`)).toEqual({ kind: 'package', name: 'node:fs' });
    expect(moduleOriginOfFile(`${types}fs/promises.d.ts`)).toEqual({ kind: 'package', name: 'node:fs' });
    expect(moduleOriginOfFile(`${types}readline/promises.d.ts`)).toEqual({ kind: 'package', name: 'node:readline' });
  });

  it('a module split over several files is the module before the dot (Buffer.alloc is node:buffer)', () => {
    expect(moduleOriginOfFile(`${types}buffer.buffer.d.ts`)).toEqual({ kind: 'package', name: 'node:buffer' });
    expect(moduleOriginOfFile(`${types}inspector.generated.d.ts`)).toEqual({ kind: 'package', name: 'node:inspector' });
  });

  it('the copies for older TypeScript versions are the same modules; global declarations are globals', () => {
    expect(moduleOriginOfFile(`${types}ts5.6/buffer.buffer.d.ts`)).toEqual({ kind: 'package', name: 'node:buffer' });
    expect(moduleOriginOfFile(`${types}globals.typedarray.d.ts`)).toEqual({ kind: 'package', name: 'node:globals' });
    expect(moduleOriginOfFile(`${types}ts5.6/globals.typedarray.d.ts`)).toEqual({ kind: 'package', name: 'node:globals' });
    expect(moduleOriginOfFile(`${types}web-globals/fetch.d.ts`)).toEqual({ kind: 'package', name: 'node:globals' });
    expect(moduleOriginOfFile(`${types}compatibility/iterators.d.ts`)).toEqual({ kind: 'package', name: 'node:globals' });
  });

  it('other packages, scoped types, the TypeScript lib and the project', () => {
    expect(moduleOriginOfFile('/app/node_modules/axios/index.d.ts')).toEqual({ kind: 'package', name: 'axios' });
    expect(moduleOriginOfFile('/app/node_modules/@types/scope__name/index.d.ts')).toEqual({ kind: 'package', name: '@scope/name' });
    expect(moduleOriginOfFile('/app/node_modules/typescript/lib/lib.es2022.d.ts')).toEqual({ kind: 'typescript-lib' });
    expect(moduleOriginOfFile('/app/src/orders/orders.service.ts')).toEqual({ kind: 'project' });
  });
});
