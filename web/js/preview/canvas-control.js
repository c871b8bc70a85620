// The canvas format, in the preview's head: a preset (16:9, 9:16, 1:1, 4:5) or a custom width ×
// height, and the frame rate. Changes go up as `setcanvas` {width, height, fps}; every clip is
// kept. The document and the limits come down through `update(doc, limits)`.
import { h, emit } from '../shared/dom.js';
import { CANVAS_PRESETS, FRAME_RATES, canvasPreset, parseCanvas } from './canvas-model.js';

const CUSTOM = 'custom';

export function mountCanvasControl(host) {
  let doc = null;
  let limits = null;

  const size = h('select', { 'aria-label': 'Canvas', onchange: () => chose() },
    CANVAS_PRESETS.map((p, i) => h('option', { value: String(i), text: p.label })),
    h('option', { value: CUSTOM, text: 'Custom…' }));
  const rate = h('select', {
    'aria-label': 'Frame rate',
    onchange: () => emit(host, 'setcanvas', { fps: Number(rate.value) }),
  }, FRAME_RATES.map((fps) => h('option', { value: String(fps), text: `${fps} fps` })));
  const width = h('input', { type: 'text', inputmode: 'numeric', 'aria-label': 'Canvas width', size: 5 });
  const height = h('input', { type: 'text', inputmode: 'numeric', 'aria-label': 'Canvas height', size: 5 });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true, id: 'canvas-error' });
  const custom = h('form', {
    class: 'canvas-custom', hidden: true, 'aria-describedby': 'canvas-error',
    onsubmit: (e) => {
      e.preventDefault();
      const parsed = parseCanvas(width.value, height.value, limits);
      error.textContent = parsed.error || '';
      error.hidden = !parsed.error;
      if (!parsed.error) { custom.hidden = true; emit(host, 'setcanvas', parsed); }
    },
  }, width, ' × ', height, h('button', { type: 'submit', class: 'ghost', text: 'Apply' }), error);
  host.append(h('span', { class: 'canvas-format' }, size, rate), custom);

  function chose() {
    if (size.value === CUSTOM) {
      width.value = String(doc.width);
      height.value = String(doc.height);
      error.hidden = true;
      custom.hidden = false;
      width.focus();
      return;
    }
    custom.hidden = true;
    const preset = CANVAS_PRESETS[Number(size.value)];
    emit(host, 'setcanvas', { width: preset.width, height: preset.height });
  }

  return {
    update(nextDoc, nextLimits) {
      doc = nextDoc;
      limits = nextLimits;
      const preset = canvasPreset(doc);
      const customOption = size.querySelector(`option[value="${CUSTOM}"]`);
      customOption.textContent = preset ? 'Custom…' : `Custom · ${doc.width} × ${doc.height}`;
      if (size.value !== CUSTOM || custom.hidden) size.value = preset ? String(CANVAS_PRESETS.indexOf(preset)) : CUSTOM;
      const fps = FRAME_RATES.includes(doc.fps) ? doc.fps : null;
      if (fps === null && !rate.querySelector(`option[value="${doc.fps}"]`)) {
        rate.append(h('option', { value: String(doc.fps), text: `${doc.fps} fps` }));
      }
      rate.value = String(doc.fps);
      size.disabled = rate.disabled = !limits;
    },
  };
}
