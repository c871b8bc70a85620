// The desktop menu's page side: each name runs the page's own action, what needs a project says
// so instead, and Cut, Copy, Paste and Select all leave a focused text field to the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindMenu, ZOOM_STEP } from '../../../web/js/app/menu.js';

function app({ timeline = { zoom: 50, playhead: 3 }, project = { id: 'p' }, focused = null } = {}) {
  const calls = [];
  const actions = new Proxy({}, { get: (_, name) => (detail) => { calls.push([name, detail]); } });
  const projects = { dispatchEvent(e) { calls.push(['sent', e.type]); return true; } };
  const win = {};
  const doc = { activeElement: focused };
  const failed = [];
  bindMenu(win, doc, { state: { timeline, project }, actions, parts: { projects }, fail: (e) => failed.push(e) });
  return { menu: win.reelcutMenu, calls, failed };
}
const settle = () => new Promise((resolve) => setTimeout(resolve));

test('a menu name runs the action of the page', async () => {
  const { menu, calls } = app();
  assert.equal(menu('undo'), 'done');
  assert.equal(menu('openproject', { id: 'q' }), 'done');
  assert.equal(menu('zoomin'), 'done');
  await settle();
  assert.deepEqual(calls, [['undo', undefined], ['openproject', { id: 'q' }],
    ['zoom', { zoom: 50 * ZOOM_STEP, anchor: 3 }]]);
});

test('New project opens the projects bar\'s own form', async () => {
  const { menu, calls } = app({ timeline: null, project: null });
  assert.equal(menu('newproject'), 'done');
  await settle();
  assert.deepEqual(calls, [['sent', 'asknewproject']]);
});

test('without a project an edit is told, not run', async () => {
  const { menu, calls } = app({ timeline: null, project: null });
  assert.equal(menu('undo'), 'done');
  assert.equal(menu('import'), 'done');
  await settle();
  assert.deepEqual(calls.map(([name]) => name), ['toast', 'toast']);
  assert.equal(calls[0][1].kind, 'warn');
});

test('in a text field the clipboard items are the field\'s', async () => {
  const field = { closest: (sel) => (sel.includes('input') ? field : null) };
  const { menu, calls } = app({ focused: field });
  for (const name of ['undo', 'redo', 'cutclips', 'copyclips', 'pasteclips', 'selectall']) assert.equal(menu(name), 'text');
  assert.equal(menu('zoomin'), 'done'); // the rest are the page's still
  await settle();
  assert.deepEqual(calls.map(([name]) => name), ['zoom']);
});

test('an unknown name is said to be so', () => {
  const { menu } = app();
  assert.equal(menu('launchmissiles'), 'unknown');
  assert.equal(menu('toString'), 'unknown');
});
