import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incoming, isNews, othersStep } from '../../../web/js/app/live-model.js';

const me = { projectId: 'p1', revision: 4, client: 'tab-a' };

test('an agent\'s change of the open project at a newer revision is news', () => {
  assert.equal(isNews({ project_id: 'p1', revision: 5, source: 'mcp', client: null }, me), true);
  assert.equal(isNews({ project_id: 'p1', revision: 9, source: 'page', client: 'tab-b' }, me), true);
});

test('the window\'s own save, another project, or a revision it has is not news', () => {
  // its own save: its answer may not have come yet, so the revision alone cannot tell
  assert.equal(isNews({ project_id: 'p1', revision: 5, source: 'page', client: 'tab-a' }, me), false);
  assert.equal(isNews({ project_id: 'p2', revision: 5, source: 'mcp' }, me), false);
  assert.equal(isNews({ project_id: 'p1', revision: 4, source: 'mcp' }, me), false);
  assert.equal(isNews({ project_id: 'p1', revision: 3, source: 'mcp' }, me), false);
  assert.equal(isNews({ project_id: 'p1', source: 'mcp' }, me), false);
  assert.equal(isNews({ project_id: 'p1', revision: 5 }, { ...me, projectId: null }), false);
  assert.equal(isNews(null, me), false);
});

test('a window still opening the project (no revision read yet) waits for what it reads', () => {
  assert.equal(isNews({ project_id: 'p1', revision: 0, source: 'mcp' }, { ...me, revision: null }), false);
});

const doc = (clips, extra = {}) => ({ version: 2, fps: 30, width: 1920, height: 1080, playhead: 0, zoom: 50,
  tracks: [{ id: 'v1', kind: 'video', clips }], markers: [], ...extra });
const clip = (id, start) => ({ id, media_id: 'm1', start, in: 0, out: 2 });

test('with nothing of its own unsaved, the window shows the server\'s copy', () => {
  const saved = doc([clip('a', 0)]);
  const fresh = doc([clip('a', 0), clip('b', 5)]);
  const out = incoming(saved, { ...saved, playhead: 3 }, fresh); // the view is not an edit
  assert.equal(out.doc, fresh);
  assert.equal(out.kept, false);
});

test('an unsaved edit of the window is made again on the server\'s copy', () => {
  const saved = doc([clip('a', 0)]);
  const mine = doc([{ ...clip('a', 0), start: 1 }]);
  const fresh = doc([clip('a', 0), clip('b', 5)]);
  const out = incoming(saved, mine, fresh);
  assert.equal(out.kept, true);
  assert.deepEqual(out.doc.tracks[0].clips.map((c) => [c.id, c.start]), [['a', 1], ['b', 5]]);
});

test('an undo that took back an agent\'s change, or another window\'s, says so; one of the window\'s own does not', () => {
  const own = new Set([7, 9]);
  assert.equal(othersStep({ revision: 8, source: 'mcp' }, own), true);
  assert.equal(othersStep({ revision: 3, source: 'page' }, own), true, 'another window, or this one before a reload');
  assert.equal(othersStep({ revision: 9, source: 'page' }, own), false);
  assert.equal(othersStep({ revision: 7, source: 'api' }, own), true);
  assert.equal(othersStep(undefined, own), false, 'an older server, no step told: nothing said');
});
