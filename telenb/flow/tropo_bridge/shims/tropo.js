// telenb's Tropo shim for JavaScript (run by node: `node tropo.js SCRIPT`).
//
// Defines Tropo's scripting globals (answer, say, ask, ... currentCall) and forwards each verb
// to telenb as one JSON line on stdout, then blocks reading stdin until the verb's result comes
// back.  Handlers (onChoice: function (event) {...}) stay here: telenb asks for them by id
// while the verb runs, and they run in this process.  Scripts written for Tropo's Rhino get
// Rhino's `print` and `for each (... in ...)`.
'use strict';
const fs = require('fs');
const vm = require('vm');

const scriptPath = process.argv[2];
let inbuf = Buffer.alloc(0);

function readLine() {
  for (;;) {
    const i = inbuf.indexOf(10);
    if (i >= 0) {
      const line = inbuf.subarray(0, i).toString('utf8');
      inbuf = inbuf.subarray(i + 1);
      return line;
    }
    const chunk = Buffer.alloc(65536);
    let n = 0;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') process.exit(0);
      throw e;
    }
    if (n === 0) process.exit(0); // telenb closed the pipe: the call is over
    inbuf = Buffer.concat([inbuf, chunk.subarray(0, n)]);
  }
}

function send(message) {
  fs.writeSync(1, JSON.stringify(message) + '\n');
}

function receive() {
  const m = JSON.parse(readLine());
  if (m.op === 'stop') process.exit(0);
  return m;
}

// -- values and handlers across the boundary -------------------------------------------------
const handlers = [];
const pending = [];

function encode(v) {
  if (typeof v === 'function') {
    handlers.push(v);
    return { $fn: handlers.length - 1 };
  }
  if (v === undefined) return null;
  if (v instanceof String || v instanceof Number || v instanceof Boolean) return v.valueOf();
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v)) out[k] = encode(v[k]);
    return out;
  }
  return v;
}

class TropoError extends Error {}

function rpc(verb, args) {
  while (args.length && args[args.length - 1] === undefined) args.pop();
  const mark = handlers.length;
  try {
    send({ op: 'verb', verb, args: encode(args) });
    for (;;) {
      const m = receive();
      if (m.op === 'result') return m.event === undefined ? m : makeEvent(m);
      if (m.op === 'raise') throw new TropoError(m.message);
      if (m.op === 'rethrow') throw pending.pop();
      if (m.op === 'handler') runHandler(m);
    }
  } finally {
    handlers.length = mark;
  }
}

function runHandler(m) {
  const fn = handlers[m.id];
  try {
    fn(makeEvent(m));
  } catch (e) {
    pending.push(e);
    send({ op: 'return', failed: true });
    return;
  }
  send({ op: 'return' });
}

// -- Tropo's objects -------------------------------------------------------------------------
function TropoCall(s) {
  Object.assign(this, s);
  delete this.state; // a method, asked live
  this.headers = s.headers || {};
}
TropoCall.prototype.state = function () { return rpc('_state', []).state; };
TropoCall.prototype.isActive = function () { return rpc('_state', []).active; };
TropoCall.prototype.getHeader = function (name) {
  const key = Object.keys(this.headers).find((k) => k.toLowerCase() === String(name).toLowerCase());
  return key === undefined ? null : this.headers[key];
};
// Tropo's verbs are methods of currentCall too: currentCall.say("Hi") is say("Hi")
for (const name of ['answer', 'say', 'ask', 'prompt', 'record', 'transfer', 'conference', 'message',
  'wait', 'hangup', 'reject', 'redirect', 'startCallRecording', 'stopCallRecording']) {
  TropoCall.prototype[name] = function (...args) { return rpc(name, args); };
}
TropoCall.prototype.log = function (...parts) { return rpc('log', [parts.map(String).join(' ')]); };
TropoCall.prototype.toString = function () { return `[currentCall ${this.callerID} -> ${this.calledID}]`; };

function TropoEvent(d) {
  Object.assign(this, d.data || {});
  this.name = d.name;
  this.value = d.value;
  this.attempt = d.attempt;
  this.choice = d.choice || {};
  this.recordURI = d.recordURI;
  this.transcription = d.transcription;
}
TropoEvent.prototype.onChoice = function (value, fn) {
  if (this.name === 'choice' && this.value == value) fn(this);
  return true;
};
for (const [method, name] of [['onBadChoice', 'badChoice'], ['onTimeout', 'timeout'],
  ['onHangup', 'hangup'], ['onError', 'error']]) {
  TropoEvent.prototype[method] = function (fn) {
    if (this.name === name) fn(this);
    return true;
  };
}
TropoEvent.prototype.toString = function () { return `[event ${this.name} ${this.value}]`; };

function makeEvent(m) {
  if (m.call) globalThis.currentCall = new TropoCall(m.call);
  if (!m.event) return null;
  const event = new TropoEvent(m.event);
  if (m.call) event.value = globalThis.currentCall;
  return event;
}

// -- the globals -----------------------------------------------------------------------------
const G = globalThis;
const verb = (name) => (...args) => rpc(name, args);
for (const name of ['answer', 'say', 'ask', 'prompt', 'record', 'transfer', 'call', 'conference',
  'message', 'wait', 'hangup', 'reject', 'redirect', 'startCallRecording', 'stopCallRecording']) {
  G[name] = verb(name);
}
G.log = (...parts) => rpc('log', [parts.map(String).join(' ')]);
G.print = (...parts) => send({ op: 'print', text: parts.map(String).join(' ') }); // Rhino's print
console.log = console.info = console.warn = console.error = G.print;
process.stdout.write = (chunk) => { G.print(String(chunk).replace(/\n$/, '')); return true; };

// -- Rhino-era JavaScript --------------------------------------------------------------------
function rhino(source) {
  // `for each (var x in xs)` (JavaScript 1.6) -> `for (var x of __tropoValues(xs))`
  const re = /for\s+each\s*\(\s*((?:var|let|const)\s+)?([\w$]+)\s+in\s+/g;
  let out = '';
  let last = 0;
  let m;
  while ((m = re.exec(source)) !== null) {
    const open = source.indexOf('(', m.index);
    let depth = 0;
    let close = -1;
    for (let i = open; i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) { close = i; break; }
    }
    if (close < 0) break;
    const expr = source.slice(m.index + m[0].length, close);
    out += source.slice(last, m.index) + `for (${m[1] || ''}${m[2]} of __tropoValues(${expr}))`;
    last = close + 1;
    re.lastIndex = last;
  }
  return out + source.slice(last);
}
G.__tropoValues = (xs) => (xs == null ? [] : Array.isArray(xs) ? xs : Object.values(xs));

// -- run -------------------------------------------------------------------------------------
function where(e) {
  const text = String((e && e.stack) || '');
  const esc = scriptPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = text.match(new RegExp(esc + ':(\\d+)'));
  return m ? `${scriptPath}:${m[1]}` : null;
}

function fail(e) {
  const isError = e instanceof Error;
  const lines = String((isError && e.stack) || e).split('\n');
  const trace = lines.filter((l) => /^\s+at /.test(l) && l.includes(scriptPath)).join('\n');
  const text = e instanceof TropoError ? e.message : isError ? `${e.name}: ${e.message}` : `uncaught ${String(e)}`;
  send({ op: 'error', message: text,
    where: where(e), trace });
  process.exit(1);
}

const start = receive();
for (const [k, v] of Object.entries(start.params || {})) G[k] = v;
G.currentCall = start.call ? new TropoCall(start.call) : null;
G.currentApp = start.app || { id: 'tropo', name: 'tropo', baseDir: '' };

let script;
const source = fs.readFileSync(scriptPath, 'utf8');
try {
  script = new vm.Script(source, { filename: scriptPath });
} catch (first) {
  try {
    script = new vm.Script(rhino(source), { filename: scriptPath });
  } catch (_) {
    const m = String(first.stack).match(new RegExp('^' + scriptPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ':(\\d+)'));
    send({ op: 'error', message: `SyntaxError: ${first.message}`,
      where: m ? `${scriptPath}:${m[1]}` : scriptPath, trace: String(first.stack).split('\n').slice(0, 3).join('\n') });
    process.exit(1);
  }
}
try {
  script.runInThisContext();
} catch (e) {
  fail(e);
}
send({ op: 'exit' });
process.exit(0);
