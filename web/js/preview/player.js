// The preview's media elements loaded from a media item's sources: a video into the <video>, a
// still into the <img>, each source tried in order until one plays (sources.js), an in-memory
// copy made for the `blob` kind and freed as soon as the element moves on.
import { blockedBy, mediaErrorReason, playFirstWorking } from './sources.js';

// Hand a source to `start`: a URL as is, or for the `blob` kind the bytes fetched into memory and
// given as an object URL (reported through `made`, so the caller can free it later).
function startSource(source, start, made, reject) {
  if (source.kind !== 'blob') {
    start(source.url);
    return;
  }
  fetch(source.url).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.blob();
  }).then((blob) => {
    const url = URL.createObjectURL(blob);
    start(url);
    made(url);
  }).catch(reject);
}

// `sourcesFor(mediaId)` resolves to the item's sources; `toast(message, kind)` tells the user.
export function createPlayer({ video, picture, sourcesFor, toast }) {
  const loaded = { mediaId: null, blobUrl: null };
  let loading = null;
  const still = { mediaId: null, blobUrl: null };

  // Load one source into the video element; resolve when it has data, reject with a reason.
  function tryOne(source) {
    return new Promise((resolve, reject) => {
      let url = source.url;
      const cleanup = () => {
        video.removeEventListener('loadeddata', onData);
        video.removeEventListener('error', onError);
        document.removeEventListener('securitypolicyviolation', onViolation);
      };
      const onData = () => { cleanup(); resolve(); };
      const onError = () => {
        cleanup();
        reject(new Error(mediaErrorReason(video.error ? video.error.code : 0)));
      };
      const onViolation = (e) => {
        if (blockedBy(url, e.blockedURI)) { cleanup(); reject(new Error(`blocked by ${e.violatedDirective}`)); }
      };
      const start = (src) => {
        url = new URL(src, location.href).href;
        video.addEventListener('loadeddata', onData);
        video.addEventListener('error', onError);
        document.addEventListener('securitypolicyviolation', onViolation);
        // the bytes of a previous in-memory copy are freed as soon as the element moves on
        if (loaded.blobUrl && loaded.blobUrl !== src) {
          URL.revokeObjectURL(loaded.blobUrl);
          loaded.blobUrl = null;
        }
        video.src = src;
        video.load();
      };
      startSource(source, start, (made) => { loaded.blobUrl = made; }, reject);
    });
  }

  async function load(mediaId) {
    if (loaded.mediaId === mediaId) return;
    if (loading && loading.mediaId === mediaId) return loading.promise;
    const promise = (async () => {
      const sources = await sourcesFor(mediaId);
      const used = await playFirstWorking(sources, tryOne, (message) => toast(message));
      video.dataset.sourceKind = used.kind;
      loaded.mediaId = mediaId;
    })();
    loading = { mediaId, promise };
    try {
      await promise;
    } catch (err) {
      loaded.mediaId = null;
      toast(`This clip cannot be played: ${err.message}`, 'error');
      throw err;
    } finally {
      if (loading && loading.promise === promise) loading = null;
    }
  }

  // An image clip's sources, tried in order like a video's, into the <img>.
  function tryStill(source) {
    return new Promise((resolve, reject) => {
      const start = (src) => {
        picture.onload = () => resolve();
        picture.onerror = () => reject(new Error('image could not be loaded'));
        if (still.blobUrl && still.blobUrl !== src) {
          URL.revokeObjectURL(still.blobUrl);
          still.blobUrl = null;
        }
        picture.src = src;
      };
      startSource(source, start, (made) => { still.blobUrl = made; }, reject);
    });
  }

  async function loadStill(mediaId) {
    if (still.mediaId === mediaId) return;
    const sources = await sourcesFor(mediaId);
    try {
      await playFirstWorking(sources, tryStill, (message) => toast(message));
    } catch (err) {
      toast(`This image cannot be shown: ${err.message}`, 'error');
      throw err;
    }
    still.mediaId = mediaId;
  }

  return {
    load,
    loadStill,
    // the media in the video element, and in the <img>
    get videoId() { return loaded.mediaId; },
    get stillId() { return still.mediaId; },
    // the video element is to load its media again at the next show (its first source changed)
    unload() { loaded.mediaId = null; },
  };
}
