// The compositor's media elements: one per clip on screen or coming up (two halves of a split
// clip are two elements, so the second can wait at its own in point while the first plays).
// Each loads its media's sources in order until one plays (sources.js); an in-memory copy is
// made for the `blob` kind and freed with its element. The elements are kept hidden in
// `container`; the canvas draws their frames.
import { h } from '../shared/dom.js';
import { server } from '../app/api.js';
import { blockedBy, mediaErrorReason, playFirstWorking } from './sources.js';

const RETIRE_MS = 1000;

// Hand a source to `start`: a URL as is, or for the `blob` kind its bytes fetched into memory
// and given as an object URL (returned through `made`, to be freed with the element).
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
    made(url);
    start(url);
  }).catch(reject);
}

// Try one source in a media element: resolve when it has data, reject with a reason (an error
// event, or a policy violation naming its URL).
function tryVideo(entry, source) {
  const { el } = entry;
  return new Promise((resolve, reject) => {
    let url = source.url;
    const cleanup = () => {
      el.removeEventListener('loadeddata', onData);
      el.removeEventListener('error', onError);
      document.removeEventListener('securitypolicyviolation', onViolation);
    };
    const onData = () => { cleanup(); resolve(); };
    const onError = () => {
      cleanup();
      const reason = mediaErrorReason(el.error ? el.error.code : 0);
      // the log file is where a user's report is read: say which source failed and why
      server.clientLog({ kind: 'media', message: `${source.kind} source failed: ${reason}`, source: url.slice(0, 1000) }).catch(() => {});
      reject(new Error(reason));
    };
    const onViolation = (e) => {
      if (blockedBy(url, e.blockedURI)) { cleanup(); reject(new Error(`blocked by ${e.violatedDirective}`)); }
    };
    startSource(source, (src) => {
      url = new URL(src, location.href).href;
      el.addEventListener('loadeddata', onData);
      el.addEventListener('error', onError);
      document.addEventListener('securitypolicyviolation', onViolation);
      el.src = src;
      el.load();
    }, (made) => { freeBlob(entry); entry.blobUrl = made; }, reject);
  });
}

function tryImage(entry, source) {
  const { el } = entry;
  return new Promise((resolve, reject) => {
    startSource(source, (src) => {
      el.onload = () => resolve();
      el.onerror = () => reject(new Error('image could not be loaded'));
      el.src = src;
    }, (made) => { freeBlob(entry); entry.blobUrl = made; }, reject);
  });
}

function freeBlob(entry) {
  if (entry.blobUrl) URL.revokeObjectURL(entry.blobUrl);
  entry.blobUrl = null;
}

// `sourcesFor(mediaId)` resolves to the item's sources; `toast(message, kind)` tells the user;
// `onCreate(el)` and `onRemove(el)` let the mixer route a new element's sound and let it go.
export function createMediaPool({ container, sourcesFor, toast, onCreate = () => {}, onRemove = () => {} }) {
  const entries = new Map(); // clip id -> {clipId, mediaId, still, el, ok, failed, loading, blobUrl}
  const told = new Set(); // media ids whose failure the user has been told about

  function create(clip, still) {
    const el = still
      ? h('img', { alt: '', dataset: { clip: clip.id, media: clip.media_id } })
      : h('video', { preload: 'auto', playsinline: true, dataset: { clip: clip.id, media: clip.media_id } });
    const entry = { clipId: clip.id, mediaId: clip.media_id, still, el, ok: false, failed: false, blobUrl: null };
    container.append(el);
    if (!still) onCreate(el);
    entry.loading = (async () => {
      try {
        const sources = await sourcesFor(clip.media_id);
        const used = await playFirstWorking(sources, (s) => (still ? tryImage(entry, s) : tryVideo(entry, s)),
          (message) => { if (!told.has(clip.media_id)) toast(message); });
        el.dataset.sourceKind = used.kind;
        entry.ok = true;
      } catch (err) {
        entry.failed = true;
        if (!told.has(clip.media_id)) {
          told.add(clip.media_id);
          toast(still ? `This image cannot be shown: ${err.message}` : `This clip cannot be played: ${err.message}`, 'error');
        }
      }
    })();
    return entry;
  }

  function remove(entry) {
    entries.delete(entry.clipId);
    if (!entry.still) {
      entry.el.pause();
      onRemove(entry.el);
      entry.el.removeAttribute('src');
      entry.el.load();
    }
    freeBlob(entry);
    entry.el.remove();
  }

  return {
    // The element for a clip, created (and its load started) on first ask.
    get(clip, still) {
      let entry = entries.get(clip.id);
      if (entry && (entry.mediaId !== clip.media_id || entry.still !== still)) { remove(entry); entry = null; }
      if (!entry) { entry = create(clip, still); entries.set(clip.id, entry); }
      return entry;
    },
    peek(clipId) { return entries.get(clipId); },
    entries() { return [...entries.values()]; },
    // Let go of every element whose clip is not in `clipIds` (off screen and not coming up) once it
    // has not been needed for RETIRE_MS: the clip that just ended at a cut is released a moment
    // later, not in the very frame that must show the next one.
    keep(clipIds, now = performance.now()) {
      for (const entry of [...entries.values()]) {
        if (clipIds.has(entry.clipId)) entry.idleSince = null;
        else if (entry.idleSince == null) entry.idleSince = now;
        else if (now - entry.idleSince >= RETIRE_MS) remove(entry);
      }
    },
    // A media item's first source changed (a proxy was made, settings changed): load it again.
    forget(mediaId) {
      told.delete(mediaId);
      for (const entry of [...entries.values()]) if (mediaId === undefined || entry.mediaId === mediaId) remove(entry);
    },
  };
}
