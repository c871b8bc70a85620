// The shape of the page's code (web/js): feature folders, wired by main.js, with the arrows
// pointing one way, and every URL in one module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/js');
const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
const modules = walk(ROOT).filter((f) => f.endsWith('.js')).map((f) => relative(ROOT, f).split('\\').join('/'));
const source = (m) => readFileSync(join(ROOT, m), 'utf8');
const imports = (m) => [...source(m).matchAll(/(?:\bfrom\s+|\bimport\s*\()\s*['"]([^'"]+)['"]/g)]
  .map((x) => relative(ROOT, resolve(dirname(join(ROOT, m)), x[1])).split('\\').join('/'));
const FEATURES = ['timeline', 'preview', 'inspector', 'media', 'generate', 'export', 'settings', 'projects', 'interchange', 'captions'];
const folder = (m) => (m.includes('/') ? m.split('/')[0] : '');

test('main.js is the only module outside a folder, and every folder is one the page expects', () => {
  assert.deepEqual(modules.filter((m) => !m.includes('/')), ['main.js']);
  for (const m of modules) if (m !== 'main.js') assert.ok(['app', 'shared', ...FEATURES].includes(folder(m)), m);
});

test('every import names a module that exists', () => {
  for (const m of modules) for (const dep of imports(m)) assert.ok(existsSync(join(ROOT, dep)), `${m} imports ${dep}`);
});

test('no arrow runs back up: shared < features < app < main.js', () => {
  const wrong = [];
  for (const m of modules) {
    for (const dep of imports(m)) {
      if (dep === 'main.js') wrong.push(`${m} imports ${dep}`);
      else if (folder(m) === 'shared' && folder(dep) !== 'shared') wrong.push(`${m} imports ${dep}`);
      // a feature asks the server through app/api.js, and nothing else of the app's
      else if (FEATURES.includes(folder(m)) && folder(dep) === 'app' && dep !== 'app/api.js') wrong.push(`${m} imports ${dep}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('every URL the page asks for is written in app/api.js', () => {
  const url = /['"`](?:api|media)\//;
  const found = modules.filter((m) => m !== 'app/api.js')
    .flatMap((m) => source(m).split('\n').map((line, i) => [m, i + 1, line]))
    .filter(([, , line]) => url.test(line) && !line.trim().startsWith('//'))
    .map(([m, n, line]) => `${m}:${n}: ${line.trim()}`);
  assert.deepEqual(found, []);
});
