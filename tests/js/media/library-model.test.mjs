import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeFetched, upsert } from '../../../web/js/media/library-model.js';

const item = (id, projectId = 'p', name = id) => ({ id, project_id: projectId, name });

test('an import that lands while the project is opening survives the list that was fetched before it', () => {
  const fetched = [item('a')];
  const current = [item('old', 'other'), item('b')]; // the last project's item, and the fresh import
  assert.deepEqual(mergeFetched(fetched, current, 'p').map((m) => m.id), ['a', 'b']);
});

test('the fetched copy of an item wins over the one already held', () => {
  const merged = mergeFetched([item('a', 'p', 'new name')], [item('a', 'p', 'old name')], 'p');
  assert.deepEqual(merged, [item('a', 'p', 'new name')]);
});

test('upsert replaces in place and appends new items, leaving the list it was given alone', () => {
  const list = [item('a'), item('b')];
  assert.deepEqual(upsert(list, item('a', 'p', 'renamed')).map((m) => m.name), ['renamed', 'b']);
  assert.deepEqual(upsert(list, item('c')).map((m) => m.id), ['a', 'b', 'c']);
  assert.deepEqual(list.map((m) => m.name), ['a', 'b']);
});

test('refetched after a reconnect: what was deleted meanwhile goes, what arrived during the refetch stays', () => {
  const before = [item('a'), item('gone')]; // held when the page asked again
  const fetched = [item('a'), item('new')]; // 'gone' was deleted while the stream was down
  const current = [...before, item('late')]; // 'late' was imported while the answer was on its way
  assert.deepEqual(mergeFetched(fetched, current, 'p', before).map((m) => m.id), ['a', 'new', 'late']);
});

test('refetched after a reconnect: an item deleted while the answer was on its way stays deleted', () => {
  const before = [item('a'), item('b')];
  const current = [item('a')]; // a media_deleted event for 'b' came in after the server had answered
  assert.deepEqual(mergeFetched([item('a'), item('b')], current, 'p', before).map((m) => m.id), ['a']);
});

test('refetched after a reconnect: the fetched copy of a held item wins, in the server\'s order', () => {
  const before = [item('b', 'p', 'old'), item('a')];
  const merged = mergeFetched([item('a'), item('b', 'p', 'renamed')], before, 'p', before);
  assert.deepEqual(merged, [item('a'), item('b', 'p', 'renamed')]);
});

test('the takes of one request sit together, by number, where the first of them falls', async () => {
  const { withTakes } = await import('../../../web/js/media/library-model.js');
  const t = (id, take, group = 'g') => ({ id, group_id: group, take });
  const shown = [t('b', 1), { id: 'x' }, t('a', 0), t('solo', 0, 'h'), t('c', 2)];
  const out = withTakes(shown);
  assert.deepEqual(out.map((o) => o.item.id), ['a', 'b', 'c', 'x', 'solo']);
  assert.deepEqual(out.map((o) => o.take && o.take.label), ['Take 1 of 3', 'Take 2 of 3', 'Take 3 of 3', null, null]);
  assert.deepEqual(out.map((o) => Boolean(o.take && o.take.first)), [true, false, false, false, false]);
  const filtered = withTakes([t('b', 1)], shown); // a search shows one take: still "of 3"
  assert.equal(filtered[0].take.label, 'Take 2 of 3');
});
