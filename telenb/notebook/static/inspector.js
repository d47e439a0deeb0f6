// telenb Audio inspector (anywidget ES module, no build step): waveform over spectrogram on
// canvases, speech segments shaded, DTMF digits as clickable markers, drag to select a span,
// play it with WebAudio.  Test hook: window.__telenb_played.

const WIDTH = 800;
const WAVE_H = 110;
const SPEC_H = 150;

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function bytesOf(view) {
  return view ? view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) : new ArrayBuffer(0);
}

// a small perceptual palette (dark purple -> orange -> pale yellow), 256 entries
function palette() {
  const stops = [[0, 0, 4], [80, 18, 123], [182, 54, 121], [251, 136, 97], [252, 253, 191]];
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1);
    const k = Math.min(Math.floor(x), stops.length - 2);
    const f = x - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = stops[k][c] + f * (stops[k + 1][c] - stops[k][c]);
  }
  return lut;
}

let sharedContext = null;
function audioContext() {
  if (!sharedContext) sharedContext = new AudioContext();
  if (sharedContext.state === "suspended") sharedContext.resume();
  return sharedContext;
}

function render({ model, el: root }) {
  root.classList.add("telenb-inspector");
  const title = el("div", "ti-title");
  const stage = el("div", "ti-stage");
  const wave = el("canvas", "ti-wave");
  const spec = el("canvas", "ti-spec");
  wave.width = spec.width = WIDTH;
  wave.height = WAVE_H;
  spec.height = SPEC_H;
  const overlay = el("canvas", "ti-overlay");
  overlay.width = WIDTH;
  overlay.height = WAVE_H + SPEC_H;
  overlay.style.position = "absolute";
  overlay.style.left = "0";
  overlay.style.top = "0";
  const markers = el("div", "ti-markers");
  stage.append(wave, spec, overlay, markers);
  const controls = el("div", "ti-controls");
  const playSel = el("button", "ti-play", "Play selection");
  const playAll = el("button", "ti-play-all", "Play all");
  const clear = el("button", "ti-clear", "Clear");
  const selText = el("span", "ti-selection");
  controls.append(playSel, playAll, clear, selText);
  const info = el("pre", "ti-info");
  root.append(title, stage, controls, info);
  let current = null;

  const duration = () => model.get("duration") || 1e-9;
  const xOf = (t) => (t / duration()) * WIDTH;
  const tOf = (x) => Math.max(0, Math.min(duration(), (x / WIDTH) * duration()));

  function drawWave() {
    const g = wave.getContext("2d");
    g.fillStyle = "#fafafa";
    g.fillRect(0, 0, WIDTH, WAVE_H);
    g.fillStyle = "rgba(127, 201, 127, 0.35)";
    for (const s of model.get("speech")) g.fillRect(xOf(s.start), 0, xOf(s.end) - xOf(s.start), WAVE_H);
    g.fillStyle = "rgba(253, 180, 98, 0.5)";
    for (const d of model.get("dtmf")) g.fillRect(xOf(d.start), 0, Math.max(1, xOf(d.end) - xOf(d.start)), WAVE_H);
    const env = new Float32Array(bytesOf(model.get("envelope")));
    const n = env.length / 2;
    g.strokeStyle = "#2a6fb0";
    g.beginPath();
    for (let i = 0; i < n; i++) {
      const x = (i / n) * WIDTH;
      g.moveTo(x, WAVE_H / 2 - env[2 * i + 1] * (WAVE_H / 2));
      g.lineTo(x, WAVE_H / 2 - env[2 * i] * (WAVE_H / 2) + 0.5);
    }
    g.stroke();
  }

  function drawSpec() {
    const g = spec.getContext("2d");
    g.fillStyle = "#000";
    g.fillRect(0, 0, WIDTH, SPEC_H);
    const [nf, nt] = model.get("spec_shape");
    if (!nf || !nt) return;
    const levels = new Uint8Array(bytesOf(model.get("spectrogram")));
    const lut = palette();
    const img = new ImageData(nt, nf);
    for (let f = 0; f < nf; f++) {
      const row = nf - 1 - f; // low frequencies at the bottom
      for (let t = 0; t < nt; t++) {
        const v = levels[f * nt + t];
        const o = (row * nt + t) * 4;
        img.data[o] = lut[v * 3];
        img.data[o + 1] = lut[v * 3 + 1];
        img.data[o + 2] = lut[v * 3 + 2];
        img.data[o + 3] = 255;
      }
    }
    const off = document.createElement("canvas");
    off.width = nt;
    off.height = nf;
    off.getContext("2d").putImageData(img, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(off, 0, 0, WIDTH, SPEC_H);
  }

  function drawMarkers() {
    markers.replaceChildren();
    for (const d of model.get("dtmf")) {
      const m = el("div", "ti-marker", d.digit);
      m.dataset.digit = d.digit;
      m.title = `${d.digit}: ${d.start.toFixed(3)}-${d.end.toFixed(3)} s`;
      m.style.left = `${xOf(d.start)}px`;
      m.style.width = `${Math.max(10, xOf(d.end) - xOf(d.start))}px`;
      m.addEventListener("mousedown", (e) => e.stopPropagation());
      m.addEventListener("click", (e) => {
        e.stopPropagation();
        select(d.start, d.end);
        play(d.start, d.end);
      });
      markers.append(m);
    }
  }

  function drawSelection() {
    const g = overlay.getContext("2d");
    g.clearRect(0, 0, WIDTH, overlay.height);
    const sel = model.get("selection");
    if (sel.length !== 2) {
      selText.textContent = "drag to select";
      delete root.dataset.selection;
      return;
    }
    const [a, b] = sel;
    g.fillStyle = "rgba(42, 111, 176, 0.25)";
    g.fillRect(xOf(a), 0, Math.max(1, xOf(b) - xOf(a)), overlay.height);
    selText.textContent = `${a.toFixed(3)}-${b.toFixed(3)} s (${(b - a).toFixed(3)} s)`;
    root.dataset.selection = `${a.toFixed(3)},${b.toFixed(3)}`;
  }

  function select(a, b) {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    model.set("selection", [Math.round(lo * 1e4) / 1e4, Math.round(hi * 1e4) / 1e4]);
    model.save_changes();
  }

  function play(a, b) {
    if (current) { try { current.stop(); } catch (e) { /* ended */ } }
    const rate = model.get("pcm_rate");
    const pcm = new Int16Array(bytesOf(model.get("pcm")));
    const from = Math.max(0, Math.floor(a * rate));
    const to = Math.min(pcm.length, Math.ceil(b * rate));
    if (to <= from) return;
    const ctx = audioContext();
    const buf = ctx.createBuffer(1, to - from, rate);
    const ch = buf.getChannelData(0);
    for (let i = from; i < to; i++) ch[i - from] = pcm[i] / 32768;
    const src = ctx.createBufferSource();
    src.buffer = buf;
    src.connect(ctx.destination);
    src.start();
    current = src;
    (window.__telenb_played = window.__telenb_played || []).push({
      source: "inspector", samples: buf.length, rate, start: a, end: b,
    });
  }

  let dragFrom = null;
  overlay.addEventListener("mousedown", (e) => {
    dragFrom = tOf(e.offsetX);
  });
  overlay.addEventListener("mousemove", (e) => {
    if (dragFrom === null) return;
    model.set("selection", [Math.min(dragFrom, tOf(e.offsetX)), Math.max(dragFrom, tOf(e.offsetX))]);
    drawSelection();
  });
  window.addEventListener("mouseup", onUp);
  function onUp(e) {
    if (dragFrom === null) return;
    const rect = overlay.getBoundingClientRect();
    const to = tOf(e.clientX - rect.left);
    if (Math.abs(xOf(to) - xOf(dragFrom)) >= 2) select(dragFrom, to);
    dragFrom = null;
  }
  playSel.addEventListener("click", () => {
    const sel = model.get("selection");
    if (sel.length === 2) play(sel[0], sel[1]);
  });
  playAll.addEventListener("click", () => play(0, duration()));
  clear.addEventListener("click", () => {
    model.set("selection", []);
    model.save_changes();
  });

  function drawAll() {
    title.textContent = `${model.get("label")}  (${duration().toFixed(3)} s, ${model.get("rate")} Hz)`;
    info.textContent = model.get("info");
    drawWave();
    drawSpec();
    drawMarkers();
    drawSelection();
  }
  model.on("change:selection", drawSelection);
  model.on("change:envelope", drawAll);
  model.on("change:spectrogram", drawAll);
  drawAll();
  return () => window.removeEventListener("mouseup", onUp);
}

export default { render };
