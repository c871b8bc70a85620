// The editor's keyboard shortcuts, ignored while typing in a field. A slider or a checkbox is
// not typing: focus left on the zoom slider must not swallow Space and Home.
import { send } from '../shared/dom.js';
import { timelineEnd } from '../timeline/timeline-model.js';
import { playheadWithin } from './state.js';

export function bindKeys(target, { parts, state, actions }) {
  const seekTo = (time) => actions.seek({ time: playheadWithin(state.timeline, time) });
  const KEYS = {
    Space: () => actions.toggleplay(),
    KeyS: () => actions.split(),
    Delete: () => actions.deleteselected(),
    Backspace: () => actions.deleteselected(),
    KeyJ: () => send(parts.preview, 'transport', { command: 'shuttle', speed: -1 }),
    KeyK: () => send(parts.preview, 'transport', { command: 'stop' }),
    KeyL: () => send(parts.preview, 'transport', { command: 'shuttle', speed: 1 }),
    ArrowLeft: () => seekTo(state.timeline.playhead - 1 / state.timeline.fps),
    ArrowRight: () => seekTo(state.timeline.playhead + 1 / state.timeline.fps),
    Home: () => seekTo(0),
    End: () => seekTo(timelineEnd(state.timeline)),
  };

  target.addEventListener('keydown', (e) => {
    const typing = e.target.closest && e.target.closest(
      'input:not([type=range]):not([type=checkbox]):not([type=button]), textarea, select, [contenteditable], dialog');
    if (typing || !state.timeline) return;
    if ((e.ctrlKey || e.metaKey) && e.code === 'KeyZ') {
      e.preventDefault();
      if (e.shiftKey) actions.redo(); else actions.undo();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.code === 'KeyY') {
      e.preventDefault();
      actions.redo();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const run = KEYS[e.code];
    if (run) {
      e.preventDefault();
      run();
    }
  });
}
