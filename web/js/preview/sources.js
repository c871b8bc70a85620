// Trying a media item's playable sources in order (local file, blob: from its bytes, remote
// only when allowed), and saying what happened. Pure: the player supplies the loading.

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
