import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dollars, heardClips, minutes, speechSummary, timelineSpeech } from '../../../web/js/captions/transcribe-model.js';

const MODEL = { id: 'fal-ai/elevenlabs/speech-to-text', price_per_second: 0.0005 };
const media = [{ id: 'talk', audio_codec: 'aac' }, { id: 'still', audio_codec: null }];
const doc = (tracks) => ({ tracks });
const clip = (id, mediaId, start, out, extra = {}) => ({ id, media_id: mediaId, start, in: 0, out, ...extra });

test('the cost is the price a second × the timeline length, the server\'s rounding', () => {
  const d = doc([{ id: 'v', kind: 'video', clips: [clip('a', 'talk', 0, 60), clip('b', 'still', 60, 30)] },
    { id: 'c', kind: 'captions', clips: [{ id: 'l', start: 100, duration: 20, text: 'x' }] }]);
  const got = timelineSpeech(d, media, MODEL, true);
  assert.equal(got.seconds, 120); // a captions line past the clips makes the timeline longer
  assert.equal(got.cost, 0.06);
  assert.equal(got.blocker, null);
  assert.equal(speechSummary(got), '2:00 of sound, about $0.06 on fal.ai');
  // speed shortens a clip on the timeline, and so the cost
  assert.equal(timelineSpeech(doc([{ kind: 'video', clips: [clip('a', 'talk', 0, 60, { speed: 2 })] }]),
    media, MODEL, true).seconds, 30);
  assert.equal(timelineSpeech(d, media, null, true).cost, null); // the models not read yet
  assert.equal(speechSummary({ seconds: 6, cost: null }), '0:06 of sound');
});

test('it says why it cannot run: empty, nothing heard, no key', () => {
  assert.match(timelineSpeech(doc([]), media, MODEL, true).blocker, /empty/);
  assert.match(timelineSpeech(null, media, MODEL, true).blocker, /empty/);
  const muted = doc([{ kind: 'audio', muted: true, clips: [clip('a', 'talk', 0, 5)] }]);
  assert.match(timelineSpeech(muted, media, MODEL, true).blocker, /makes a sound/);
  const silent = doc([{ kind: 'video', clips: [clip('a', 'still', 0, 5)] }]);
  assert.match(timelineSpeech(silent, media, MODEL, true).blocker, /makes a sound/);
  const heard = doc([{ kind: 'video', clips: [clip('a', 'talk', 0, 5)] }]);
  assert.match(timelineSpeech(heard, media, MODEL, false).blocker, /fal\.ai key/);
  assert.equal(timelineSpeech(heard, media, MODEL, null).blocker, null); // the key not known yet: the server says
});

test('a detached sound is heard on its own clip, not on the picture\'s', () => {
  const d = doc([{ kind: 'video', clips: [clip('a', 'talk', 0, 5, { audio_detached: true })] }]);
  assert.equal(heardClips(d, media), false);
  d.tracks.push({ kind: 'audio', clips: [clip('b', 'talk', 0, 5)] });
  assert.equal(heardClips(d, media), true);
});

test('lengths and prices as a person reads them', () => {
  assert.equal(minutes(59.6), '1:00');
  assert.equal(minutes(65), '1:05');
  assert.equal(dollars(0.003), 'under $0.01');
  assert.equal(dollars(1.234), 'about $1.23');
  assert.equal(dollars(null), '');
});
