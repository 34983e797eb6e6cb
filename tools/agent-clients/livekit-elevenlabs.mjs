// LiveKit Agents' ElevenLabs TTS plugin, used as an agent uses it, pointed at this service instead of ElevenLabs:
// text pushed a few characters at a time (30 tokens/s), flushed, ended; prints what came back as one JSON line.
// Usage: node livekit-elevenlabs.mjs <base-url, e.g. http://127.0.0.1:8880/v1> <voice> [api-key]
import { initializeLogger } from "@livekit/agents";
import * as elevenlabs from "@livekit/agents-plugin-elevenlabs";

const [base, voice, key] = process.argv.slice(2);
if (!base || !voice) {
  console.error("usage: node livekit-elevenlabs.mjs <base-url> <voice> [api-key]");
  process.exit(2);
}
initializeLogger({ pretty: false, level: "warn" });
const tts = new elevenlabs.TTS({ apiKey: key ?? "unused", baseURL: base, voiceId: voice, model: "eleven_flash_v2_5", encoding: "pcm_24000" });
const stream = tts.stream();
const answer = "Sure, I can help with that. The station is two blocks north. It takes about five minutes on foot.";
const started = Date.now();
const feeding = (async () => {
  for (const token of answer.match(/.{1,5}/g)) {
    stream.pushText(token);
    await new Promise((resolve) => setTimeout(resolve, 33));
  }
  stream.flush();
  stream.endInput();
})();
let samples = 0, frames = 0, firstAudioMs = null, rate = null;
const words = [];
const timeout = setTimeout(() => { console.error("timed out"); process.exit(1); }, 60000);
for await (const event of stream) {
  if (typeof event === "symbol") break; // end of stream
  if (event.frame) {
    frames++;
    samples += event.frame.samplesPerChannel;
    rate = event.frame.sampleRate;
    firstAudioMs ??= Date.now() - started;
  }
  if (event.timedTranscripts) words.push(...event.timedTranscripts.map((w) => w.text));
  if (event.final) break;
}
clearTimeout(timeout);
await feeding;
console.log(JSON.stringify({ frames, sampleRate: rate, seconds: samples / (rate ?? 24000), firstAudioMs, transcript: words.join("").trim() }));
await tts.close();
process.exit(0);
