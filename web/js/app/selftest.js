// The desktop self-test's page side: when the shell asks (an SSE `selftest` event), play the
// project it prepared and report what this engine did. Loaded only then.
import { server } from './api.js';
import { codecReport } from './capabilities.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
      firstFrameEpochMs: null, codecs: codecReport(), error: 'the preview made no element for the clip' });
    return;
  }
  let firstFrameEpochMs = null;
  video.requestVideoFrameCallback(() => { firstFrameEpochMs = performance.timeOrigin + performance.now(); });
  play();
  const deadline = performance.now() + 20000;
  while (performance.now() < deadline && !(video.currentTime > 1.2)) await sleep(100);
  await server.desktop.selftest({
    userAgent: navigator.userAgent,
    currentTime: video.currentTime,
    sourceKind: video.dataset.sourceKind || null,
    violations,
    firstFrameEpochMs,
    codecs: codecReport(),
  });
}
