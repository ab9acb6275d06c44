import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { renderEcho } from '../../src/installer/plan-echo.js';

/**
 * The TypeScript echo files must compile in a Vite + TypeScript app (strict, bundler resolution,
 * vite/client's import.meta.env) against the real laravel-echo, pusher-js, axios and
 * @laravel/echo-react / -vue types.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// Under the repository so module resolution finds its node_modules.
const dir = mkdtempSync(join(REPO, 'node_modules', '.typecheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VITE_CLIENT = `
// What vite/client declares for import.meta.env.
interface ImportMetaEnv { readonly [key: string]: any }
interface ImportMeta { readonly env: ImportMetaEnv }
`;

function typecheck(files: Record<string, string>): string[] {
  const sub = mkdtempSync(join(dir, 'case-'));
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(sub, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    paths.push(path);
  }
  const program = ts.createProgram(paths, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    allowSyntheticDefaultImports: true,
    esModuleInterop: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const variants = [
  { prefix: 'REVERB', serverAuth: false, axios: true },
  { prefix: 'REVERB', serverAuth: true, axios: true },
  { prefix: 'PUSHER', serverAuth: true, axios: false },
  { prefix: 'PUSHER', serverAuth: false, axios: false },
] as const;

describe('generated echo.ts compiles under strict TypeScript', () => {
  it.each(variants)('window.Echo flavour, $prefix, server auth $serverAuth, axios $axios', ({ prefix, serverAuth, axios }) => {
    const source = renderEcho({ kind: 'global', ts: true }, prefix, serverAuth, axios);
    expect(typecheck({ 'echo.ts': source, 'vite-env.d.ts': VITE_CLIENT })).toEqual([]);
  });

  it.each(variants)('configureEcho flavour (React and Vue), $prefix, server auth $serverAuth, axios $axios', ({ prefix, serverAuth, axios }) => {
    for (const kind of ['react', 'vue'] as const) {
      const source = renderEcho({ kind, ts: true }, prefix, serverAuth, axios);
      expect(typecheck({ 'echo.ts': source, 'vite-env.d.ts': VITE_CLIENT })).toEqual([]);
    }
  });
});
