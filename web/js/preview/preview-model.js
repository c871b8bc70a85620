// The preview's small rules, as pure functions (no DOM, tested with node): the media kinds,
// where play starts, how an element that drifts from the clock is brought back, and proxy
// switching (a proxy made just now changes an item's first source). What is drawn and heard at
// a time is compose-model.js's.

import { timelineEnd } from '../timeline/timeline-model.js';

// media id -> kind ('video', 'image', 'audio'): stills are drawn from an <img>, sound-only media
// draw nothing
export function mediaKinds(media = []) {
  return new Map(media.map((m) => [m.id, m.kind]));
}

// What a composed frame shows, as a string: each layer's clip, the source frame its element is on
// (`frameOf(layer)`), its look; the titles. While playing, a frame equal to the one drawn last is
// not drawn again: a 25 fps clip changes on fewer than half of a 60 Hz screen's frames.
export function frameKey(layers, titles, frameOf) {
  const look = (l) => [l.x, l.y, l.scale, l.rotation, l.alpha, l.dip, l.dx, l.wipe ? l.wipe.edge : -1]
    .map((v) => Math.round(v * 1e4)).join(',');
  return `${layers.map((l) => `${l.clip.id}@${frameOf(l)}:${look(l.look)}`).join('|')}#`
    + titles.map((t) => JSON.stringify(t)).join('|');
}

// Play starts at the playhead, or from the start when the playhead is at the end.
export function playsFromStart(doc, playhead) {
  return playhead >= timelineEnd(doc) - 0.01;
}

// The playback rate that brings an element `drift` seconds ahead of the clock (negative:
// behind) back to it within about half a second, at most 10% off its own rate, so the sound's
// pitch (kept by the element) does not wobble audibly. Under half a frame's drift the rate is
// the element's own, and a correction moves in steps of 2%: WebKitGTK (GStreamer) carries out a
// rate change as a seek, so a rate set anew on every frame kept its video seeking, never drawn.
const DEAD_ZONE = 0.02;
const STEP = 0.02;
export function driftRate(rate, drift) {
  if (Math.abs(drift) < DEAD_ZONE) return rate;
  const correction = Math.max(-0.1, Math.min(0.1, drift * 2));
  return rate * (1 - Math.round(correction / STEP) * STEP);
}

// Proxy switching: which media have a ready preview proxy. A proxy made just now may put itself
// first among the item's sources, so a preview showing that item loads it again.
export function createProxyWatch() {
  let ready = new Set();
  return {
    // the media list as it is now (a timeline event)
    reset(media = []) {
      ready = new Set(media.filter((m) => m.proxy && m.proxy.status === 'ready').map((m) => m.id));
    },
    // one item changed (a media event): whether its proxy was made just now
    changed(id, media) {
      const isReady = media?.proxy?.status === 'ready';
      const madeNow = isReady && !ready.has(id);
      if (isReady) ready.add(id); else ready.delete(id);
      return madeNow;
    },
  };
}
