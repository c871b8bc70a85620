// Source selection and fallback: a media item's playable sources (local file or its proxy, blob:
// from its bytes, remote only when allowed), asked for once, tried in order, and what to say when
// one fails. Pure: the player (player.js) supplies the loading.

export const KIND_LABEL = { proxy: 'preview proxy', local: 'local file', blob: 'in-memory copy', remote: 'remote URL' };

export function fallbackMessage(failed, reason, next) {
  const what = KIND_LABEL[failed.kind] || failed.kind;
  if (!next) return `Could not play the ${what} (${reason}), and there is nothing left to try.`;
  return `Could not play the ${what} (${reason}); falling back to the ${KIND_LABEL[next.kind] || next.kind}.`;
}

// Walk the list: `tryOne(source)` resolves when it plays and rejects with a reason otherwise.
export async function playFirstWorking(sources, tryOne, onFallback) {
  for (let i = 0; i < sources.length; i += 1) {
    try {
      await tryOne(sources[i]);
      return sources[i];
    } catch (reason) {
      onFallback(fallbackMessage(sources[i], String(reason && reason.message ? reason.message : reason), sources[i + 1]));
    }
  }
  throw new Error('no playable source');
}

// Each media item's sources, asked for once (`ask(mediaId)` resolves to the list) and shared. A
// failed ask is forgotten, so the next load asks again; `forget` and `clear` drop what a media
// event or a change of settings made stale.
export function createSourceCache(ask) {
  const cache = new Map();
  return {
    get(mediaId) {
      if (!cache.has(mediaId)) {
        cache.set(mediaId, ask(mediaId).catch((err) => {
          cache.delete(mediaId);
          throw err;
        }));
      }
      return cache.get(mediaId);
    },
    forget(mediaId) { cache.delete(mediaId); },
    clear() { cache.clear(); },
  };
}

// The source a hidden element can fetch ahead of a cut: the first one that is a URL (an in-memory
// copy is made only when it is needed), or undefined.
export function preloadSource(sources) {
  return sources.filter((s) => s.kind !== 'blob')[0];
}

// Why a media element gave up, from its MediaError code.
export function mediaErrorReason(code) {
  return { 1: 'aborted', 2: 'network error', 3: 'decode error', 4: 'format not supported' }[code] || 'error';
}

// Whether a policy violation (its blockedURI) is the source being tried (its absolute URL).
export function blockedBy(url, blockedURI) {
  return Boolean(url && blockedURI && url.startsWith(blockedURI));
}
