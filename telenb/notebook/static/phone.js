// telenb Phone widget (anywidget ES module, no build step).
// Prompts arrive as 16-bit PCM in binary buffers and play with WebAudio; the microphone
// streams PCM to the kernel from an AudioWorklet; test hooks: window.__telenb_played,
// window.__telenb_mic and data-* attributes on the root element.
// The transcript comes as numbered lines, each once ("lines"); a view asks for what it missed
// ("sync") and gets the kernel's kept lines ("transcript"); it shows the last max_lines.

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const DTMF = {
  1: [697, 1209], 2: [697, 1336], 3: [697, 1477], 4: [770, 1209], 5: [770, 1336],
  6: [770, 1477], 7: [852, 1209], 8: [852, 1336], 9: [852, 1477], "*": [941, 1209],
  0: [941, 1336], "#": [941, 1477],
};
const FINAL = ["completed", "busy", "no-answer", "failed", "canceled"];
const WORKLET = `
class TelenbCapture extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch && ch.length) this.port.postMessage(ch.slice(0));
    return true;
  }
}
registerProcessor("telenb-capture", TelenbCapture);
`;

const playedKeys = new Set(); // one play per prompt even when a phone is shown twice
let sharedContext = null;
function audioContext() {
  // one context for the page; created (or resumed) from a click, as autoplay rules require
  if (!sharedContext) sharedContext = new AudioContext();
  if (sharedContext.state === "suspended") sharedContext.resume();
  return sharedContext;
}

function int16From(view) {
  const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  return new Int16Array(bytes);
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: root }) {
  root.classList.add("telenb-phone");
  const head = el("div", "tp-head");
  const number = el("input", "tp-number");
  number.placeholder = "number";
  number.value = model.get("number");
  const status = el("span", "tp-status");
  const timer = el("span", "tp-timer", "0:00");
  head.append(number, status, timer);

  const keypad = el("div", "tp-keypad");
  for (const key of KEYS) {
    const b = el("button", "tp-key", key);
    b.dataset.key = key;
    b.addEventListener("click", () => press(key));
    keypad.append(b);
  }
  const actions = el("div", "tp-actions");
  const call = el("button", "tp-call", "Call");
  const hang = el("button", "tp-hangup", "Hang up");
  const mic = el("button", "tp-mic", "Mic off");
  const vad = el("span", "tp-vad");
  actions.append(call, hang, mic, vad);
  const sayForm = el("form", "tp-say");
  const sayInput = el("input", "tp-say-text");
  sayInput.placeholder = "type what you say, Enter";
  sayForm.append(sayInput);
  const transcript = el("div", "tp-transcript");
  root.append(head, keypad, actions, sayForm, transcript);

  const playing = new Set();
  let started = null;
  let tick = null;
  let capture = null;
  root.dataset.played = "0";

  function send(msg, buffers) {
    model.send(msg, undefined, buffers);
  }

  function press(key) {
    keyTone(key);
    send({ type: "press", key });
  }

  function keyTone(key) {
    const ctx = audioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0.05;
    gain.connect(ctx.destination);
    for (const f of DTMF[key] || []) {
      const osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start();
      osc.stop(ctx.currentTime + 0.12);
    }
  }

  function play(msg, buffers) {
    const key = `${msg.phone}:${msg.id}`;
    if (playedKeys.has(key)) return;
    playedKeys.add(key);
    const pcm = int16From(buffers[0]);
    if (!pcm.length) return;
    const ctx = audioContext();
    const buf = ctx.createBuffer(1, pcm.length, msg.rate);
    const ch = buf.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) ch[i] = pcm[i] / 32768;
    const src = ctx.createBufferSource();
    src.buffer = buf;
    src.connect(ctx.destination);
    const record = { id: msg.id, text: msg.text, samples: buf.length, rate: buf.sampleRate,
                     ended: false, stopped: false };
    src.onended = () => {
      playing.delete(src);
      record.ended = true;
    };
    src.record = record;
    playing.add(src);
    src.start();
    (window.__telenb_played = window.__telenb_played || []).push(record);
    root.dataset.played = String(Number(root.dataset.played) + 1);
  }

  function stopAll() {
    for (const src of playing) {
      src.record.stopped = true;
      try { src.stop(); } catch (e) { /* already stopped */ }
    }
    playing.clear();
  }

  async function micOn() {
    const ctx = audioContext();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false,
               autoGainControl: false },
    });
    const url = URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" }));
    await ctx.audioWorklet.addModule(url);
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "telenb-capture");
    const mute = ctx.createGain();
    mute.gain.value = 0;
    source.connect(node);
    node.connect(mute);
    mute.connect(ctx.destination); // keeps the worklet pulled by the graph
    const stats = (window.__telenb_mic = { chunks: 0, samples: 0, rate: ctx.sampleRate });
    let pending = [];
    let count = 0;
    const batch = Math.round(ctx.sampleRate * 0.1); // 100 ms per message
    node.port.onmessage = (e) => {
      pending.push(e.data);
      count += e.data.length;
      if (count < batch) return;
      const pcm = new Int16Array(count);
      let o = 0;
      for (const part of pending) {
        for (let i = 0; i < part.length; i++) {
          const v = Math.max(-1, Math.min(1, part[i]));
          pcm[o++] = v < 0 ? v * 32768 : v * 32767;
        }
      }
      pending = [];
      count = 0;
      stats.chunks += 1;
      stats.samples += pcm.length;
      send({ type: "mic", rate: ctx.sampleRate }, [pcm.buffer]);
    };
    capture = { stream, source, node, mute };
    mic.textContent = "Mic on";
    mic.classList.add("tp-on");
    root.dataset.mic = "on";
  }

  function micOff() {
    if (!capture) return;
    capture.node.port.onmessage = null;
    capture.source.disconnect();
    capture.node.disconnect();
    capture.mute.disconnect();
    for (const track of capture.stream.getTracks()) track.stop();
    capture = null;
    send({ type: "mic-off" });
    mic.textContent = "Mic off";
    mic.classList.remove("tp-on");
    root.dataset.mic = "off";
  }

  call.addEventListener("click", () => {
    audioContext();
    send({ type: "dial", number: number.value });
  });
  hang.addEventListener("click", () => send({ type: "hangup" }));
  mic.addEventListener("click", () => {
    if (capture) micOff();
    else micOn().catch((err) => {
      root.dataset.micError = String(err);
      addLine(`microphone: ${err}`);
    });
  });
  sayForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (sayInput.value.trim()) send({ type: "say", text: sayInput.value });
    sayInput.value = "";
  });
  number.addEventListener("change", () => {
    model.set("number", number.value);
    model.save_changes();
  });

  let nextLine = null; // the number of the next kernel line this view expects (null: unsynced)

  function addLine(text) {
    transcript.append(el("div", "tp-line", text));
    const keep = Math.max(1, model.get("max_lines"));
    while (transcript.childElementCount > keep) transcript.firstElementChild.remove();
    transcript.scrollTop = transcript.scrollHeight;
  }

  function showTranscript(msg) {
    transcript.replaceChildren();
    for (const line of msg.lines) addLine(line);
    nextLine = msg.first + msg.lines.length;
  }

  function moreLines(msg) {
    if (nextLine === null) return; // the "transcript" answer to our sync is on its way
    if (msg.first > nextLine) { // some lines were missed: ask for them all again
      nextLine = null;
      send({ type: "sync" });
      return;
    }
    const fresh = msg.lines.slice(nextLine - msg.first);
    for (const line of fresh) addLine(line);
    nextLine += fresh.length;
  }

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function showStatus() {
    const s = model.get("status");
    status.textContent = s;
    root.dataset.status = s;
    status.className = `tp-status tp-${s}`;
    if (s === "in-progress" && started === null) {
      started = performance.now();
      tick = setInterval(() => { timer.textContent = clock((performance.now() - started) / 1000); }, 250);
    }
    if (FINAL.includes(s)) {
      if (tick) clearInterval(tick);
      tick = null;
      started = null;
      timer.textContent = clock(model.get("duration"));
      if (capture) micOff();
    }
    if (s === "initiated") timer.textContent = "0:00";
  }

  model.on("msg:custom", (msg, buffers) => {
    if (msg.type === "play") play(msg, buffers);
    else if (msg.type === "stop") stopAll();
    else if (msg.type === "lines") moreLines(msg);
    else if (msg.type === "transcript") showTranscript(msg);
  });
  model.on("change:status", showStatus);
  model.on("change:duration", showStatus);
  model.on("change:number", () => { number.value = model.get("number"); });
  model.on("change:voice_activity", () => {
    vad.textContent = model.get("voice_activity") ? "speech" : "";
  });
  send({ type: "sync" });
  showStatus();
  return () => {
    if (tick) clearInterval(tick);
    micOff();
    stopAll();
  };
}

export default { render };
