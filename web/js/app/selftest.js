// The desktop self-test's page side: when the shell asks (an SSE `selftest` event), play the
// project it prepared and report what this engine did. Loaded only then.
import { server } from './api.js';
import { codecReport } from './capabilities.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The composed preview, small: what the user sees, to tell whether it is being drawn.
function snapshot() {
  const source = document.querySelector('.screen canvas.composite');
  const small = document.createElement('canvas');
  small.width = 64;
  small.height = 36;
  const g = small.getContext('2d', { willReadFrequently: true });
  g.drawImage(source, 0, 0, small.width, small.height);
  return g.getImageData(0, 0, small.width, small.height).data;
}

// Mean difference (0..255) between two snapshots: 0 when the picture stood still.
function change(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

// The compositor keeps one media element per clip on screen; the first clip's is the one played.
async function firstClipElement(deadline) {
  for (;;) {
    const video = document.querySelector('.screen .sources video');
    if (video || performance.now() > deadline) return video;
    await sleep(50);
  }
}

export async function runSelfTest({ projectId, openProject, play, violations }) {
  await openProject(projectId);
  const video = await firstClipElement(performance.now() + 10000);
  if (!video) {
    await server.desktop.selftest({ userAgent: navigator.userAgent, currentTime: 0, sourceKind: null, violations,
      firstFrameEpochMs: null, pictureChange: null, codecs: codecReport(), error: 'the preview made no element for the clip' });
    return;
  }
  // The first frame is the first animation frame at which the playing clip has a decoded picture
  // past its start: the one the compositor draws. requestVideoFrameCallback would be closer, but
  // WebKitGTK does not call it for the compositor's undisplayed elements, and one measure serves
  // both engines (bench/desktop_start compares them).
  let firstFrameEpochMs = null;
  const watch = () => {
    if (video.currentTime > 0 && video.readyState >= 2) firstFrameEpochMs = performance.timeOrigin + performance.now();
    else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  play();
  const deadline = performance.now() + 20000;
  while (performance.now() < deadline && !(video.currentTime > 1.2)) await sleep(100);
  // the clip's picture moves: while it plays, the preview must show it moving, from a first
  // drawing on (the screen holds its last picture while a layer loads, up to half a second).
  // Half a second apart, or up to two on a machine too busy to draw that often.
  let before = snapshot();
  while (performance.now() < deadline && before[3] === 0) { await sleep(50); before = snapshot(); }
  await sleep(500);
  let pictureChange = change(before, snapshot());
  for (let waited = 500; pictureChange === 0 && waited < 2000; waited += 100) {
    await sleep(100);
    pictureChange = change(before, snapshot());
  }
  await server.desktop.selftest({
    userAgent: navigator.userAgent,
    currentTime: video.currentTime,
    sourceKind: video.dataset.sourceKind || null,
    violations,
    firstFrameEpochMs,
    pictureChange,
    codecs: codecReport(),
  });
}
