import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addMarker, adjacentMarker, deleteMarker, markersOf, moveMarker, renameMarker,
} from '../../../web/js/timeline/markers-model.js';
import { adjacentEditPoint, editPoints, zoomToFit } from '../../../web/js/timeline/navigation-model.js';
import { snapPoints } from '../../../web/js/timeline/edit-model.js';

const doc = () => ({
  version: 2, width: 1920, height: 1080, fps: 30,
  tracks: [{ id: 'v', kind: 'video', clips: [
    { id: 'a', media_id: 'm', start: 1, in: 0, out: 2 }, { id: 'b', media_id: 'm', start: 4, in: 0, out: 4 }] }],
});

test('markers are added at a time, named Marker N, kept in time order', () => {
  const d = doc();
  assert.deepEqual(markersOf(d), []);
  const one = addMarker(d, 5, 'm1');
  assert.deepEqual(one.marker, { id: 'm1', time: 5, name: 'Marker 1' });
  const two = addMarker(one.doc, 2, 'm2');
  assert.deepEqual(markersOf(two.doc).map((m) => [m.id, m.name]), [['m2', 'Marker 2'], ['m1', 'Marker 1']]);
  assert.match(addMarker(two.doc, 2).error, /already/);
  assert.equal(d.markers, undefined, 'the document is untouched');
  assert.equal(addMarker(d, -3, 'x').marker.time, 0);
  const full = { ...d, markers: Array.from({ length: 1000 }, (_, i) => ({ id: `k${i}`, time: i, name: 'm' })) };
  assert.match(addMarker(full, 2000).error, /at most 1000 markers/);
  // a name in use is not given twice
  const renamed = renameMarker(two.doc, 'm2', 'Marker 3').doc;
  assert.equal(addMarker(renamed, 9).marker.name, 'Marker 4');
});

test('a marker is renamed, moved and deleted; what cannot be done says why', () => {
  const d = addMarker(addMarker(doc(), 5, 'm1').doc, 7, 'm2').doc;
  assert.equal(markersOf(renameMarker(d, 'm1', '  Chorus ').doc)[0].name, 'Chorus');
  assert.match(renameMarker(d, 'm1', ' ').error, /needs a name/);
  assert.match(renameMarker(d, 'm1', 'x'.repeat(201)).error, /at most 200/);
  assert.match(renameMarker(d, 'zz', 'x').error, /gone/);
  const moved = moveMarker(d, 'm1', 9).doc;
  assert.deepEqual(markersOf(moved).map((m) => [m.id, m.time]), [['m2', 7], ['m1', 9]]);
  assert.equal(markersOf(moveMarker(d, 'm1', -1).doc)[0].time, 0);
  assert.match(moveMarker(d, 'm1', NaN).error, /time/);
  assert.deepEqual(markersOf(deleteMarker(d, 'm1').doc).map((m) => m.id), ['m2']);
  assert.match(deleteMarker(d, 'zz').error, /gone/);
});

test('the previous and next marker, and edit point', () => {
  const d = addMarker(addMarker(doc(), 5, 'm1').doc, 7, 'm2').doc;
  assert.equal(adjacentMarker(d, 6, 1), 7);
  assert.equal(adjacentMarker(d, 7, 1), null);
  assert.equal(adjacentMarker(d, 7, -1), 5);
  assert.equal(adjacentMarker(d, 5, -1), null);
  assert.deepEqual(editPoints(d), [0, 1, 3, 4, 8]);
  assert.equal(adjacentEditPoint(d, 3, 1), 4);
  assert.equal(adjacentEditPoint(d, 3.5, -1), 3);
  assert.equal(adjacentEditPoint(d, 8, 1), null);
  assert.equal(adjacentEditPoint(d, 0, -1), null);
});

test('markers are snap points, with 0, clip edges and the playhead', () => {
  const d = addMarker(doc(), 5.5, 'm1').doc;
  assert.deepEqual(snapPoints(d, ['b'], 2.5).sort((x, y) => x - y), [0, 1, 2.5, 3, 5.5]);
});

test('zoom to fit: the whole timeline, clips and markers, in the width', () => {
  assert.equal(zoomToFit(doc(), 824), 100); // 8 s in 800 px (24 px left free)
  const far = addMarker(doc(), 16, 'm').doc;
  assert.equal(zoomToFit(far, 824), 50);
  assert.equal(zoomToFit({ tracks: [] }, 1024), 100, 'an empty timeline shows ten seconds');
  assert.equal(zoomToFit(doc(), 0), 1 / 8);
  const long = { tracks: [{ clips: [{ start: 0, in: 0, out: 14400 }] }] };
  assert.equal(zoomToFit(long, 50), 0.01, 'never below the smallest zoom');
});
