import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIMELINE_FORMATS, exportedMessage, importedMessage } from '../../../web/js/interchange/interchange-model.js';

test('the four formats the server writes, by its own keys', () => {
  assert.deepEqual(TIMELINE_FORMATS.map((f) => f.key), ['otio', 'fcp7xml', 'fcpxml', 'edl']);
});

test('what a format could not carry is said, never dropped', () => {
  assert.deepEqual(exportedMessage('Cut.otio', []), { message: 'Saved Cut.otio.', kind: 'info' });
  assert.deepEqual(exportedMessage('Cut.edl', ['EDL keeps one video track: 1 track dropped']),
    { message: 'Saved Cut.edl. Not carried: EDL keeps one video track: 1 track dropped.', kind: 'warn' });
  const many = exportedMessage('Cut.xml', ['a', 'b', 'c', 'd', 'e']);
  assert.equal(many.message, 'Saved Cut.xml. Not carried: a; b; c; and 2 more.');
});

test('an import says what came in and what was missing', () => {
  const timeline = { tracks: [{ clips: [{}, {}] }, { clips: [{}] }] };
  assert.deepEqual(importedMessage('cut.edl', timeline, []), { message: 'Imported cut.edl: 3 clips on 2 tracks.', kind: 'info' });
  const one = { tracks: [{ clips: [{}] }] };
  assert.deepEqual(importedMessage('cut.xml', one, ['Missing media: fox.mp4 (/x/fox.mp4): 1 clip kept offline']),
    { message: 'Imported cut.xml: 1 clip on 1 track. Missing media: fox.mp4 (/x/fox.mp4): 1 clip kept offline.', kind: 'warn' });
});
