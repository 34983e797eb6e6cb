// The Kokoro peer: the bare model call in onnxruntime-node on the token ids the service used.
// usage: node kokoro_ort.js MODEL_ONNX VOICE_BIN TOKEN_IDS(comma-separated) THREADS RUNS
// Protocol (RealModelBench): loads, runs once to warm up, prints {"ready":...}; then for each run
// waits for a line on stdin, runs and prints {"run":...}. Two processes at once = concurrency 2.
'use strict';
const ort = require('onnxruntime-node');
const fs = require('fs');
const readline = require('readline');

async function main() {
  const [modelPath, voicePath, idsArg, threadsArg, runsArg] = process.argv.slice(2);
  const ids = idsArg.split(',').map(Number);
  const threads = Number(threadsArg), runs = Number(runsArg || 1);
  const t0 = Date.now();
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential'});
  const bytes = fs.readFileSync(voicePath);
  const voice = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  // style = row N of the [510,1,256] voice, N = number of phoneme tokens (as kokoro does)
  const row = Math.min(ids.length, voice.length / 256 - 1);
  const style = voice.slice(row * 256, row * 256 + 256);
  const padded = BigInt64Array.from([0, ...ids, 0].map(BigInt));
  const idsName = session.inputNames.find((n) => n !== 'style' && n !== 'speed');
  const feeds = {
    [idsName]: new ort.Tensor('int64', padded, [1, padded.length]),
    style: new ort.Tensor('float32', style, [1, 256]),
    speed: new ort.Tensor('float32', Float32Array.from([1.0]), [1]),
  };
  const call = async () => {
    const out = await session.run(feeds);
    return out[session.outputNames[0]].data.length / 24000;
  };
  await call();  // warm-up
  console.log(JSON.stringify({ready: true, load_s: (Date.now() - t0) / 1000,
    ort: require('onnxruntime-node/package.json').version}));
  const lines = readline.createInterface({input: process.stdin})[Symbol.asyncIterator]();
  for (let i = 0; i < runs; i++) {
    if ((await lines.next()).done) break;
    const start = Date.now();
    const audio = await call();
    const end = Date.now();
    console.log(JSON.stringify({run: i, elapsed_s: (end - start) / 1000, audio_s: audio, start_ms: start, end_ms: end}));
  }
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
