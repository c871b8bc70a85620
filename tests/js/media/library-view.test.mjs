import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  collisionTags, detailRows, matches, origin, renameTo, shortId, shortTime, visibleItems,
} from '../../../web/js/media/library-model.js';

const gen = (id, name, prompt, extra = {}) => ({
  id, name, kind: 'video', duration: 5, created_at: '2026-12-07T10:00:00Z',
  source: { type: 'generation', model_id: 'ltx-video', prompt, params: { seconds: 5 } }, ...extra,
});
const imp = (id, name, extra = {}) => ({
  id, name, kind: 'video', duration: 3, created_at: '2026-12-07T09:00:00Z', source: { type: 'import', original_name: `${name}.mp4` }, ...extra,
});

const library = [
  gen('a1', 'A red fox', 'A red fox in the snow', { created_at: '2026-12-07T10:00:01Z', duration: 8 }),
  imp('b2', 'Interview take 2', { kind: 'video', duration: 60, created_at: '2026-12-07T08:00:00Z' }),
  imp('c3', 'logo', { kind: 'image', duration: null, created_at: '2026-12-07T11:00:00Z' }),
  imp('d4', 'music', { kind: 'audio', duration: 120, created_at: '2026-12-07T07:00:00Z' }),
  gen('e5', 'Ocean waves', 'waves on a rocky shore at dusk', { created_at: '2026-12-07T12:00:00Z', duration: 4 }),
];
const ids = (list) => list.map((m) => m.id);

test('the search finds every word, in any case, in the name or the prompt', () => {
  assert.deepEqual(ids(visibleItems(library, { query: 'FOX', sort: 'oldest' })), ['a1']);
  assert.deepEqual(ids(visibleItems(library, { query: 'rocky dusk' })), ['e5']); // words of the prompt only
  assert.deepEqual(ids(visibleItems(library, { query: 'rocky fox' })), []);
  assert.equal(matches(library[1], '  '), true);
  assert.equal(matches(library[1], 'take 2.mp4'), true); // the imported file's original name
  assert.equal(matches(library[0], 'ltx'), true); // the model
});

test('filters by kind and by where the item came from', () => {
  assert.deepEqual(ids(visibleItems(library, { kind: 'audio' })), ['d4']);
  assert.deepEqual(ids(visibleItems(library, { kind: 'image' })), ['c3']);
  assert.deepEqual(ids(visibleItems(library, { origin: 'generated', sort: 'oldest' })), ['a1', 'e5']);
  assert.deepEqual(ids(visibleItems(library, { origin: 'imported', kind: 'video' })), ['b2']);
  assert.equal(origin({}), 'imported');
});

test('sorts by date (newest or oldest first), by name and by duration, stills last', () => {
  assert.deepEqual(ids(visibleItems(library, { sort: 'newest' })), ['e5', 'c3', 'a1', 'b2', 'd4']);
  assert.deepEqual(ids(visibleItems(library, { sort: 'oldest' })), ['d4', 'b2', 'a1', 'c3', 'e5']);
  assert.deepEqual(ids(visibleItems(library, { sort: 'name' })), ['a1', 'b2', 'c3', 'd4', 'e5']);
  assert.deepEqual(ids(visibleItems(library, { sort: 'duration' })), ['d4', 'b2', 'a1', 'e5', 'c3']);
  // numbers in names sort as numbers; equal times fall back to the name
  const takes = [imp('x', 'take 10'), imp('y', 'take 9'), imp('z', 'Take 1')];
  assert.deepEqual(ids(visibleItems(takes, { sort: 'name' })), ['z', 'y', 'x']);
  assert.deepEqual(ids(visibleItems(takes, { sort: 'newest' })), ['z', 'y', 'x']);
  // the list given is not changed
  const before = ids(library);
  visibleItems(library, { sort: 'name' });
  assert.deepEqual(ids(library), before);
});

test('names that collide (in any case) carry their creation time, or a short id when that is shared too', () => {
  const items = [
    gen('3fa9c1d2-0000', 'A red fox', 'p', { created_at: '2026-12-07T10:00:01Z' }),
    gen('77bb0a9e-1111', 'a red fox', 'p', { created_at: '2026-12-07T10:02:37Z' }),
    imp('99', 'other'),
  ];
  const tags = collisionTags(items);
  assert.equal(tags.size, 2);
  assert.equal(tags.get('3fa9c1d2-0000'), shortTime('2026-12-07T10:00:01Z'));
  assert.equal(tags.get('77bb0a9e-1111'), shortTime('2026-12-07T10:02:37Z'));
  assert.notEqual(tags.get('3fa9c1d2-0000'), tags.get('77bb0a9e-1111'));
  assert.equal(tags.has('99'), false);
  // made in the same second: the short ids
  const same = collisionTags([
    gen('3fa9c1d2-0000', 'x', 'p', { created_at: '2026-12-07T10:00:01.100Z' }),
    gen('77bb0a9e-1111', 'x', 'p', { created_at: '2026-12-07T10:00:01.900Z' }),
  ]);
  assert.deepEqual([...same.values()], ['3fa9c1', '77bb0a']);
  assert.match(shortTime('2026-12-07T10:00:01Z'), /^\d\d:\d\d:01$/);
  assert.equal(shortTime('nonsense'), '');
  assert.equal(shortTime(null), '');
  assert.equal(shortId({ id: 'ab-cd-ef-gh' }), 'abcdef');
  // without a creation time, the id
  assert.equal(collisionTags([{ id: 'aaaaaaaa', name: 'x' }, { id: 'bbbbbbbb', name: 'x' }]).get('aaaaaaaa'), 'aaaaaa');
});

test('a rename is trimmed; an empty or unchanged name changes nothing', () => {
  const item = imp('a', 'clip');
  assert.equal(renameTo(item, '  Opening shot  '), 'Opening shot');
  assert.equal(renameTo(item, '   '), null);
  assert.equal(renameTo(item, 'clip'), null);
  assert.equal(renameTo(item, undefined), null);
});

test('the details say what the item is and where it came from', () => {
  const item = gen('a', 'Fox', 'A red fox', {
    width: 1280, height: 720, fps: 24, video_codec: 'h264', audio_codec: null, size: 2_500_000, cost: 0.4,
    proxy: { status: 'ready', progress: 1, error: null },
  });
  const rows = Object.fromEntries(detailRows(item));
  assert.equal(rows.Duration, '5.00 s');
  assert.equal(rows.Resolution, '1280×720');
  assert.equal(rows['Frame rate'], '24 fps');
  assert.equal(rows['Video codec'], 'h264');
  assert.equal(rows['Audio codec'], undefined); // empty values are left out
  assert.equal(rows.Size, '2.5 MB');
  assert.equal(rows.Source, 'Generated');
  assert.equal(rows.Model, 'ltx-video');
  assert.equal(rows.Prompt, 'A red fox');
  assert.equal(rows.Parameters, 'seconds: 5');
  assert.equal(rows.Cost, '$0.40');
  assert.equal(rows['Preview copy'], 'ready');
  const imported = Object.fromEntries(detailRows(imp('b', 'Interview', {
    duration: 75.5, size: 900, proxy: { status: 'failed', error: { message: 'bad data' } }, missing: 'gone',
  })));
  assert.equal(imported.Duration, '1:15.50');
  assert.equal(imported.Source, 'Imported');
  assert.equal(imported['Original file'], 'Interview.mp4');
  assert.equal(imported.Size, '900 B');
  assert.equal(imported['Preview copy'], 'failed: bad data');
  assert.equal(imported.Problem, 'File missing: gone');
  assert.equal(Object.fromEntries(detailRows(imp('c', 'still', { kind: 'image', duration: 5 }))).Duration, undefined);
});

test('a waveform thumbnail keeps the loudest peak of each bar', async () => {
  const { waveformBars } = await import('../../../web/js/media/library-model.js');
  assert.deepEqual(waveformBars([0.1, 0.9, 0.2, 0.3], 2), [0.9, 0.3]);
  assert.deepEqual(waveformBars([0.5, -0.7], 4), [0.5, 0.5, 0.7, 0.7]); // fewer peaks than bars: each repeated
  assert.deepEqual(waveformBars([2, 0], 2), [1, 0]); // never above full height
  assert.deepEqual(waveformBars([], 10), []);
  assert.deepEqual(waveformBars(null, 10), []);
  assert.equal(waveformBars(Array.from({ length: 1000 }, (_, i) => i / 1000), 36).length, 36);
});

test('bins: one level, filed or not; the view shows one bin, the unfiled, or all', async () => {
  const { ALL_BINS, binsOf, newBinName } = await import('../../../web/js/media/library-model.js');
  const items = [imp('a', 'a', { bin: 'B-roll' }), imp('b', 'b', { bin: 'Final' }), imp('c', 'c'), imp('d', 'd', { bin: 'B-roll' })];
  assert.deepEqual(binsOf(items), ['B-roll', 'Final']);
  assert.deepEqual(binsOf(items, ['Music', 'B-roll', '']), ['B-roll', 'Final', 'Music']);
  assert.deepEqual(ids(visibleItems(items, { bin: 'B-roll' })), ['a', 'd']);
  assert.deepEqual(ids(visibleItems(items, { bin: '' })), ['c']);
  assert.deepEqual(ids(visibleItems(items, { bin: ALL_BINS })), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids(visibleItems(items, {})), ['a', 'b', 'c', 'd']);
  assert.equal(newBinName('  Sound   fx ', ['B-roll']), 'Sound fx');
  assert.equal(newBinName('b-ROLL', ['B-roll']), null);
  assert.equal(newBinName('   ', []), null);
  assert.equal(newBinName('x'.repeat(101), []), null);
  assert.equal(Object.fromEntries(detailRows(items[0])).Bin, 'B-roll');
});
