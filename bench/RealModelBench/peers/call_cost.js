// Cost of one model call against its length, on the bare model in onnxruntime-node: the measurements behind
// the streaming schedules (KokoroFrontend.StreamingSchedule, ZipVoiceBackend.StreamingSchedule).
//   node call_cost.js MODELS_DIR [kokoro|zipvoice|zipvoice_distill] [threads]
// MODELS_DIR holds kokoro/model.onnx and <variant>/fm_decoder.onnx (a realshape output folder or real models).
// Run from a folder whose node_modules has onnxruntime-node (RealModelBench installs it), or set NODE_PATH.
'use strict';
const ort = require('onnxruntime-node');
const path = require('path');

const [root, which = 'kokoro', threadsArg = '1'] = process.argv.slice(2);
const opts = {intraOpNumThreads: Number(threadsArg), interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential'};
const F = (d, s) => new ort.Tensor('float32', d, s);
const noise = (n) => Float32Array.from({length: n}, () => Math.random() * 2 - 1);

async function best(session, feeds, reps) {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
}

async function main() {
  const rows = [];
  if (which === 'kokoro') {
    // Phoneme counts (pads added): the first-call sizes tried against a 165-phoneme sentence.
    const s = await ort.InferenceSession.create(path.join(root, 'kokoro', 'model.onnx'), opts);
    const style = F(noise(256).map((v) => v * 0.3), [1, 256]);
    for (const phonemes of [10, 15, 20, 25, 50, 100, 165]) {
      const T = phonemes + 2;
      const ids = BigInt64Array.from({length: T}, (_, i) => (i === 0 || i === T - 1) ? 0n : BigInt(1 + ((i * 37) % 170)));
      const feeds = {input_ids: new ort.Tensor('int64', ids, [1, T]), style, speed: F(Float32Array.from([1]), [1])};
      await s.run(feeds);
      rows.push({what: `${phonemes} phonemes`, ms: await best(s, feeds, 3)});
    }
  } else {
    // One flow-matching decoder step over a 3 s prompt (282 frames) plus the output frames (~94 per second).
    const s = await ort.InferenceSession.create(path.join(root, which, 'fm_decoder.onnx'), opts);
    for (const out of [40, 60, 100, 200, 400, 938]) {
      const T = 282 + out, n = T * 100;
      const feeds = {t: F(Float32Array.from([0.3]), []), x: F(noise(n), [1, T, 100]), text_condition: F(noise(n), [1, T, 100]),
                     speech_condition: F(noise(n), [1, T, 100]), guidance_scale: F(Float32Array.from([1.0]), [])};
      await s.run(feeds);
      rows.push({what: `prompt 282 + ${out} frames`, ms: await best(s, feeds, 2)});
    }
  }
  const whole = rows[rows.length - 1].ms;
  console.log(`| ${which}, ${threadsArg} thread(s) | ms | share of the last row |`);
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.ms.toFixed(0)} | ${(r.ms / whole).toFixed(3)} |`);
}
main().catch((e) => { console.error(e); process.exit(1); });
