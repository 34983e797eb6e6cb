// The ZipVoice peer: sherpa-onnx (npm sherpa-onnx-node) on a sherpa-named pack of the same files.
// usage: node sherpa_zipvoice.js PACK_DIR PROMPT_WAV PROMPT_TEXT TEXT NUM_STEPS THREADS RUNS
// PACK_DIR holds encoder.onnx decoder.onnx vocos_24khz.onnx tokens.txt lexicon.txt espeak-ng-data/.
// Protocol as kokoro_ort.js: warm-up, {"ready":...}, then one run per stdin line.
'use strict';
const sherpa = require('sherpa-onnx-node');
const path = require('path');
const readline = require('readline');

async function main() {
  const [pack, promptWav, promptText, text, stepsArg, threadsArg, runsArg] = process.argv.slice(2);
  const numSteps = Number(stepsArg), numThreads = Number(threadsArg), runs = Number(runsArg || 1);
  const t0 = Date.now();
  const tts = new sherpa.OfflineTts({
    model: {
      zipvoice: {
        tokens: path.join(pack, 'tokens.txt'),
        encoder: path.join(pack, 'encoder.onnx'),
        decoder: path.join(pack, 'decoder.onnx'),
        vocoder: path.join(pack, 'vocos_24khz.onnx'),
        dataDir: path.join(pack, 'espeak-ng-data'),
        lexicon: path.join(pack, 'lexicon.txt'),
      },
      debug: 0,
      numThreads,
      provider: 'cpu',
    },
    maxNumSentences: 1,
  });
  const wave = sherpa.readWave(promptWav);
  const config = new sherpa.GenerationConfig({
    speed: 1.0,
    referenceAudio: wave.samples,
    referenceSampleRate: wave.sampleRate,
    referenceText: promptText,
    numSteps,
    extra: {max_char_in_sentence: 400},  // one sentence, as the service keeps it in one chunk
  });
  const call = () => {
    const out = tts.generate({text, generationConfig: config});
    return out.samples.length / out.sampleRate;
  };
  call();  // warm-up
  console.log(JSON.stringify({ready: true, load_s: (Date.now() - t0) / 1000,
    sherpa: require('sherpa-onnx-node/package.json').version}));
  const lines = readline.createInterface({input: process.stdin})[Symbol.asyncIterator]();
  for (let i = 0; i < runs; i++) {
    if ((await lines.next()).done) break;
    const start = Date.now();
    const audio = call();
    const end = Date.now();
    console.log(JSON.stringify({run: i, elapsed_s: (end - start) / 1000, audio_s: audio, start_ms: start, end_ms: end}));
  }
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
