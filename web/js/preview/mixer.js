// The preview's sound: every media element routed through its own gain into one master bus,
// with Web Audio, so each clip plays at the gain compose-model.js gives it (volume, keyframes,
// fades, track volume, crossfades) and the mix can be metered. The AudioContext starts on the
// first Play (a user gesture), as browsers require; elements made before then join it there.
//
// A remote source without CORS headers would play silent through Web Audio; the preview only
// plays the server's own URLs and in-memory copies, which are same-origin.

const SMOOTH = 0.008; // seconds: a gain change glides this long instead of clicking

export function createMixer() {
  let ctx = null;
  let master = null;
  let analyser = null;
  let samples = null;
  const gains = new Map(); // element -> GainNode
  const pending = new Set(); // elements made before the context

  function route(el) {
    if (gains.has(el)) return;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    ctx.createMediaElementSource(el).connect(gain);
    gain.connect(master);
    gains.set(el, gain);
  }

  return {
    // Start (or resume) the context: call from a user gesture.
    start() {
      if (!ctx) {
        ctx = new AudioContext({ latencyHint: 'playback' });
        master = ctx.createGain();
        analyser = ctx.createAnalyser();
        analyser.fftSize = 2048;
        samples = new Float32Array(analyser.fftSize);
        master.connect(analyser);
        analyser.connect(ctx.destination);
        for (const el of pending) route(el);
        pending.clear();
      }
      return ctx.state === 'suspended' ? ctx.resume() : Promise.resolve();
    },
    add(el) {
      if (ctx) route(el); else pending.add(el);
    },
    remove(el) {
      pending.delete(el);
      const gain = gains.get(el);
      if (gain) { gain.disconnect(); gains.delete(el); }
    },
    // The gain of one element's sound (0 when it should be silent).
    set(el, value) {
      const gain = gains.get(el);
      if (!gain) return;
      if (Math.abs(gain.gain.value - value) < 1e-4) return;
      gain.gain.setTargetAtTime(value, ctx.currentTime, SMOOTH);
    },
    // The mix's loudness now, as RMS of full scale (0..1), for the level meter.
    level() {
      if (!analyser) return 0;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return Math.sqrt(sum / samples.length);
    },
  };
}
