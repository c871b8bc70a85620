import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardText, fitRect, gainAt, layersAt, placeTrack, soundsAt, sourceTime, stackAt, titlesAt, upcoming } from '../../../web/js/preview/compose-model.js';
import { mediaKinds } from '../../../web/js/preview/preview-model.js';

const kinds = mediaKinds([{ id: 'v', kind: 'video' }, { id: 'i', kind: 'image' }, { id: 'm', kind: 'audio' }]);
const near = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-9, `${msg}: ${a} != ${b}`);

// V1 (top): a [0,4) then b transitioning in at 3 for 1 s; V2: an image under it; A1: music
function doc(type = 'crossfade') {
  return {
    version: 2, fps: 25, width: 1920, height: 1080,
    tracks: [
      { id: 'T', kind: 'text', clips: [{ id: 't', start: 1, duration: 2, text: 'Hi', x: 0.5, y: 0.2, size: 90, color: '#ff0000' }] },
      { id: 'V1', kind: 'video', clips: [
        { id: 'a', media_id: 'v', start: 0, in: 1, out: 5 },
        { id: 'b', media_id: 'v', start: 3, in: 0, out: 4, transition_in: { type, duration: 1 } },
      ] },
      { id: 'V2', kind: 'video', clips: [{ id: 'p', media_id: 'i', start: 0, in: 0, out: 10, opacity: 0.5 }] },
      { id: 'A1', kind: 'audio', volume: 0.5, clips: [{ id: 's', media_id: 'm', start: 0, in: 0, out: 8, fade_in: 2 }] },
    ],
  };
}

test('the first track is the top of the stack: layers come bottom first', () => {
  assert.deepEqual(layersAt(doc(), kinds, 1).map((l) => l.clip.id), ['p', 'a']);
  const d = doc();
  d.tracks[1].hidden = true;
  assert.deepEqual(layersAt(d, kinds, 1).map((l) => l.clip.id), ['p'], 'a hidden track draws nothing');
});

test('a crossfade lays the incoming clip over the outgoing one, its alpha rising', () => {
  const layers = layersAt(doc(), kinds, 3.5);
  assert.deepEqual(layers.map((l) => l.clip.id), ['p', 'a', 'b']);
  near(layers[2].look.alpha, 0.5, 'midpoint');
  near(layers[1].look.alpha, 1, 'the outgoing one stays opaque under it');
  near(layers[0].look.alpha, 0.5, 'opacity');
});

test('a dip shows the outgoing picture to the midpoint and the incoming one after it', () => {
  const before = layersAt(doc('dip_white'), kinds, 3.25);
  assert.deepEqual(before.map((l) => l.clip.id), ['p', 'a']);
  near(before[1].look.dip, 0.5, 'half way into white');
  assert.equal(before[1].look.dipColor, '#ffffff');
  const after = layersAt(doc('dip_black'), kinds, 3.75);
  assert.deepEqual(after.map((l) => l.clip.id), ['p', 'b']);
  near(after[1].look.dip, 0.5, 'half way out of black');
});

test('wipes and slides, in canvas fractions', () => {
  const wipe = layersAt(doc('wipe_left'), kinds, 3.25)[2].look.wipe;
  assert.equal(wipe.side, 'left');
  near(wipe.edge, 0.75, 'revealed from the right edge');
  near(layersAt(doc('wipe_right'), kinds, 3.25)[2].look.wipe.edge, 0.25, 'from the left');
  const slide = layersAt(doc('slide_left'), kinds, 3.25);
  near(slide[2].look.dx, 0.75, 'incoming from the right');
  near(slide[1].look.dx, -0.25, 'outgoing pushed left');
  near(layersAt(doc('slide_right'), kinds, 3.25)[2].look.dx, -0.75, 'mirror');
});

test('speed maps timeline time into the media, and a still or sound-only clip is placed right', () => {
  near(sourceTime({ start: 2, in: 1, out: 9, speed: 2 }, 3), 3, 'one second at double speed');
  const layers = layersAt(doc(), kinds, 1);
  near(layers[1].time, 2, 'a: in 1, one second in');
  assert.equal(layers[0].still, true);
  assert.ok(!layersAt(doc(), kinds, 1).some((l) => l.clip.id === 's'), 'music draws no picture');
});

test('keyframed scale and a scale too small to see', () => {
  const d = doc();
  d.tracks[1].clips[0].keyframes = { 'transform.scale': [{ time: 0, value: 1, easing: 'linear' }, { time: 2, value: 2 }] };
  near(layersAt(d, kinds, 1).at(-1).look.scale, 1.5, 'half way');
  d.tracks[1].clips[0].transform = { scale: 0.0001 };
  delete d.tracks[1].clips[0].keyframes;
  assert.deepEqual(layersAt(d, kinds, 1).map((l) => l.clip.id), ['p']);
});

test('sounds: every unmuted track at its gain, crossfading with the picture', () => {
  const at = (t) => Object.fromEntries(soundsAt(doc(), kinds, t).map((s) => [s.clip.id, s.gain]));
  near(at(1).s, 0.25, 'music: half the fade in, track at 0.5');
  near(at(1).a, 1, 'the clip sounds too');
  assert.equal(at(1).p, undefined, 'an image has no sound');
  near(at(3.25).a, 0.75, 'outgoing falls');
  near(at(3.25).b, 0.25, 'incoming rises');
  const d = doc();
  d.tracks[1].hidden = true;
  d.tracks[3].muted = true;
  const ids = soundsAt(d, kinds, 1).map((s) => s.clip.id);
  assert.deepEqual(ids, ['a'], 'hidden still sounds; muted does not');
  const p = placeTrack(doc().tracks[1])[0];
  near(gainAt(p, 2, 3.5), 1, 'track volume 2 times the falling half');
});

test('the next clip on each track is made ready ahead of its cut', () => {
  const d = doc();
  assert.deepEqual(upcoming(d, kinds, 2).map((u) => [u.clip.id, u.time]), [['b', 0]]);
  assert.deepEqual(upcoming(d, kinds, 2, 0.5), [], 'too far ahead');
});

test('fit: contain pillarboxes, cover cuts, stretch fills; crop comes first', () => {
  // a 9:16 source in a 16:9 box
  const contain = fitRect(1080, 1920, null, 'contain', 1920, 1080);
  near(contain.dh, 1080, 'full height');
  near(contain.dw, 607.5, 'pillarboxed');
  const cover = fitRect(1080, 1920, null, 'cover', 1920, 1080);
  assert.deepEqual([cover.dw, cover.dh], [1920, 1080]);
  near(cover.sw, 1080, 'full width of the source');
  near(cover.sy, (1920 - 607.5) / 2, 'centred cut');
  const stretch = fitRect(1080, 1920, { left: 0.5 }, 'stretch', 100, 50);
  assert.deepEqual(stretch, { sx: 540, sy: 0, sw: 540, sh: 1920, dw: 100, dh: 50 });
});

test('titles as drawtext places them, with its default size', () => {
  assert.deepEqual(titlesAt(doc(), 2), [{ clipId: 't', text: 'Hi', x: 0.5, y: 0.2, size: 90, color: '#ff0000', alpha: 1 }]);
  assert.deepEqual(titlesAt(doc(), 3), []);
  const d = doc();
  delete d.tracks[0].clips[0].size;
  assert.equal(titlesAt(d, 2)[0].size, 90, '1080 / 12');
});

test('a title at t: keyframed centre and scale from values.js, its opacity times its fades, quantized to 8 bits', () => {
  const d = doc();
  const clip = d.tracks[0].clips[0];
  Object.assign(clip, { fade_out: 0.5, keyframes: {
    x: [{ time: 0, value: 0.2 }, { time: 1, value: 0.6 }],
    y: [{ time: 0, value: 0.3, easing: 'ease-out' }, { time: 0.5, value: 0.2 }],
    scale: [{ time: 0, value: 2 }],
    opacity: [{ time: 0, value: 0, easing: 'linear' }, { time: 0.5, value: 1 }],
  } });
  const at = (t) => titlesAt(d, clip.start + t)[0];
  near(at(0.5).x, 0.4, 'x halfway');
  near(at(0.25).y, 0.3 - 0.1 * 0.75, 'y eased out');
  assert.equal(at(0.25).size, 180, 'scale 2 doubles the size');
  assert.equal(at(0.25).alpha, Math.round(0.5 * 255) / 255);
  assert.equal(at(0.75).alpha, 1);
  const end = clip.duration;
  assert.equal(at(end - 0.125).alpha, Math.round(0.25 * 255) / 255, 'a quarter of the fade out left');
});

test('a title carries its style keys, and only them, as the document has them', () => {
  const d = doc();
  const style = { font: 'DejaVu Serif', bold: false, italic: true, align: 'right', line_spacing: 6,
    outline: { color: '#ff0000', width: 4 }, shadow: { color: '#000000', x: 3, y: 3, opacity: 0.5 },
    box: { color: '#0000ff', opacity: 0.6, padding: 12 } };
  Object.assign(d.tracks[0].clips[0], style, { opacity: 0.6 });
  const [title] = titlesAt(d, 2);
  assert.deepEqual(title, { clipId: 't', text: 'Hi', x: 0.5, y: 0.2, size: 90, color: '#ff0000', alpha: 153 / 255, ...style });
});

test('a captions track is neither a picture nor a sound, nor a clip to load (its lines are titles)', () => {
  const d = doc();
  d.tracks.unshift({ id: 'cc', kind: 'captions', muted: false, hidden: false, style: {},
    clips: [{ id: 'l1', start: 0, duration: 10, text: 'Hello' }] });
  for (const t of [0, 1, 3.5, 5]) {
    assert.ok(!layersAt(d, kinds, t).some((l) => l.track.id === 'cc'));
    assert.ok(!soundsAt(d, kinds, t).some((s) => s.track.id === 'cc'));
  }
  d.tracks[0].clips[0].start = 2;
  assert.ok(!upcoming(d, kinds, 0).some((n) => n.track.id === 'cc'));
});

test('a visible caption line at t is a title with the merged style and the text wrapped as the export wraps it', () => {
  const d = { ...doc(), width: 320, height: 180 };
  d.tracks.unshift({ id: 'cc', kind: 'captions', muted: false, hidden: false, style: { size: 20, color: '#ffff00' },
    clips: [
      { id: 'l1', start: 0, duration: 1, text: 'one two three four five six seven eight nine ten' },
      { id: 'l2', start: 1, duration: 1, text: 'Up', style: { y: 0.1 } },
    ] });
  const at = (t) => titlesAt(d, t).filter((s) => s.size === 20);
  assert.deepEqual(at(0.5), [{ text: 'one two three four\nfive six seven eight\nnine ten', x: 0.5, y: 0.9, size: 20, color: '#ffff00', alpha: 1 }]);
  assert.deepEqual(at(1.5).map((s) => [s.text, s.y]), [['Up', 0.1]]);
  assert.deepEqual(at(2), [], 'none after the last line ends');
  assert.equal(titlesAt(d, 1.5).at(-1).text, 'Up', 'the top track draws last');
  d.tracks[0] = { ...d.tracks[0], hidden: true };
  assert.deepEqual(at(0.5), [], 'a hidden captions track draws nothing');
});

test('a placeholder is a card in the stack, over the tracks below it and under those above', () => {
  const ph = (id, start, status, extra = {}) => ({ id, start, duration: 2, placeholder: { job_id: `j-${id}`, model_id: 'm', status, ...extra } });
  const top = { id: 'v2', kind: 'video', clips: [{ id: 'a', media_id: 'ma', start: 0, in: 0, out: 4 }] };
  const mid = { id: 'v1', kind: 'video', clips: [ph('p', 1, 'running')] };
  const low = { id: 'v0', kind: 'video', clips: [{ id: 'b', media_id: 'mb', start: 0, in: 0, out: 4 }] };
  const doc = { width: 320, height: 180, tracks: [top, mid, low] };
  const kinds = new Map([['ma', 'video'], ['mb', 'video']]);
  const jobs = new Map([['j-p', { id: 'j-p', progress: 0.4 }]]);
  const stack = stackAt(doc, layersAt(doc, kinds, 1.5), 1.5, jobs);
  assert.deepEqual(stack.map((l) => (l.card ? `card:${l.card.clipId}` : l.clip.id)), ['b', 'card:p', 'a']);
  assert.deepEqual(stack[1].card, { clipId: 'p', text: 'Generating… 40 %', progress: 0.4, status: 'running' });
  // outside its span, or on a hidden track: no card
  assert.deepEqual(stackAt(doc, [], 3.0, jobs), []);
  assert.deepEqual(stackAt(doc, [], 0.5, jobs), []);
  assert.deepEqual(stackAt({ ...doc, tracks: [{ ...mid, hidden: true }] }, [], 1.5, jobs), []);
  // a job not heard of yet: no percentage, no bar
  assert.deepEqual(stackAt(doc, [], 1.5).map((l) => [l.card.text, l.card.progress]), [['Generating…', null]]);
});

test('a failed or cancelled placeholder\'s card says why', () => {
  assert.equal(cardText({ status: 'failed', reason: 'The key was refused' }), 'Failed: The key was refused');
  assert.equal(cardText({ status: 'failed' }), 'Failed: the generation failed');
  assert.equal(cardText({ status: 'cancelled', reason: 'Cancelled' }), 'Cancelled');
  assert.equal(cardText({ status: 'running' }, { progress: 0 }), 'Generating… 0 %');
  const doc = { tracks: [{ id: 'v', kind: 'video', clips: [{ id: 'p', start: 0, duration: 1, placeholder: { job_id: 'j', status: 'failed', reason: 'No credit' } }] }] };
  assert.deepEqual(stackAt(doc, [], 0.5, new Map([['j', { progress: 0.7 }]]))[0].card,
    { clipId: 'p', text: 'Failed: No credit', progress: null, status: 'failed' });
});

test('an offline clip is a "Media offline" layer in its place, with no sound and nothing to load ahead', () => {
  const d = doc();
  d.tracks[1].clips.push({ id: 'off', offline: { name: 'fox.mp4', path: '/gone/fox.mp4' }, start: 7, in: 1, out: 3 });
  const at = layersAt(d, kinds, 8);
  assert.deepEqual(at.map((l) => [l.clip.id, l.offline]), [['p', undefined], ['off', 'fox.mp4']]);
  assert.ok(at[1].look && at[1].look.alpha === 1, 'it has a look, as every layer does');
  assert.ok(!soundsAt(d, kinds, 8).some((s) => s.clip.id === 'off'), 'an offline clip plays no sound');
  assert.ok(!upcoming(d, kinds, 6.5).some((u) => u.clip.id === 'off'), 'and there is no file to load ahead');
  assert.deepEqual(layersAt(d, kinds, 9.5).map((l) => l.clip.id), ['p'], 'its span ends at its out point');
});
