// The /web page: talks to this service's own API (same origin), no libraries.
'use strict';

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = 'tts_api_key';
// Formats the browser can play while they arrive (Media Source Extensions); others are fetched whole.
const STREAMABLE = { mp3: 'audio/mpeg', aac: 'audio/aac' };
const MIME = { mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav' };

const state = { models: [], kokoroVoices: [], zipVoices: {}, urls: [], words: [], recorded: null, recorder: null };

// ---- API ------------------------------------------------------------------

class ApiError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.set('Authorization', 'Bearer ' + key);
  let response;
  try {
    response = await fetch(path, { ...options, headers });
  } catch (e) {
    throw new ApiError('Cannot reach the service: ' + e.message, 0);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

// The service answers errors as {"error": {"message", "type", "param", "code"}}.
async function errorFrom(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) message = body.error.message;
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(message, response.status);
}

const json = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

// ---- status and errors ------------------------------------------------------

function setStatus(text) { $('status').textContent = text; }

function showError(error) {
  const box = $('error');
  box.textContent = 'Error: ' + (error.message || String(error));
  box.hidden = false;
  setStatus('');
  document.body.dataset.state = 'error';
  if (error.status === 401) {
    document.querySelector('details').open = true;
    $('api-key').focus();
  }
}

function clearError() { $('error').hidden = true; $('error').textContent = ''; }

// ---- models and voices ------------------------------------------------------

const isZipVoice = (model) => model.startsWith('zipvoice');

async function loadModels() {
  const { data } = await (await api('/v1/models')).json();
  state.models = data.map((m) => m.id);
  const select = $('model');
  const previous = select.value;
  select.replaceChildren(...data.map((m) => new Option(`${m.id} (${m.owned_by})`, m.id)));
  // Keep the user's pick across reloads; otherwise start with Kokoro, the fast one with fixed voices.
  const preferred = [previous, 'kokoro'].find((id) => state.models.includes(id));
  if (preferred) select.value = preferred;
  if (data.length === 0) setStatus('No model is loaded on this server: see /ready for why.');
}

async function loadKokoroVoices() {
  try {
    state.kokoroVoices = (await (await api('/v1/audio/voices')).json()).voices.map((v) => (typeof v === 'string' ? v : v.id));
  } catch (e) {
    state.kokoroVoices = [];
    if (e.status === 401) throw e; // anything else: Kokoro is simply not loaded
  }
}

async function loadZipVoices() {
  state.zipVoices = (await (await api('/v1/zipvoice/voices')).json()).voices || {};
  const list = $('zv-list');
  const names = Object.keys(state.zipVoices).sort();
  list.replaceChildren(...names.map((name) => {
    const item = document.createElement('li');
    const use = button('Use', `Use voice ${name}`, () => useZipVoice(name));
    const remove = button('Delete', `Delete voice ${name}`, () => deleteZipVoice(name));
    item.append(`${name}: “${state.zipVoices[name].transcription}” `, use, ' ', remove);
    return item;
  }));
  if (names.length === 0) list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'none yet' }));
}

function button(text, label, onClick) {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

function fillVoices() {
  const model = $('model').value || '';
  const zip = isZipVoice(model);
  const names = zip ? Object.keys(state.zipVoices).sort() : state.kokoroVoices;
  const select = $('voice');
  const previous = select.value;
  select.replaceChildren(...names.map((v) => new Option(v, v)));
  if (names.includes(previous)) select.value = previous;
  else if (!zip && names.includes('af_heart')) select.value = 'af_heart';
  $('captions').disabled = zip;
  // Dialog models speak two registered voices, typed as a pair, with [S1]/[S2] turns in the text.
  const dialog = model.startsWith('zipvoice_dialog');
  const hint = $('voice-custom-hint');
  hint.dataset.kokoro ??= hint.innerHTML;
  $('voice-custom').placeholder = dialog ? (names.length >= 2 ? `${names[0]}+${names[1]}` : 'alice+bob') : 'af_bella+af_sky';
  if (dialog) hint.textContent = 'Dialog: two registered voices (first+second), or one voice registered as [S1] … [S2] …; text starts with [S1] and marks each turn with [S1] or [S2].';
  else hint.innerHTML = hint.dataset.kokoro;
}

function useZipVoice(name) {
  const model = state.models.find(isZipVoice);
  if (!model) {
    showError(new Error('No ZipVoice model is loaded on this server (see /ready), so registered voices cannot speak yet.'));
    return;
  }
  $('model').value = model;
  fillVoices();
  $('voice').value = name;
  $('voice-custom').value = '';
  setStatus(`Voice ${name} selected with model ${model}.`);
  $('text').focus();
}

async function deleteZipVoice(name) {
  clearError();
  try {
    await api('/v1/zipvoice/voices/' + encodeURIComponent(name), { method: 'DELETE' });
    await loadZipVoices();
    fillVoices();
    setStatus(`Voice ${name} deleted.`);
  } catch (e) { showError(e); }
}

// ---- speaking ----------------------------------------------------------------

function request() {
  const model = $('model').value;
  return {
    model,
    input: $('text').value,
    voice: $('voice-custom').value.trim() || $('voice').value,
    response_format: $('format').value,
    speed: parseFloat($('speed').value) || 1,
  };
}

async function speak(event) {
  event.preventDefault();
  clearError();
  const body = request();
  const captions = $('captions').checked && !isZipVoice(body.model);
  const speakButton = $('speak');
  speakButton.disabled = true;
  document.body.dataset.state = 'busy';
  $('speak-form').setAttribute('aria-busy', 'true');
  resetResult();
  setStatus('Speaking…');
  try {
    if (captions) await speakCaptioned(body);
    else await speakAudio(body);
    document.body.dataset.state = 'done';
  } catch (e) {
    resetResult();
    showError(e);
  } finally {
    speakButton.disabled = false;
    $('speak-form').removeAttribute('aria-busy');
  }
}

function resetResult() {
  const player = $('player');
  player.pause();
  player.removeAttribute('src');
  player.load();
  state.urls.forEach((url) => URL.revokeObjectURL(url));
  state.urls = [];
  $('download').hidden = true;
  $('captions-view').hidden = true;
  $('captions-view').replaceChildren();
  state.words = [];
}

async function speakAudio(body) {
  const path = isZipVoice(body.model) ? '/v1/zipvoice/audio/speech' : '/v1/audio/speech';
  const mime = STREAMABLE[body.response_format];
  const canStream = $('stream').checked && mime && window.MediaSource && MediaSource.isTypeSupported(mime);
  // Errors come back before the first audio byte, so the status is known before playing starts.
  const response = await api(path, json({ ...body, stream: Boolean(canStream) }));
  if (canStream) {
    const blob = await playStreaming(response, mime);
    offerDownload(blob, body.response_format);
    setStatus(`Done (streamed): ${describe(blob)}.`);
  } else {
    const blob = await response.blob();
    play(blob, body.response_format);
    setStatus(`Done${$('stream').checked ? ` (this browser cannot stream ${body.response_format}; fetched whole)` : ''}: ${describe(blob)}.`);
  }
}

function objectUrl(blob) {
  const url = URL.createObjectURL(blob);
  state.urls.push(url);
  return url;
}

const describe = (blob) => `${(blob.size / 1024).toFixed(1)} KiB`;

// Appends the response's chunks to a MediaSource as they arrive; returns the whole file for the download link.
async function playStreaming(response, mime) {
  const player = $('player');
  const source = new MediaSource();
  const url = URL.createObjectURL(source);
  player.src = url;
  await new Promise((resolve) => source.addEventListener('sourceopen', resolve, { once: true }));
  URL.revokeObjectURL(url); // the element holds the source now
  const buffer = source.addSourceBuffer(mime);
  const appended = () => new Promise((resolve, reject) => {
    buffer.addEventListener('updateend', resolve, { once: true });
    buffer.addEventListener('error', () => reject(new Error('The browser could not decode the audio stream.')), { once: true });
  });
  const chunks = [];
  const reader = response.body.getReader();
  let started = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    const finished = appended();
    buffer.appendBuffer(value);
    await finished;
    if (!started) { started = true; startPlaying(); }
  }
  if (source.readyState === 'open') source.endOfStream();
  return new Blob(chunks, { type: mime });
}

function play(blob, format) {
  const url = objectUrl(blob);
  $('player').src = url;
  offerDownload(blob, format, url);
  startPlaying();
}

function startPlaying() {
  // Autoplay may be refused (no user gesture left); the controls are there to press play.
  $('player').play().catch(() => setStatus('Ready: press play.'));
}

function offerDownload(blob, format, url) {
  const link = $('download');
  link.href = url || objectUrl(blob);
  link.download = 'speech.' + format;
  link.textContent = `Download speech.${format} (${describe(blob)})`;
  link.hidden = false;
}

// ---- captions ---------------------------------------------------------------

async function speakCaptioned(body) {
  const result = await (await api('/v1/audio/speech/captioned', json({ ...body, stream: false }))).json();
  const bytes = Uint8Array.from(atob(result.audio), (c) => c.charCodeAt(0));
  const format = result.audio_format || body.response_format;
  const blob = new Blob([bytes], { type: MIME[format] || 'application/octet-stream' });
  showWords(result.timestamps || []);
  play(blob, format);
  setStatus(`Done: ${describe(blob)}, ${state.words.length} words (${result.timestamp_source} timestamps).`);
}

function showWords(timestamps) {
  const view = $('captions-view');
  state.words = timestamps.map((t) => {
    const span = Object.assign(document.createElement('span'), { className: 'word', textContent: t.word });
    span.dataset.start = t.start_time;
    span.dataset.end = t.end_time;
    return { start: t.start_time, end: t.end_time, span };
  });
  view.replaceChildren(...state.words.flatMap((w) => [w.span, ' ']));
  view.hidden = state.words.length === 0;
}

function highlight() {
  const t = $('player').currentTime;
  for (const w of state.words) w.span.classList.toggle('current', t >= w.start && t < w.end);
}

function followPlayback() {
  if (state.words.length === 0) return;
  highlight();
  if (!$('player').paused) requestAnimationFrame(followPlayback);
}

// ---- ZipVoice prompt: record and register ------------------------------------

async function toggleRecording() {
  const recordButton = $('zv-record');
  if (state.recorder) { state.recorder.stop(); return; }
  clearError();
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    showError(new Error('This browser cannot record audio here (recording needs https or localhost).'));
    return;
  }
  let stream;
  try { stream = await navigator.mediaDevices.getUserMedia({ audio: true }); }
  catch (e) { showError(new Error('No microphone: ' + e.message)); return; }
  const recorder = new MediaRecorder(stream);
  const parts = [];
  recorder.addEventListener('dataavailable', (e) => parts.push(e.data));
  recorder.addEventListener('stop', async () => {
    stream.getTracks().forEach((track) => track.stop());
    state.recorder = null;
    recordButton.textContent = 'Record';
    recordButton.setAttribute('aria-pressed', 'false');
    try {
      // Browsers record WebM or Ogg; the service takes WAV, MP3, FLAC or Ogg Opus, so send WAV.
      state.recorded = await toWav(new Blob(parts, { type: recorder.mimeType }));
      const preview = $('zv-preview');
      preview.src = URL.createObjectURL(state.recorded);
      preview.hidden = false;
      $('zv-file').value = '';
      setStatus(`Recorded ${describe(state.recorded)}; now type its transcript and register it.`);
    } catch (e) { showError(new Error('Could not read the recording: ' + e.message)); }
  });
  recorder.start();
  state.recorder = recorder;
  recordButton.textContent = 'Stop recording';
  recordButton.setAttribute('aria-pressed', 'true');
  setStatus('Recording… press Stop recording when done.');
}

async function toWav(blob) {
  const context = new AudioContext();
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const samples = audio.getChannelData(0);
    const view = new DataView(new ArrayBuffer(44 + samples.length * 2));
    const text = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
    text(0, 'RIFF'); view.setUint32(4, 36 + samples.length * 2, true); text(8, 'WAVE');
    text(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, audio.sampleRate, true); view.setUint32(28, audio.sampleRate * 2, true);
    view.setUint16(32, 2, true); view.setUint16(34, 16, true);
    text(36, 'data'); view.setUint32(40, samples.length * 2, true);
    samples.forEach((s, i) => view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, s)) * 0x7fff, true));
    return new Blob([view], { type: 'audio/wav' });
  } finally { context.close(); }
}

async function register(event) {
  event.preventDefault();
  clearError();
  const name = $('zv-name').value.trim();
  const file = $('zv-file').files[0];
  const audio = file || state.recorded;
  // The service checks everything too; these only save a round trip for the obvious.
  if (!audio) { showError(new Error('Choose a prompt audio file or record one first.')); $('zv-file').focus(); return; }
  const form = new FormData();
  form.append('name', name);
  form.append('transcription', $('zv-transcript').value);
  form.append('audio_file', audio, file ? file.name : 'recording.wav');
  form.append('overwrite', $('zv-overwrite').checked ? 'true' : 'false');
  const registerButton = $('zv-register');
  registerButton.disabled = true;
  setStatus('Registering…');
  try {
    const info = await (await api('/v1/zipvoice/voices/register', { method: 'POST', body: form })).json();
    await loadZipVoices();
    fillVoices();
    const registered = `Registered voice ${info.name} (${info.audio_info.duration.toFixed(1)} s)`;
    if (state.models.some(isZipVoice)) {
      useZipVoice(info.name);
      setStatus(`${registered}; selected with model ${$('model').value}.`);
    } else {
      setStatus(`${registered}. No ZipVoice model is loaded yet, so it cannot speak here (see /ready).`);
    }
  } catch (e) { showError(e); }
  finally { registerButton.disabled = false; }
}

// ---- live: text streamed in over the WebSocket -----------------------------------

const live = { socket: null, audio: null, playAt: 0, sent: '', seconds: 0 };

function liveStatus(text) { $('live-status').textContent = text; }

// Opens /v1/audio/speech/stream with the form's model, voice and speed; 16-bit PCM comes back as binary frames.
function openLive() {
  closeLive();
  clearError();
  const url = new URL('/v1/audio/speech/stream', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = sessionStorage.getItem(KEY_STORAGE);
  let socket;
  try {
    // Browsers cannot set headers on a WebSocket: the key goes as a subprotocol beside the protocol's own.
    socket = new WebSocket(url, key ? ['tts-stream.v1', 'bearer.' + key] : ['tts-stream.v1']);
  } catch {
    if (key) url.searchParams.set('api_key', key); // a key with characters a subprotocol cannot carry
    socket = new WebSocket(url, ['tts-stream.v1']);
  }
  socket.binaryType = 'arraybuffer';
  live.socket = socket;
  live.audio = live.audio || new AudioContext({ sampleRate: 24000 });
  live.audio.resume();
  live.playAt = 0;
  live.sent = '';
  live.seconds = 0;
  $('live-words').replaceChildren();
  $('live-words').hidden = false;
  $('live-end').disabled = false;
  document.body.dataset.live = 'connecting';
  liveStatus('Connecting…');
  const { model, voice, speed } = request();
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'start', model, voice, speed, response_format: 'pcm' })));
    socket.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') { playPcm(e.data); return; }
      const event = JSON.parse(e.data);
      if (event.type === 'started') {
        document.body.dataset.live = 'open';
        liveStatus('Live: each clause is spoken as soon as it is complete.');
        resolve(socket);
      } else if (event.type === 'chunk') {
        live.seconds = event.end_time;
        for (const w of event.timestamps) {
          const span = document.createElement('span');
          span.className = 'word';
          span.textContent = w.word + ' ';
          $('live-words').append(span);
        }
      } else if (event.type === 'done') {
        document.body.dataset.live = 'done';
        liveStatus(`Done: ${event.audio_seconds.toFixed(1)} s of audio for ${event.characters} characters.`);
      } else if (event.type === 'error') {
        showError(new ApiError(event.error.message, 0));
      }
    });
    socket.addEventListener('close', (e) => {
      $('live-end').disabled = true;
      if (document.body.dataset.live !== 'done') {
        document.body.dataset.live = 'closed';
        liveStatus(`Closed (${e.code}${e.reason ? ': ' + e.reason : ''}).`);
      }
      reject(new Error(`The live session closed (${e.code}${e.reason ? ': ' + e.reason : ''}).`));
    });
  });
}

function closeLive() {
  if (live.socket && live.socket.readyState <= WebSocket.OPEN) live.socket.close(1000);
  live.socket = null;
}

// Each PCM frame is queued right after the one before it, so the words play without gaps once they arrive in time.
function playPcm(data) {
  const pcm = new Int16Array(data);
  if (pcm.length === 0) return;
  const buffer = live.audio.createBuffer(1, pcm.length, 24000);
  const samples = buffer.getChannelData(0);
  for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 32768;
  const source = live.audio.createBufferSource();
  source.buffer = buffer;
  source.connect(live.audio.destination);
  live.playAt = Math.max(live.playAt, live.audio.currentTime);
  source.start(live.playAt);
  live.playAt += buffer.duration;
}

function sendLive(message) {
  if (live.socket && live.socket.readyState === WebSocket.OPEN) live.socket.send(JSON.stringify(message));
}

// Typing: what was added at the end is sent; an edit before the end cancels what was not yet spoken.
function liveTyped() {
  if (!live.socket || document.body.dataset.live !== 'open' || live.simulating) return;
  const text = $('live-text').value;
  if (text.startsWith(live.sent)) sendLive({ type: 'text', text: text.slice(live.sent.length) });
  else sendLive({ type: 'cancel' });
  live.sent = text;
}

async function liveStart() {
  try {
    await openLive();
    live.simulating = false;
    live.sent = '';
    $('live-text').value = '';
    $('live-text').focus();
  } catch (e) { showError(e); }
}

// An LLM-like producer: words (long ones in pieces) at 30 tokens a second, then the end of input.
async function liveSimulate() {
  const text = $('live-text').value;
  try {
    await openLive();
    live.simulating = true;
    const tokens = [];
    for (const [i, word] of text.split(' ').entries()) {
      const piece = i === 0 ? word : ' ' + word;
      for (let at = 0; at < piece.length; at += 5) tokens.push(piece.slice(at, at + 5));
    }
    for (const token of tokens) {
      sendLive({ type: 'text', text: token });
      await new Promise((resolve) => setTimeout(resolve, 1000 / 30));
    }
    sendLive({ type: 'end' });
  } catch (e) { showError(e); }
}

// ---- start -------------------------------------------------------------------

async function start() {
  const key = $('api-key');
  key.value = sessionStorage.getItem(KEY_STORAGE) || '';
  key.addEventListener('change', () => {
    if (key.value) sessionStorage.setItem(KEY_STORAGE, key.value); else sessionStorage.removeItem(KEY_STORAGE);
    load();
  });
  $('model').addEventListener('change', fillVoices);
  $('speak-form').addEventListener('submit', speak);
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('speak-form').requestSubmit();
  });
  $('register-form').addEventListener('submit', register);
  $('live-start').addEventListener('click', liveStart);
  $('live-simulate').addEventListener('click', liveSimulate);
  $('live-end').addEventListener('click', () => sendLive({ type: 'end' }));
  $('live-text').addEventListener('input', liveTyped);
  $('zv-record').addEventListener('click', toggleRecording);
  const player = $('player');
  player.addEventListener('play', followPlayback);
  player.addEventListener('seeked', highlight);
  player.addEventListener('timeupdate', highlight);
  await load();
}

async function load() {
  clearError();
  document.body.dataset.state = 'loading';
  try {
    await loadModels();
    await Promise.all([loadKokoroVoices(), loadZipVoices()]);
    fillVoices();
    document.body.dataset.state = 'ready';
  } catch (e) { showError(e); }
}

start();
