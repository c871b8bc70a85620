// The shortcut sheet and the key bindings come from one table (web/js/app/shortcuts.js): every row
// is bound by keys.js to its action, and listed on the sheet, once, with every way to press it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GROUPS, SHORTCUTS, keyLabel, matchShortcut, sheetGroups } from '../../../web/js/app/shortcuts.js';
import { bindKeys } from '../../../web/js/app/keys.js';

const source = (m) => readFileSync(new URL(`../../../web/js/app/${m}`, import.meta.url), 'utf8');

// A key press as the browser would send it for one way of pressing a row.
function press(k, target = { closest: () => null }) {
  const shifted = { '?': true }[k.key] || false;
  let prevented = false;
  return {
    code: k.code || 'Slash', key: k.key || '', ctrlKey: Boolean(k.ctrl), metaKey: false, altKey: Boolean(k.alt),
    shiftKey: Boolean(k.shift) || shifted, target, get defaultPrevented() { return prevented; },
    preventDefault() { prevented = true; },
  };
}

// keys.js bound to a fake document, with actions that record what they are asked.
function bound({ timeline = {} } = {}) {
  let handler = null;
  const calls = [];
  const target = { addEventListener: (name, fn) => { assert.equal(name, 'keydown'); handler = fn; } };
  const actions = new Proxy({}, { get: (_, name) => (detail) => { calls.push([name, detail]); } });
  bindKeys(target, { state: { timeline }, actions });
  return { calls, dispatch: (event) => { handler(event); return event; } };
}

// a focused timeline clip, as keys.js finds it from the event's target
const onClip = (id = 'c1') => ({ closest: (sel) => (sel.startsWith('.clip') ? { dataset: { clipId: id } } : null) });

test('every way to press every row runs that row’s action with its detail, and nothing else', () => {
  const { calls, dispatch } = bound();
  let count = 0;
  for (const entry of SHORTCUTS) {
    for (const k of entry.keys) {
      assert.equal(matchShortcut(press(k), undefined, { onClip: Boolean(entry.onClip) }), entry,
        `${keyLabel(k)} is ${entry.description}`);
      const e = dispatch(press(k, entry.onClip ? onClip() : undefined));
      assert.ok(e.defaultPrevented, keyLabel(k));
      count += 1;
      if (entry.onClip) {
        assert.deepEqual(calls.at(-1), [entry.action, { ...entry.detail, ids: ['c1'], clipId: 'c1' }]);
      } else {
        assert.deepEqual(calls.at(-1), [entry.action, { ...entry.detail }]);
      }
    }
  }
  assert.equal(calls.length, count);
});

test('on a focused clip the arrows move the focus, Space selects, and an edit selects the clip first', async () => {
  const { calls, dispatch } = bound();
  dispatch(press({ code: 'ArrowRight' }, onClip('k')));
  dispatch(press({ code: 'Space' }, onClip('k')));
  dispatch(press({ code: 'ArrowRight' }));
  dispatch(press({ code: 'ArrowUp' }));
  dispatch(press({ code: 'KeyS' }, onClip('k')));
  dispatch(press({ code: 'BracketLeft' }, onClip('k')));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls, [
    ['focusclip', { key: 'ArrowRight', ids: ['k'], clipId: 'k' }],
    ['selectclips', { ids: ['k'], clipId: 'k' }],
    ['stepframes', { frames: 1 }],
    ['jumpedit', { dir: -1 }],
    ['selectclips', { ids: ['k'] }], ['split', {}],
    ['selectclips', { ids: ['k'] }], ['trimtoplayhead', { edge: 'start' }],
  ]);
  // off a clip, Enter edits the selected title's text
  const off = bound();
  off.dispatch(press({ code: 'Enter' }));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(off.calls, [['edittext', {}]]);
  // but Enter on a button presses the button
  const onButton = bound();
  onButton.dispatch(press({ code: 'Enter' }, { closest: (sel) => (sel.startsWith('button') ? {} : null) }));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(onButton.calls, []);
  // a clip focused by a click (not :focus-visible) keeps the arrows for the playhead
  const clicked = bound();
  const target = { closest: (sel) => (sel.startsWith('.clip') ? { dataset: { clipId: 'k' }, matches: () => false } : null) };
  clicked.dispatch(press({ code: 'ArrowRight' }, target));
  assert.deepEqual(clicked.calls, [['stepframes', { frames: 1 }]]);
});

test('no two rows share a key (on a focused clip, no two of its own rows), and every row has a group the sheet shows', () => {
  const seen = new Map();
  for (const entry of SHORTCUTS) {
    assert.ok(GROUPS.includes(entry.group), entry.group);
    assert.ok(entry.description && entry.keys.length, entry.action);
    for (const k of entry.keys) {
      const label = `${entry.onClip ? 'clip ' : ''}${keyLabel(k)}`;
      assert.ok(!seen.has(label), `${label}: ${seen.get(label)} and ${entry.description}`);
      seen.set(label, entry.description);
    }
  }
});

test('the sheet lists every row of the table once, grouped, with every way to press it', () => {
  const groups = sheetGroups();
  const rows = groups.flatMap((g) => g.rows);
  assert.deepEqual(rows.map((r) => r.entry).sort((a, b) => SHORTCUTS.indexOf(a) - SHORTCUTS.indexOf(b)), [...SHORTCUTS]);
  for (const g of groups) for (const r of g.rows) {
    assert.equal(r.entry.group, g.group);
    assert.deepEqual(r.keys, r.entry.keys.map((k) => keyLabel(k)));
  }
  assert.deepEqual(groups.map((g) => g.group), GROUPS.filter((g) => SHORTCUTS.some((e) => e.group === g)));
  const labels = rows.flatMap((r) => r.keys);
  for (const want of ['Shift+Delete', 'Ctrl+C', 'Ctrl+V', 'Ctrl+D', 'Ctrl+A', 'Esc', 'Alt+←', ',', 'Alt+Shift+→', 'M',
    'Shift+↑', 'Shift+↓', '↑', '↓', 'N', 'Shift+Z', '?', 'Ctrl+Shift+Z', 'Ctrl+Y', 'Space']) assert.ok(labels.includes(want), want);
  assert.equal(keyLabel({ code: 'KeyZ', ctrl: true, shift: true }, { mac: true }), '⌘+Shift+Z');
});

test('keys.js and the sheet take their keys from the table and name none of their own', () => {
  const keys = source('keys.js');
  const sheet = source('shortcut-sheet.js');
  assert.match(keys, /import \{ matchShortcut \} from '\.\/shortcuts\.js'/);
  assert.match(sheet, /import \{ sheetGroups \} from '\.\/shortcuts\.js'/);
  for (const text of [keys, sheet]) {
    assert.doesNotMatch(text, /['"](Key[A-Z]|Arrow\w+|Digit\d|Space|Delete|Backspace|Home|End|Comma|Period|Escape)['"]/);
    assert.doesNotMatch(text, /e\.code\s*===|e\.key\s*===/);
  }
  // every action the table names is a verb of the app's actions
  const actions = source('actions.js');
  for (const { action } of SHORTCUTS) assert.match(actions, new RegExp(`\\n    (async )?${action}(\\(|: )`), action);
});

test('keys are ignored while typing in a field, in a dialog, or with no project open (but ?)', () => {
  const typing = bound();
  typing.dispatch(press({ code: 'KeyM' }, { closest: () => ({}) }));
  assert.deepEqual(typing.calls, []);
  const none = bound({ timeline: null });
  none.dispatch(press({ code: 'KeyM' }));
  none.dispatch(press({ key: '?' }));
  assert.deepEqual(none.calls, [['shortcuts', {}]]);
  const other = bound();
  other.dispatch(press({ code: 'KeyQ' }));
  other.dispatch(press({ code: 'KeyM', ctrl: true })); // a modifier the row does not take
  assert.deepEqual(other.calls, []);
});
