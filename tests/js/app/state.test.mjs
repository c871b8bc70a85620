import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createState, jobsNewestFirst, mediaDuration, nextSelection, playheadWithin, projectToOpen, splitTargets,
} from '../../../web/js/app/state.js';

const doc = {
  tracks: [
    { id: 'v1', clips: [{ id: 'a', start: 0, in: 0, out: 4 }, { id: 'b', start: 6, in: 0, out: 2 }] },
    { id: 't1', clips: [{ id: 't', start: 1, duration: 3 }] },
  ],
};

test('a new state holds no project, and an empty undo history', () => {
  const state = createState();
  assert.equal(state.project, null);
  assert.equal(state.timeline, null);
  assert.deepEqual(state.selected, []);
  assert.equal(state.history.canUndo, false);
  assert.equal(state.history.canRedo, false);
  assert.notEqual(createState().jobs, state.jobs); // each state its own
});

test('jobs are shown newest first', () => {
  const jobs = new Map([['1', { id: '1', created_at: '2026-01-01T10:00:00Z' }], ['2', { id: '2', created_at: '2026-01-01T11:00:00Z' }]]);
  assert.deepEqual(jobsNewestFirst(jobs).map((j) => j.id), ['2', '1']);
});

test('a clip of a video can be trimmed to its media end; a still or unknown media has none', () => {
  const media = [{ id: 'v', kind: 'video', duration: 4.5 }, { id: 'i', kind: 'image', duration: null }];
  assert.equal(mediaDuration(media, 'v'), 4.5);
  assert.equal(mediaDuration(media, 'i'), Infinity);
  assert.equal(mediaDuration(media, 'gone'), Infinity);
});

test('a click selects those clips; with Shift or Ctrl it toggles each in the selection', () => {
  assert.deepEqual(nextSelection(['a'], ['b'], false), ['b']);
  assert.deepEqual(nextSelection(['a'], ['b'], true), ['a', 'b']);
  assert.deepEqual(nextSelection(['a', 'b'], ['a'], true), ['b']);
  assert.deepEqual(nextSelection(['a'], [], false), []);
});

test('Split cuts the selected clips, or else every clip (those under the playhead split)', () => {
  assert.deepEqual(splitTargets(doc, ['b']), ['b']);
  assert.deepEqual(splitTargets(doc, []), ['a', 'b', 't']);
});

test('the playhead stays between 0 and the end of the timeline', () => {
  assert.equal(playheadWithin(doc, -1), 0);
  assert.equal(playheadWithin(doc, 5), 5);
  assert.equal(playheadWithin(doc, 99), 8);
  assert.equal(playheadWithin({ tracks: [] }, 3), 0);
});

test('at start the project opened last time opens, or else the first, or none', () => {
  const projects = [{ id: 'p1' }, { id: 'p2' }];
  assert.equal(projectToOpen(projects, 'p2'), 'p2');
  assert.equal(projectToOpen(projects, 'deleted'), 'p1');
  assert.equal(projectToOpen(projects, null), 'p1');
  assert.equal(projectToOpen([], 'p1'), null);
});
