// What this page's engine can decode, told to the server so it can make proxies for the rest
// (PyPI's Qt WebEngine cannot play H.264). `reelcut doctor` runs this module in each window
// engine (desktop/reelcut/engines/probe.py), so the doctor and the page probe the same types.
import { server } from './api.js';

export const PROBES = {
  h264_aac: 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
  vp9_opus: 'video/webm; codecs="vp9, opus"',
  av1: 'video/mp4; codecs="av01.0.05M.08"',
};

export function codecReport(video = document.createElement('video')) {
  return Object.fromEntries(Object.entries(PROBES).map(([k, type]) => [k, video.canPlayType(type)]));
}

export function reportCapabilities() {
  return server.capabilities(codecReport()).catch(() => {});
}
