// What the preview shows and plays, as pure functions on the timeline (no DOM, tested with node):
// what is on screen at a time, how the playhead moves on, which clip to fetch ahead, the titles
// drawn over the picture, and proxy switching (a proxy made just now changes an item's first source).
import { clipAt, clipEnd, nextClipAfter, timelineEnd } from '../timeline/timeline-model.js';

// media id -> kind ('video', 'image', 'audio'), to show stills in an <img> rather than the <video>
export function mediaKinds(media = []) {
  return new Map(media.map((m) => [m.id, m.kind]));
}

export function isStill(kinds, clip) {
  return kinds.get(clip.media_id) === 'image';
}

// What the screen shows at time t: black (a gap, or no timeline), a still, or the video, with the
// clip (`hit`: {track, clip}) that shows.
export function onScreen(doc, kinds, t) {
  const hit = doc && clipAt(doc, t);
  if (!hit) return { show: 'black', hit: null };
  return { show: isStill(kinds, hit.clip) ? 'still' : 'video', hit };
}

// Play starts at the playhead, or from the start when the playhead is at the end.
export function playsFromStart(doc, playhead) {
  return playhead >= timelineEnd(doc) - 0.01;
}

// In a gap or on a still, the playhead moves on by the wall clock, up to the end of the timeline
// (`done`: playback ends there).
export function advanceByClock(doc, playhead, dt) {
  const end = timelineEnd(doc);
  const time = Math.min(playhead + dt, end);
  return { time, done: time >= end };
}

// On a playing video, the playhead follows the element's time, never backwards; at the clip's out
// point (or the end of the file) it is at the clip's end, and the element must move on (`done`).
export function advanceWithVideo(clip, playhead, currentTime, ended) {
  if (ended || currentTime >= clip.out - 0.001) return { time: clipEnd(clip), done: true };
  return { time: Math.max(playhead, clip.start + (currentTime - clip.in)), done: false };
}

// The media to fetch ahead of time t, so the next cut does not stall: the next clip's, unless it
// is a still, already warm or the one loaded. Null when there is none.
export function toPreload(doc, kinds, t, warm, loadedId) {
  const next = doc && nextClipAfter(doc, t);
  if (!next || isStill(kinds, next.clip) || warm.has(next.clip.media_id) || next.clip.media_id === loadedId) return null;
  return next.clip.media_id;
}

// Text clips of visible text tracks at time t, where and how big to draw them: `left` and `top` in
// percent of the screen, `fontSize` in pixels for a screen `screenHeight` pixels high.
export function titlesAt(doc, t, screenHeight) {
  if (!doc) return [];
  const scale = screenHeight / doc.height;
  const out = [];
  for (const track of doc.tracks) {
    if (track.kind !== 'text' || track.hidden) continue;
    for (const clip of track.clips) {
      if (t < clip.start || t >= clip.start + clip.duration) continue;
      out.push({ text: clip.text, left: clip.x * 100, top: clip.y * 100, fontSize: Math.max(8, clip.size * scale), color: clip.color });
    }
  }
  return out;
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
