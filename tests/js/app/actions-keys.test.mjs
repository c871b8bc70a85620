// Every shortcut's action, run on a small document as the keys run it: each edit is one step of
// the project's history (one call of project.edit), and what is refused is told in a toast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createActions } from '../../../web/js/app/actions.js';
import { SHORTCUTS } from '../../../web/js/app/shortcuts.js';

const sent = [];
const part = () => ({ dispatchEvent(e) { sent.push([e.type, e.detail]); return true; }, clientWidth: 1000 });

function app() {
  const state = {
    timeline: {
      version: 2, fps: 25, width: 1920, height: 1080, playhead: 1, zoom: 50, markers: [],
      tracks: [{ id: 'v', kind: 'video', clips: [
        { id: 'a', media_id: 'm', start: 0, in: 0, out: 2 }, { id: 'b', media_id: 'm', start: 2, in: 0, out: 2 },
        { id: 'c', media_id: 'm', start: 6, in: 0, out: 2 }] }],
    },
    media: [{ id: 'm', kind: 'video', duration: 10 }], selected: [], history: { canUndo: false, canRedo: false }, limits: null,
    snapping: true, clipboard: null, marks: { in: null, out: null },
  };
  const log = { edits: 0, toasts: [], sheet: 0, shown: 0 };
  // as the server's history (library/history.py): each edit a step, undo and redo walk them
  const past = [];
  const future = [];
  const project = {
    edit(next) {
      if (next && next !== state.timeline) { past.push(state.timeline); future.length = 0; state.timeline = next; log.edits += 1; }
    },
    async undo() { if (past.length) { future.push(state.timeline); state.timeline = past.pop(); } },
    async redo() { if (future.length) { past.push(state.timeline); state.timeline = future.pop(); } },
    saveViewSoon() {},
  };
  const show = { toast: (m) => log.toasts.push(m), fail: (e) => { throw e; }, timeline: () => { log.shown += 1; } };
  const parts = { timeline: part(), inspector: part(), preview: part(), captions: part(), exportDialog: part() };
  const actions = createActions({ parts, state, show, project, sheet: { open: () => { log.sheet += 1; } } });
  return { state, actions, log };
}
const starts = (state) => state.timeline.tracks[0].clips.map((c) => [c.id, Number(c.start.toFixed(4))]);

test('every row of the table runs, with a selection and without', async () => {
  for (const selected of [[], ['b']]) {
    for (const entry of SHORTCUTS) {
      const { state, actions } = app();
      state.selected = selected;
      // a row for a focused clip gets the clip, as keys.js passes it
      await actions[entry.action](entry.onClip ? { ...entry.detail, ids: ['a'], clipId: 'a' } : { ...entry.detail });
    }
  }
});

test('[ and ] trim the selected clip to the playhead in one step; outside it, they say so', () => {
  const { state, actions, log } = app();
  state.selected = ['b'];
  state.timeline.playhead = 2.5;
  actions.trimtoplayhead({ edge: 'start' });
  const b = () => state.timeline.tracks[0].clips.find((c) => c.id === 'b');
  assert.deepEqual([b().start, b().in, b().out], [2.5, 0.5, 2]);
  state.timeline.playhead = 3.5;
  actions.trimtoplayhead({ edge: 'end' });
  assert.deepEqual([b().start, b().in, b().out], [2.5, 0.5, 1.5]);
  assert.equal(log.edits, 2);
  state.timeline.playhead = 7;
  actions.trimtoplayhead({ edge: 'end' });
  assert.equal(log.edits, 2);
  assert.match(log.toasts.at(-1), /not inside a selected clip/);
  state.selected = [];
  actions.trimtoplayhead({ edge: 'start' });
  assert.match(log.toasts.at(-1), /Select a clip/);
});

test('Add to the timeline puts the item on the first track of its kind at the playhead, else after its last clip', () => {
  const { state, actions, log } = app();
  state.timeline.playhead = 8.5;
  actions.addtotimeline({ mediaId: 'm' });
  const clips = () => state.timeline.tracks[0].clips;
  const added = clips().find((c) => c.id === state.selected[0]);
  assert.equal(added.start, 8.5);
  state.timeline.playhead = 1; // inside a: no room there, so after the last clip
  actions.addtotimeline({ mediaId: 'm' });
  assert.equal(clips().find((c) => c.id === state.selected[0]).start, 18.5);
  assert.equal(log.edits, 2);
});

test('an arrow on a focused clip asks the timeline to move its focus', () => {
  const { actions } = app();
  sent.length = 0;
  actions.focusclip({ key: 'ArrowUp', clipId: 'a' });
  assert.deepEqual(sent, [['movefocus', { key: 'ArrowUp', clipId: 'a' }]]);
});

test('each edit by a key is one undo step', async () => {
  const { state, actions, log } = app();
  state.selected = ['b'];
  actions.rippledelete();
  assert.deepEqual(starts(state), [['a', 0], ['c', 4]]);
  assert.equal(log.edits, 1);
  await actions.undo();
  assert.deepEqual(starts(state), [['a', 0], ['b', 2], ['c', 6]]);
  state.selected = ['a'];
  actions.copyclips();
  state.timeline.playhead = 4;
  actions.pasteclips();
  assert.equal(state.timeline.tracks[0].clips.length, 4);
  assert.deepEqual(state.selected.length, 1, 'the pasted clip is selected');
  actions.duplicateclips();
  assert.equal(state.timeline.tracks[0].clips.length, 5);
  actions.selectall();
  assert.equal(state.selected.length, 5);
  actions.nudge({ frames: 1 });
  assert.deepEqual(log.edits, 4);
  assert.equal(starts(state)[0][1], 0.04);
  actions.nudge({ frames: -10 });
  assert.match(log.toasts.at(-1), /No room to nudge the selection 10 frames left/);
  actions.clearselection();
  assert.deepEqual(state.selected, []);
  actions.addmarker();
  assert.deepEqual(state.timeline.markers.map((m) => [m.time, m.name]), [[4, 'Marker 1']]);
  const { id } = state.timeline.markers[0];
  actions.renamemarker({ id, name: 'Drop' });
  actions.movemarker({ id, time: 5 });
  assert.deepEqual(state.timeline.markers.map((m) => [m.time, m.name]), [[5, 'Drop']]);
  actions.deletemarker({ id });
  assert.deepEqual(state.timeline.markers, []);
  assert.equal(log.edits, 8);
  for (let i = 0; i < 7; i += 1) await actions.undo(); // each edit since the first undo
  assert.deepEqual(starts(state), [['a', 0], ['b', 2], ['c', 6]]);
  assert.deepEqual(state.timeline.markers, []);
});

test('snapping, zoom to fit, jumps and the sheet', async () => {
  const { state, actions, log } = app();
  actions.togglesnapping();
  assert.equal(state.snapping, false);
  actions.zoomtofit({ width: 824 });
  assert.equal(state.timeline.zoom, 100);
  assert.deepEqual(sent.at(-1), ['zoomlevel', { zoom: 100, anchor: 0, fit: true }]);
  assert.equal(log.edits, 0, 'a zoom is no edit');
  actions.jumpedit({ dir: 1 });
  assert.equal(state.timeline.playhead, 2);
  actions.jumpmarker({ dir: 1 });
  assert.equal(state.timeline.playhead, 2, 'no marker: the playhead stays');
  actions.closegap({});
  assert.match(log.toasts.at(-1), /a clip is under it/);
  state.timeline.playhead = 5;
  actions.closegap({});
  assert.deepEqual(starts(state), [['a', 0], ['b', 2], ['c', 4]]);
  actions.shortcuts();
  assert.equal(log.sheet, 1);
  assert.equal(log.edits, 1, 'only the close gap was an edit');
});

test('cut takes the clips out in one step and paste puts them back at the playhead', () => {
  const { state, actions, log } = app();
  state.selected = ['a', 'b'];
  actions.cutclips();
  assert.deepEqual(starts(state), [['c', 6]]);
  assert.deepEqual(state.selected, []);
  state.timeline.playhead = 8;
  actions.pasteclips();
  assert.deepEqual(starts(state).map(([, s]) => s), [6, 8, 10]);
  assert.equal(log.edits, 2);
  actions.pasteclips(); // again: after the first paste, where it fits
  assert.deepEqual(starts(state).map(([, s]) => s), [6, 8, 10, 12, 14]);
  state.selected = [];
  actions.copyclips();
  assert.match(log.toasts.at(-1), /Select the clips to copy/);
});

test('I and O mark the export range at the playhead, Alt+X clears it; the view is saved, the document untouched', () => {
  const { state, actions, log } = app();
  const doc = state.timeline;
  sent.length = 0;
  state.timeline.playhead = 0.6;
  actions.setmark({ which: 'in' });
  state.timeline.playhead = 1.61; // on the nearest frame of the 25 fps timeline
  actions.setmark({ which: 'out' });
  assert.deepEqual(state.marks, { in: 0.6, out: 1.6 });
  assert.equal(state.timeline, doc, 'marking is not an edit');
  assert.equal(log.edits, 0);
  assert.ok(log.shown >= 2, 'the ruler is redrawn');
  // the open dialog hears of the new range
  assert.deepEqual(sent.filter(([type]) => type === 'context').at(-1)[1].marks, { in: 0.6, out: 1.6 });
  // an In point past the Out point starts a new stretch: the Out point goes
  state.timeline.playhead = 3;
  actions.setmark({ which: 'in' });
  assert.deepEqual(state.marks, { in: 3, out: null });
  actions.clearmarks();
  assert.deepEqual(state.marks, { in: null, out: null });
});
