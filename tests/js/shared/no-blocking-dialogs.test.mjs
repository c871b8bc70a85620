// The page never blocks itself: no window.alert, window.confirm or window.prompt (nor a bare
// alert( / confirm( / prompt( call) in any of its modules. Questions use the page's own <dialog>
// (shared/confirm-dialog.js), which leaves the page's scripts running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/js');
const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));

// comments and string contents out, so a word in a message or a note is not a call
function code(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
}

export const BLOCKING = /(?:\b(?:window|globalThis|self|top|parent)\s*\.\s*(?:alert|confirm|prompt)\b)|(?:(?<![.\w$])(?:alert|confirm|prompt)\s*\()/;

test('the scan finds each form of the call', () => {
  for (const sample of ['window.alert("x")', 'window.confirm(`a`)', 'window . prompt("t")', 'alert(1)', ' confirm (x)',
    'x = prompt("q")', 'const f = window.confirm;', 'globalThis.alert(1)']) {
    assert.match(code(sample), BLOCKING, sample);
  }
  for (const sample of ['askConfirm({})', 'this.prompt(x)', 'obj.confirm(1)', '// window.alert(1)', "toast('confirm(')"]) {
    assert.doesNotMatch(code(sample), BLOCKING, sample);
  }
});

test('no module of the page calls alert, confirm or prompt', () => {
  const found = [];
  for (const file of walk(ROOT).filter((f) => f.endsWith('.js'))) {
    const lines = code(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => { if (BLOCKING.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`); });
  }
  assert.deepEqual(found, []);
});
