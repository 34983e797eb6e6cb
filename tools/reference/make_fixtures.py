#!/usr/bin/env python3
"""Golden fixtures from the reference implementations, for tests/TtsService.Tests/Reference.

Run by hand; the outputs are committed, so the test command never needs torch.

    python3 tools/reference/make_fixtures.py \
        --zipvoice ZIPVOICE_SRC --vocos VOCOS_SRC --kokoro KOKORO_SRC \
        [--realshape /tmp/realshape/models] [--dialog /tmp/dialog-realshape] [--only ...] \
        [--out tests/TtsService.Tests/Fixtures/reference]

*_SRC is a source checkout or a git directory (a bare mirror is fine; its HEAD is extracted to a
temporary folder). Fixtures were made from:
    k2-fsa/ZipVoice   2f7326fbfe999a3ad179e3f1af82a424d4a62819
    gemelo-ai/vocos   c859e3b7b534f3776a357983029d34170ddd6fc3
    hexgrad/kokoro    dfb907a02bba8152ca444717ca5d78747ccb4bec
with Debian bookworm's python3-torch 1.13.1+dfsg-4, python3-torchaudio 0.13.1-1 (sox_io backend),
python3-numpy 1.24 and espeak-ng 1.51 (only to make the prompt recordings):

    apt-get install python3-torch python3-torchaudio python3-numpy python3-yaml espeak-ng sox

Nothing of the upstream code is copied here: the upstream modules are imported from the given
folders. Packages they import that Debian lacks (lhotse, onnxruntime, huggingface_hub, pydub,
safetensors, misaki, loguru, scipy, tensorboard) are replaced by empty stand-ins in sys.modules;
only one of them is ever called: lhotse.utils.compute_num_frames, which VocosFbank.extract uses
and which is re-stated below from lhotse-speech/lhotse a79cc864 lhotse/utils.py.

What it writes (float32 .npy, plus manifest.json describing every case):
  features/  prompt WAVs and ZipVoice's prompt log-mel: load_prompt_wav (torchaudio.load +
             torchaudio Resample to 24 kHz), rms_norm(target 0.1), VocosFbank().extract (the model then
             gets it x feat_scale 0.1); plus, per value, how far float32 rounding moves the reference
             itself (float64 run, Hann window off by one ulp), which the tests allow on top of 1e-3
  timesteps  get_time_steps for several num_step / t_shift (in manifest.json)
  istft/     Vocos ISTFTHead's last step (S = mag·(x + i·y), ISTFT padding "center") on given mag, x, y
  kokoro_style_rows (in manifest.json)  which voice-pack row, ids with pads and speed KPipeline/KModel
             hand the network per phoneme count (the network modules are stand-ins: only the calls matter)
  whole/     (with --realshape) infer_zipvoice_onnx.sample() on the realshape random-weight ZipVoice and
             ZipVoice-Distill (rebuilt in PyTorch from the realshape seed) with a saved initial noise,
             then Vocos (rebuilt likewise) to the waveform, clamp and the prompt-RMS rule.
             About 20 minutes on two busy cores; --only features timesteps istft kokoro skips it.
  dialog/    (with --dialog DIR, DIR holding zipvoice_dialog/ and zipvoice_dialog_stereo/ from
             tools/export/make.sh --random-weights, same --seed) infer_zipvoice_dialog.py's own
             generate_sentence (mono) and generate_sentence_stereo, end to end from WAV files and texts, on
             the export's models rebuilt in PyTorch (export_dialog.py imported as a module: its read_tokens
             and decorrelate_, in its order; upstream's ZipVoiceDialog / ZipVoiceDialogStereo, not converted)
             with a saved initial noise and the realshape Vocos (vocos.pretrained.Vocos around the rebuilt
             backbone and head). Four cases, text "[S1] Yes. [S2] No.", 4 steps, guidance 1.5, t_shift 0.5:
             mono_merged (one mono recording of both speakers, "[S1] Good morning. [S2] Hi there."),
             mono_split (two recordings joined as generate_list joins them, "[S1]{a}[S2]{b}", speed 1.25),
             stereo_merged (a two-channel recording, a speaker per channel), stereo_split (two mono
             recordings, one per channel, the other silent). Per case: token strings and ids (text and
             prompt), prompt_rms, prompt features (x feat_scale; only the largest float32-vs-float64 gap is
             kept, under 1e-5), text condition (incl. the speaker-turn embedding), noise, sampled features,
             and the final waveform (C, T) as generate_sentence* saves it (after clamp, the prompt-RMS
             rule, cross_fade_concat and remove_silence). About 10 minutes and 2 GiB on two cores.
             Upstream as it is: generate_sentence*, DialogTokenizer (preprocess_text, get_segment,
             tokenize_EN with EnglishTextNormalizer and Debian's python3-inflect), add_punctuation,
             chunk_tokens_dialog, batchify_tokens, load_prompt_wav, remove_silence (Debian's
             python3-pydub), rms_norm, VocosFbank, ZipVoice.sample and its solver, Vocos.decode,
             cross_fade_concat. Re-stated here: piper_phonemize.phonemize_espeak (not in Debian; see
             piper_phonemize_stand_in, on Debian's libespeak-ng 1.51). Patched in: torch.randn inside
             ZipVoice.sample (the saved noise) and torchaudio.save (the waveform is kept, not written).
             Left out: upstream's assets/silence.wav (room tone, absent from the mirror) is replaced by
             digital silence, as the service uses. Tested by tests/TtsService.Tests/Reference/
             DialogReferenceTests.cs:
                 TTS_DIALOG_MODELS_DIR=/tmp/dialog-realshape TTS_REALSHAPE_DIR=/tmp/realshape/models \
                 dotnet test tests/TtsService.Tests -c Release --filter FullyQualifiedName~DialogReference
             The dialog fixtures were made with Debian's /usr/bin/python3 3.11.2, torch 1.13.0a0, torchaudio
             0.13.1, numpy 1.24.2, pydub 0.24.1, inflect 2.1.0 and espeak-ng 1.51, by:
                 /usr/bin/python3 tools/reference/make_fixtures.py --zipvoice ZIPVOICE_GIT_DIR --vocos \
                     VOCOS_GIT_DIR --kokoro KOKORO_GIT_DIR --dialog /tmp/dialog-realshape --only dialog
             (apt-get install python3-pydub python3-inflect besides the packages above).
"""
import argparse
import importlib.metadata
import json
import math
import os
import subprocess
import sys
import tempfile
import types
import wave
from pathlib import Path

import numpy as np
import torch

TARGET_RMS = 0.1   # infer_zipvoice*.py --target-rms default
FEAT_SCALE = 0.1   # infer_zipvoice*.py --feat-scale default


# --------------------------------------------------------------------------- sources and stand-ins

def source_dir(path: str, files_probe: str, folders) -> str:
    """A source folder, or the HEAD of a git directory extracted to a temporary folder (only the
    source folders: a mirror may lack its large binary files)."""
    p = Path(path)
    if (p / files_probe).exists():
        return str(p)
    out = tempfile.mkdtemp(prefix="ref-src-")
    archive = subprocess.run(["git", "--git-dir", str(p), "archive", "HEAD", *folders], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", out], input=archive, check=True)
    return out


def git_head(path: str) -> str:
    try:
        return subprocess.run(["git", "--git-dir", path, "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except Exception:
        return "unknown (not a git directory)"


def stub(name: str, **attrs):
    """An empty module standing in for a package Debian does not ship (never called unless listed)."""
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        sub = ".".join(parts[:i])
        if sub not in sys.modules:
            m = types.ModuleType(sub)
            m.__path__ = []
            sys.modules[sub] = m
            if i > 1:
                setattr(sys.modules[".".join(parts[:i - 1])], parts[i - 1], m)
    for k, v in attrs.items():
        setattr(sys.modules[name], k, v)
    return sys.modules[name]


class _Anything:
    """Stands in for any class or function a stand-in module is asked for."""

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return self

    def __getattr__(self, name):
        return _Anything()


def stub_any(name: str):
    m = stub(name)
    m.__getattr__ = lambda attr: _Anything
    return m


def lhotse_compute_num_frames(duration, frame_shift, sampling_rate):
    # lhotse/utils.py compute_num_frames: samples and hop rounded to integers, then
    # (samples + hop // 2) // hop.
    num_samples = round(duration * sampling_rate)
    hop = round(frame_shift * sampling_rate)
    return int((num_samples + hop // 2) // hop)


class _FeatureExtractor:
    # lhotse.features.base.FeatureExtractor: only the constructor's `self.config = config` matters here.
    def __init__(self, config=None):
        self.config = config


def install_stand_ins():
    stub("lhotse.utils", compute_num_frames=lhotse_compute_num_frames, Seconds=float,
         fix_random_seed=lambda seed: None)
    stub("lhotse.features.base", FeatureExtractor=_FeatureExtractor, register_extractor=lambda cls: cls)
    stub_any("lhotse.dataset.sampling.base")
    stub("lhotse", CutSet=_Anything)
    try:  # Debian's python3-pydub: needed only for the remove_silence case
        import pydub.silence  # noqa: F401
    except ImportError:
        stub_any("pydub")
        stub_any("pydub.silence")
    for name in ["onnxruntime", "onnxruntime.quantization", "huggingface_hub",
                 "safetensors", "safetensors.torch", "jieba", "pypinyin", "pypinyin.contrib.tone_convert",
                 "piper_phonemize", "scipy", "scipy.signal", "misaki", "misaki.en", "misaki.espeak",
                 "encodec", "transformers"]:
        stub_any(name)
    stub("loguru", logger=types.SimpleNamespace(debug=lambda *a, **k: None, warning=lambda *a, **k: None,
                                               info=lambda *a, **k: None))
    stub("torch.utils.tensorboard", SummaryWriter=object)


def import_zipvoice(src: str):
    sys.path.insert(0, src)
    # zipvoice.bin.infer_zipvoice (the PyTorch CLI) pulls in the tokenizer front-ends and vocos'
    # pretrained loader; infer_zipvoice_onnx only takes get_vocoder from it, which is not used here.
    stub("zipvoice.tokenizer.tokenizer", EmiliaTokenizer=_Anything, EspeakTokenizer=_Anything,
         LibriTTSTokenizer=_Anything, SimpleTokenizer=_Anything, DialogTokenizer=_Anything)
    sys.modules["zipvoice.tokenizer"].__path__ = [os.path.join(src, "zipvoice/tokenizer")]
    stub("zipvoice.bin.infer_zipvoice", get_vocoder=None)
    sys.modules["zipvoice.bin"].__path__ = [os.path.join(src, "zipvoice/bin")]
    sys.modules["zipvoice"].__path__ = [os.path.join(src, "zipvoice")]


def import_vocos(src: str):
    # vocos/__init__.py imports the pretrained loader (huggingface_hub, encodec); load the package
    # without it, the submodules are untouched.
    stub("vocos")
    sys.modules["vocos"].__path__ = [os.path.join(src, "vocos")]


# --------------------------------------------------------------------------- writing

class Writer:
    def __init__(self, out: Path):
        self.out = out
        self.manifest = {}

    def npy(self, rel: str, array) -> str:
        a = np.ascontiguousarray(np.asarray(array, dtype=np.float32))
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, a)
        return rel


def write_wav(path: Path, samples: np.ndarray, rate: int):
    """16-bit PCM; samples [frames] or [frames, channels] in [-1, 1)."""
    s = samples if samples.ndim == 2 else samples[:, None]
    pcm = np.clip(np.round(s * 32768.0), -32768, 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(s.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


# --------------------------------------------------------------------------- prompt recordings

def espeak_speech(text: str) -> (np.ndarray, int):
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "s.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", f, text], check=True)
        with wave.open(f) as w:
            rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    nz = np.nonzero(np.abs(x) > 1e-3)[0]
    return x[max(0, nz[0] - 400): nz[-1] + 400], rate


def to_rate(x: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    # Only makes the test recordings; linear interpolation is good enough for that.
    n = int(round(len(x) * new_rate / rate))
    return np.interp(np.arange(n) * rate / new_rate, np.arange(len(x)), x)


def prompt_recordings():
    """(name, samples [frames] or [frames, 2], rate, what) for the feature cases."""
    speech, rate = espeak_speech("Calm water, quiet lake.")
    speech = speech[: int(0.6 * rate)]
    speech = speech / np.max(np.abs(speech)) * 0.7
    cases = []
    cases.append(("speech_16k", to_rate(speech, rate, 16000), 16000, "speech, 16 kHz mono"))
    cases.append(("speech_22k", speech, rate, "speech, 22.05 kHz mono (espeak-ng's own rate)"))
    s44 = to_rate(speech, rate, 44100)
    delayed = np.concatenate([np.zeros(37), s44[:-37]])
    cases.append(("speech_44k_stereo", np.stack([s44, 0.6 * delayed], axis=1), 44100,
                  "speech, 44.1 kHz stereo, channels differ (right: quieter, 37 samples later)"))
    quiet = to_rate(speech, rate, 48000)
    quiet = quiet * (0.004 / np.sqrt(np.mean(quiet ** 2)))
    cases.append(("quiet_48k", quiet, 48000, "speech at RMS 0.004, 48 kHz mono: the rms_norm branch"))
    hiss = np.random.default_rng(7).normal(0, 0.002, 24000 // 2)
    cases.append(("near_silence_24k", hiss, 24000, "near silence (noise at RMS 0.002), 24 kHz: no resampling, rms_norm"))
    return cases


# --------------------------------------------------------------------------- 1. prompt features

def make_features(w: Writer):
    import torchaudio
    from zipvoice.utils.feature import VocosFbank
    from zipvoice.utils.infer import load_prompt_wav, rms_norm

    extractor = VocosFbank()
    out = []
    for name, samples, rate, what in prompt_recordings():
        wav_rel = f"features/{name}.wav"
        write_wav(w.out / wav_rel, samples, rate)
        wav = load_prompt_wav(str(w.out / wav_rel), sampling_rate=24000)       # (C, T) at 24 kHz
        normed, prompt_rms = rms_norm(wav, TARGET_RMS)
        logmel = extractor.extract(normed, sampling_rate=24000)                # (frames, 100)
        # The same in float64: how far float32 rounding alone moves the reference's own numbers
        # (bins ~100 dB under the frame's peak move by more than 1e-3 in log).
        extractor64 = VocosFbank()
        extractor64.fbank = extractor64.fbank.double()
        wav64 = load_prompt_wav(str(w.out / wav_rel), sampling_rate=24000).double()
        logmel64 = extractor64.extract(rms_norm(wav64, TARGET_RMS)[0], sampling_rate=24000)
        # And with torch's Hann window replaced by the same float32 recipe with a correctly rounded
        # cos (ATen's vectorised cos is off by one ulp in ~3% of entries): how far the reference
        # itself moves under one-ulp window differences, which no other implementation can avoid.
        extractor_w = VocosFbank()
        n = torch.arange(1024, dtype=torch.float32) * torch.tensor(2 * math.pi / 1024, dtype=torch.float32)
        window = (torch.cos(n.double()).float() * -0.5 + 0.5).float()
        extractor_w.fbank.spectrogram.window.copy_(window)
        logmel_w = extractor_w.extract(normed, sampling_rate=24000)
        out.append({
            "name": name, "what": what, "wav": wav_rel, "source_rate": rate,
            "channels": 1 if samples.ndim == 1 else samples.shape[1],
            "prompt_rms": float(prompt_rms),
            "log_mel": w.npy(f"features/{name}.logmel.npy", logmel.numpy()),
            # per value: how far the reference moves in float64 or with its window off by one ulp
            "log_mel_conditioning": w.npy(f"features/{name}.conditioning.npy", np.maximum(
                np.abs(logmel.numpy() - logmel64.numpy()), np.abs(logmel.numpy() - logmel_w.numpy()))),
            "frames": int(logmel.shape[0]),
        })
    w.manifest["features"] = out


def make_prompt_pipeline(w: Writer):
    """generate_sentence's prompt path (infer_zipvoice.py / infer_zipvoice_onnx.py):
    load_prompt_wav, remove_silence(only_edge=False, trail_sil=200) (pydub, through int16),
    rms_norm, VocosFbank().extract, on a 24 kHz prompt with edge silence and a 2.5 s pause."""
    from zipvoice.utils.feature import VocosFbank
    from zipvoice.utils.infer import load_prompt_wav, remove_silence, rms_norm

    speech, rate = espeak_speech("Calm water, quiet lake.")
    speech = to_rate(speech, rate, 24000)[: int(0.3 * 24000)]
    speech = speech * (0.02 / np.sqrt(np.mean(speech ** 2)))
    hiss = np.random.default_rng(3).normal(0, 1e-4, 24000 * 4)
    # 0.3 s lead, speech, a 2.5 s pause (split_on_silence keeps 1 s on each side), speech, 0.3 s tail
    x = np.concatenate([hiss[:7200], speech, hiss[7200:67200], speech[::-1], hiss[67200:74400]])
    write_wav(w.out / "pipeline/prompt_pauses.wav", x, 24000)
    wav = load_prompt_wav(str(w.out / "pipeline/prompt_pauses.wav"), sampling_rate=24000)
    trimmed = remove_silence(wav, 24000, only_edge=False, trail_sil=200)
    normed, prompt_rms = rms_norm(trimmed, TARGET_RMS)
    logmel = VocosFbank().extract(normed, sampling_rate=24000)
    w.manifest["prompt_pipeline"] = [{
        "name": "prompt_pauses", "wav": "pipeline/prompt_pauses.wav", "source_samples": int(wav.shape[1]),
        "trimmed_samples": int(trimmed.shape[1]), "prompt_rms": float(prompt_rms), "frames": int(logmel.shape[0]),
        "log_mel": w.npy("pipeline/prompt_pauses.logmel.npy", logmel.numpy()),
    }]


# --------------------------------------------------------------------------- 2. time steps

def make_timesteps(w: Writer):
    from zipvoice.models.modules.solver import get_time_steps

    cases = []
    for n in [1, 4, 7, 8, 10, 16, 25, 32]:
        for shift in [1.0, 0.5, 0.7, 0.3, 0.9]:
            t = get_time_steps(t_start=0.0, t_end=1.0, num_step=n, t_shift=shift)
            cases.append({"num_step": n, "t_shift": shift, "t": [float(v) for v in t.numpy()]})
    w.manifest["timesteps"] = cases


# --------------------------------------------------------------------------- 3. Vocos ISTFT head

def make_istft(w: Writer):
    from vocos.spectral_ops import ISTFT

    istft = ISTFT(n_fft=1024, hop_length=256, win_length=1024, padding="center")  # configs/vocos.yaml head
    g = torch.Generator().manual_seed(11)
    cases = []
    for frames in [2, 3, 5, 8]:
        # the head's inputs as its own layer makes them: mag = clip(exp(.), max=100), x, y = cos, sin of a phase
        mag = torch.clip(torch.exp(torch.randn(1, 513, frames, generator=g) * 2 - 1), max=1e2)
        phase = torch.rand(1, 513, frames, generator=g) * 2 * math.pi
        x, y = torch.cos(phase), torch.sin(phase)
        S = mag * (x + 1j * y)                                    # ISTFTHead.forward
        audio = istft(S)
        base = f"istft/frames{frames}"
        cases.append({"frames": frames, "mag": w.npy(base + ".mag.npy", mag[0].numpy()),
                      "x": w.npy(base + ".x.npy", x[0].numpy()), "y": w.npy(base + ".y.npy", y[0].numpy()),
                      "audio": w.npy(base + ".audio.npy", audio[0].numpy())})
    w.manifest["istft"] = cases


# --------------------------------------------------------------------------- 4. Kokoro style rows

def make_kokoro(w: Writer, kokoro_src: str):
    sys.path.insert(0, kokoro_src)
    stub("kokoro")
    sys.modules["kokoro"].__path__ = [os.path.join(kokoro_src, "kokoro")]
    stub_any("kokoro.modules")
    stub_any("kokoro.istftnet")
    from kokoro.model import KModel
    from kokoro.pipeline import KPipeline

    # A voice pack whose row r holds the value r everywhere: the style KModel receives names its row.
    pack = torch.arange(510, dtype=torch.float32)[:, None, None].expand(510, 1, 256).clone()
    # Vocabulary: one symbol per id as in config.json, plus a symbol outside it ('Ж').
    vocab = {chr(ord("a") + i): i + 16 for i in range(26)}
    vocab[" "] = 16 + 26
    vocab["."] = 4

    calls = []

    class Recorder:
        """KModel with the network replaced: KModel.forward (upstream) runs, forward_with_tokens records."""
        vocab = None
        context_length = 512
        device = "cpu"
        Output = KModel.Output

        def forward_with_tokens(self, input_ids, ref_s, speed):
            calls.append({"input_ids": input_ids[0].tolist(), "row": int(ref_s[0, 0].item()),
                          "speed": float(speed)})
            return torch.zeros(input_ids.shape[1] * 600), torch.ones(input_ids.shape[1], dtype=torch.long)

        def __call__(self, ps, ref_s, speed, return_output=False):
            return KModel.forward(self, ps, ref_s, speed, return_output)

    model = Recorder()
    model.vocab = vocab

    def phonemes(n):
        return "".join(chr(ord("a") + (i % 26)) if i % 7 != 6 else " " for i in range(n))

    pipe = KPipeline.__new__(KPipeline)
    pipe.lang_code = "e"
    pipe.model = model
    pipe.load_voice = lambda voice: pack

    cases = []
    for n in [1, 2, 3, 100, 509, 510]:
        ps = phonemes(n)
        calls.clear()
        list(pipe.generate_from_tokens(ps, voice="x", speed=1.25, model=model))
        cases.append({"path": "generate_from_tokens", "phoneme_count": len(ps), "phonemes": ps, "calls": list(calls)})
    # Symbols outside the vocabulary still count in len(ps) (the row) but give no id.
    ps = "abcЖde"
    calls.clear()
    list(pipe.generate_from_tokens(ps, voice="x", speed=1.0, model=model))
    cases.append({"path": "generate_from_tokens", "phoneme_count": len(ps), "phonemes": ps,
                  "note": "one symbol outside the vocabulary",
                  "calls": list(calls)})
    try:
        list(pipe.generate_from_tokens(phonemes(511), voice="x", speed=1.0, model=model))
        raised = None
    except ValueError as e:
        raised = str(e)
    cases.append({"path": "generate_from_tokens", "phoneme_count": 511, "raises": raised, "calls": []})

    # Non-English text: g2p output over 510 symbols is cut to its first 510.
    long_ps = phonemes(600)
    pipe.g2p = lambda text: (long_ps, None)
    calls.clear()
    list(pipe(text="Una frase.", voice="x", speed=0.8, model=model))
    cases.append({"path": "__call__ non-English", "phoneme_count": len(long_ps), "phonemes": long_ps, "calls": list(calls)})

    # English: en_tokenize splits the token stream so each call stays within 510 symbols,
    # preferring the last sentence end, then clause punctuation (waterfall_last).
    class Tok:
        def __init__(self, text, ps, ws):
            self.text, self.phonemes, self.whitespace = text, ps, ws

    words = []
    for i in range(140):
        words.append(Tok(f"w{i}", "abc", " "))
        if i % 20 == 19:
            words[-1].whitespace = ""
            words.append(Tok(".", ".", " "))
    pipe.lang_code = "a"
    pipe.g2p = lambda text: (None, words)
    calls.clear()
    results = list(pipe(text="many words", voice="x", speed=1.0, model=model))
    cases.append({"path": "__call__ English", "phoneme_count": len(KPipeline.tokens_to_ps(words)),
                  "chunks": [r.phonemes for r in results], "calls": list(calls)})
    w.manifest["kokoro_style_rows"] = {"vocab": vocab, "voice_pack": "row r holds the value r", "cases": cases}


# --------------------------------------------------------------------------- 5. whole ZipVoice sample

def read_tokens(path: Path):
    token2id = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        token, i = line.rstrip("\n").split("\t")
        token2id[token] = int(i)
    return token2id


def export_tool():
    """tools/export/export_dialog.py as a module (its read_tokens and decorrelate_)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))
    import export_dialog
    return export_dialog


@torch.no_grad()
def realshape_zipvoice(variant: str, models: Path, seed: int):
    """The realshape export's model (shared/tools/realshape/export_zipvoice.py): same construction
    order, seed and per-tensor resampling, so the weights equal those in the ONNX files."""
    from zipvoice.models.zipvoice import ZipVoice
    from zipvoice.models.zipvoice_distill import ZipVoiceDistill
    from zipvoice.utils.scaling_converter import convert_scaled_to_non_scaled

    torch.manual_seed(seed)
    config = json.loads((models / variant / "model.json").read_text())
    token2id = read_tokens(models / variant / "tokens.txt")
    tok = {"vocab_size": len(token2id), "pad_id": token2id["_"]}
    model = (ZipVoice if variant == "zipvoice" else ZipVoiceDistill)(**config["model"], **tok)
    export_tool().decorrelate_(model, seed)  # realshape's per-tensor resampling, which tools/export restates
    model.eval()
    convert_scaled_to_non_scaled(model, inplace=True, is_onnx=True)
    return model, token2id


@torch.no_grad()
def realshape_vocos(vocos_src: str, seed: int):
    """shared/tools/realshape/export_vocos.py's network, rebuilt the same way."""
    import yaml
    from vocos.heads import ISTFTHead
    from vocos.models import VocosBackbone

    torch.manual_seed(seed)
    cfg = yaml.safe_load((Path(vocos_src) / "configs/vocos.yaml").read_text())["model"]["init_args"]
    model = torch.nn.Module()
    model.backbone = VocosBackbone(**cfg["backbone"]["init_args"])
    model.head = ISTFTHead(**cfg["head"]["init_args"])
    model.eval()
    g = torch.Generator().manual_seed(seed + 1)
    for _, p in model.named_parameters():
        if p.numel() > 1 and p.std().item() == 0:
            p.add_(torch.randn(p.shape, generator=g) * max(p.abs().mean().item() * 0.01, 1e-3))
    return model


class TorchOnnxModel:
    """infer_zipvoice_onnx.OnnxModel's two calls, served by the PyTorch modules that onnx_export.py
    traces into text_encoder.onnx and fm_decoder.onnx (no onnxruntime in Debian)."""

    def __init__(self, model, distill: bool):
        from zipvoice.bin.onnx_export import OnnxFlowMatchingModel, OnnxTextModel
        self.text = OnnxTextModel(model).eval()
        self.fm = OnnxFlowMatchingModel(model, distill=distill).eval()
        self.feat_dim = model.feat_dim
        self.text_condition = None

    def run_text_encoder(self, tokens, prompt_tokens, prompt_features_len, speed):
        self.text_condition = self.text(tokens, prompt_tokens, prompt_features_len, speed)
        return self.text_condition

    def run_fm_decoder(self, t, x, text_condition, speech_condition, guidance_scale):
        return self.fm(t, x, text_condition, speech_condition, guidance_scale)


@torch.no_grad()
def make_whole(w: Writer, models: Path, seed: int, vocos_src: str):
    import zipvoice.bin.infer_zipvoice_onnx as onnx_infer
    from zipvoice.utils.feature import VocosFbank
    from zipvoice.utils.infer import load_prompt_wav, rms_norm

    # Prompt: 0.6 s of the quiet 48 kHz recording (so the output gets the prompt-RMS rule too).
    speech, rate = espeak_speech("Calm water.")
    speech = to_rate(speech, rate, 48000)[: int(0.5 * 48000)]
    speech = speech * (0.03 / np.sqrt(np.mean(speech ** 2)))
    write_wav(w.out / "whole/prompt.wav", speech, 48000)
    wav = load_prompt_wav(str(w.out / "whole/prompt.wav"), sampling_rate=24000)
    wav, prompt_rms = rms_norm(wav, TARGET_RMS)
    prompt_features = VocosFbank().extract(wav, sampling_rate=24000).unsqueeze(0) * FEAT_SCALE

    vocoder = realshape_vocos(vocos_src, seed)
    cases = []
    for variant, steps, guidance in [("zipvoice_distill", 8, 3.0), ("zipvoice", 16, 1.0)]:
        model, token2id = realshape_zipvoice(variant, models, seed)
        onnx_model = TorchOnnxModel(model, distill=variant != "zipvoice")
        # Token ids of two short IPA strings (symbols of the realshape tokens.txt).
        prompt_ids = [token2id[c] for c in "kˈɑːm wˈɔːɾɚ." if c in token2id]
        text_ids = [token2id[c] for c in "hɛlˈoʊ ðɛɹ." if c in token2id]
        holder = {}
        real_randn = torch.randn

        def fixed_randn(*shape, **kw):
            # sample() draws x0 with torch.randn(1, frames, feat_dim): hand out a saved tensor instead.
            noise = real_randn(*shape, generator=torch.Generator().manual_seed(2024))
            holder["noise"] = noise
            return noise

        onnx_infer.torch.randn = fixed_randn
        try:
            x = onnx_infer.sample(model=onnx_model, tokens=[text_ids], prompt_tokens=[prompt_ids],
                                  prompt_features=prompt_features, speed=1.0, t_shift=0.5,
                                  guidance_scale=guidance, num_step=steps)
        finally:
            onnx_infer.torch.randn = real_randn
        mel = x.permute(0, 2, 1) / FEAT_SCALE                               # generate_sentence
        wav_out = vocoder.head(vocoder.backbone(mel)).clamp(-1, 1)          # Vocos.decode, clamp
        if prompt_rms < TARGET_RMS:
            wav_out = wav_out * prompt_rms / TARGET_RMS
        base = f"whole/{variant}"
        cases.append({
            "variant": variant, "num_step": steps, "guidance_scale": guidance, "t_shift": 0.5, "speed": 1.0,
            "prompt_ids": prompt_ids, "text_ids": text_ids, "prompt_rms": float(prompt_rms),
            "prompt_features": w.npy(base + ".prompt_features.npy", prompt_features[0].numpy()),
            "text_condition": w.npy(base + ".text_condition.npy", onnx_model.text_condition[0].numpy()),
            "noise": w.npy(base + ".noise.npy", holder["noise"][0].numpy()),
            "features": w.npy(base + ".features.npy", x[0].numpy()),
            "waveform": w.npy(base + ".waveform.npy", wav_out[0].numpy()),
        })
        del model, onnx_model
    w.manifest["whole"] = {"prompt_wav": "whole/prompt.wav", "seed": seed, "cases": cases}


# --------------------------------------------------------------------------- 6. ZipVoice-Dialog

def piper_phonemize_stand_in():
    """piper_phonemize.phonemize_espeak (rhasspy/piper-phonemize bfc2e75 src/phonemize.cpp phonemize_eSpeak),
    restated on Debian's libespeak-ng 1.51 through ctypes: the package is not in Debian and cannot be installed
    here. piper calls espeak_TextToPhonemesWithTerminator (its espeak-ng fork) clause by clause, IPA without ties
    (phonememode 0x02), NFD-decomposes each clause, drops "(lang)" switch flags and appends the clause's
    terminator: PERIOD ".", QUESTION "?", EXCLAMATION "!", COMMA ", ", COLON ": ", SEMICOLON "; "; a PERIOD,
    QUESTION or EXCLAMATION ends the sentence. Debian's 1.51 has only espeak_TextToPhonemes, so the terminator
    is read from the text the call consumed (less the one character espeak reads ahead); a clause ending in
    anything else, or in a run of marks, is refused, not guessed (the fixture texts are plain sentences)."""
    import ctypes
    import unicodedata

    lib = ctypes.CDLL("libespeak-ng.so.1")
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    if lib.espeak_Initialize(2, 0, None, 0) <= 0:   # AUDIO_OUTPUT_SYNCHRONOUS, default espeak-ng-data
        raise RuntimeError("espeak_Initialize failed")
    marks = {".": ["."], "?": ["?"], "!": ["!"], ",": [",", " "], ":": [":", " "], ";": [";", " "]}

    def phonemize_espeak(text, voice):
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError("Failed to set eSpeak-ng voice")
        data = text.encode("utf-8")
        buf = ctypes.create_string_buffer(data)
        base = ctypes.addressof(buf)
        pointer = ctypes.c_void_p(base)
        sentences, sentence = [], None
        while pointer.value is not None:
            start = pointer.value - base
            clause = lib.espeak_TextToPhonemes(ctypes.byref(pointer), 0, 0x02).decode("utf-8")
            last_clause = pointer.value is None
            consumed = data[start:len(data) if last_clause else pointer.value - base].decode("utf-8")
            if not last_clause:
                consumed = consumed[:-1]  # espeak has read one character of the next clause
            consumed = consumed.rstrip()
            if sentence is None:
                sentence = []
                sentences.append(sentence)
            in_flag = False
            for ch in unicodedata.normalize("NFD", clause):
                if in_flag:
                    in_flag = ch != ")"
                elif ch == "(":
                    in_flag = True
                else:
                    sentence.append(ch)
            last = consumed[-1:]
            if len(consumed) > 1 and consumed[-1] in marks and consumed[-2] in marks:
                raise ValueError(f"clause {consumed!r} ends in a run of marks: the stand-in reads single terminators only")
            if last in marks:
                sentence.extend(marks[last])
                if last in ".?!":
                    sentence = None
            elif last and not last.isalnum():
                raise ValueError(f"clause {consumed!r} ends in {last!r}: the stand-in reads only . ? ! , : ; terminators")
        return sentences

    return phonemize_espeak


def import_dialog(vocos_src: str):
    """infer_zipvoice_dialog.py with upstream's own DialogTokenizer (import_zipvoice put a stand-in in its place),
    piper_phonemize as above, and `from vocos import Vocos` answered by vocos/pretrained.py's class."""
    stub("piper_phonemize", phonemize_espeak=piper_phonemize_stand_in())
    stub_any("cn2an")  # only ChineseTextNormalizer calls it; inflect is Debian's python3-inflect
    sys.modules["jieba"].default_logger = types.SimpleNamespace(setLevel=lambda level: None)  # Chinese only
    for name in ["zipvoice.tokenizer.tokenizer", "zipvoice.tokenizer.normalizer"]:
        sys.modules.pop(name, None)
    import zipvoice.tokenizer.tokenizer  # noqa: F401
    from vocos.pretrained import Vocos
    sys.modules["vocos"].Vocos = Vocos
    import zipvoice.bin.infer_zipvoice_dialog as dialog
    return dialog


@torch.no_grad()
def dialog_model(variant: str, models: Path, seed: int):
    """tools/export/export_dialog.py --random-weights's model: its own read_tokens and decorrelate_, in its order
    (torch.manual_seed(seed), upstream's class from model.json + the token table's ids, decorrelate_(seed)). Not
    converted (convert_scaled_to_non_scaled): generate_sentence runs upstream's module as it is."""
    export_dialog = export_tool()
    from zipvoice.models.zipvoice_dialog import ZipVoiceDialog, ZipVoiceDialogStereo

    token2id = export_dialog.read_tokens(models / variant / "tokens.txt")
    config = json.loads((models / variant / "model.json").read_text())
    tokenizer_config = {"vocab_size": len(token2id), "pad_id": token2id["_"],
                        "spk_a_id": token2id["[S1]"], "spk_b_id": token2id["[S2]"]}
    stats = json.loads((models / variant / "export_stats.json").read_text())
    assert stats["random_weights"] and stats["seed"] == seed and not stats["tiny"], stats
    assert all(stats[k] == v for k, v in tokenizer_config.items()), (stats, tokenizer_config)
    torch.manual_seed(seed)
    cls = ZipVoiceDialogStereo if variant == "zipvoice_dialog_stereo" else ZipVoiceDialog
    model = cls(**config["model"], **tokenizer_config)
    export_dialog.decorrelate_(model, seed)
    model.eval()
    assert sum(p.numel() for p in model.parameters()) == stats["params_total"]
    return model


def dialog_recordings(out: Path):
    """Two speakers (espeak-ng voices of different pitch), 24 kHz 16-bit, quiet (RMS 0.03: the prompt-RMS rule
    applies). Written as the service and upstream both read them: mono files per speaker, a mono recording of
    both (merged, for zipvoice_dialog) and a two-channel one, a speaker per channel (merged, for the stereo model)."""
    def speaker(text, pitch):
        with tempfile.TemporaryDirectory() as d:
            f = os.path.join(d, "s.wav")
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "280", "-p", str(pitch), "-w", f, text], check=True)
            with wave.open(f) as wf:
                rate = wf.getframerate()
                x = np.frombuffer(wf.readframes(wf.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
        nz = np.nonzero(np.abs(x) > 1e-3)[0]
        x = to_rate(x[max(0, nz[0] - 200): nz[-1] + 200], rate, 24000)
        return x * (0.03 / np.sqrt(np.mean(x ** 2)))

    a_text, b_text = "Good morning.", "Hi there."
    a, b = speaker(a_text, 35), speaker(b_text, 75)
    gap = np.zeros(1200)
    files = {"a": ("dialog/speaker_a.wav", a), "b": ("dialog/speaker_b.wav", b),
             "merged_mono": ("dialog/merged_mono.wav", np.concatenate([a, gap, b])),
             "merged_stereo": ("dialog/merged_stereo.wav", np.stack([
                 np.concatenate([a, gap, np.zeros(len(b))]), np.concatenate([np.zeros(len(a)), gap, b])], axis=1))}
    for rel, x in files.values():
        write_wav(out / rel, x, 24000)
    return {k: v[0] for k, v in files.items()}, a_text, b_text


DIALOG_CASES = [
    # name, variant, prompt wavs (keys of dialog_recordings), speed
    ("mono_merged", "zipvoice_dialog", ["merged_mono"], 1.0),
    ("mono_split", "zipvoice_dialog", ["a", "b"], 1.25),
    ("stereo_merged", "zipvoice_dialog_stereo", ["merged_stereo"], 1.0),
    ("stereo_split", "zipvoice_dialog_stereo", ["a", "b"], 1.0),
]
DIALOG_TEXT = "[S1] Yes. [S2] No."
DIALOG_STEPS, DIALOG_GUIDANCE, DIALOG_T_SHIFT = 4, 1.5, 0.5


@torch.no_grad()
def make_dialog(w: Writer, models: Path, seed: int, vocos_src: str, zipvoice_src: str):
    dialog = import_dialog(vocos_src)
    from zipvoice.tokenizer.tokenizer import DialogTokenizer
    from zipvoice.utils.feature import VocosFbank

    wavs, a_text, b_text = dialog_recordings(w.out)
    parts = realshape_vocos(vocos_src, seed)
    vocoder = sys.modules["vocos"].Vocos(feature_extractor=None, backbone=parts.backbone, head=parts.head).eval()
    # generate_sentence_stereo fills the other channel of two mono prompts from --silence-wav (assets/silence.wav,
    # not in the mirror: a two-channel recording of room tone); the service puts digital silence there, and so does this file.
    silence = Path(tempfile.mkdtemp(prefix="ref-dialog-")) / "silence.wav"
    write_wav(silence, np.zeros((24000 * 10, 2)), 24000)  # two channels, as upstream indexes it

    cases = []
    for variant in ["zipvoice_dialog", "zipvoice_dialog_stereo"]:
        model = dialog_model(variant, models, seed)
        tokenizer = DialogTokenizer(token_file=str(models / variant / "tokens.txt"))
        stereo = variant == "zipvoice_dialog_stereo"
        extractor = VocosFbank(num_channels=2 if stereo else 1)
        for name, case_variant, keys, speed in DIALOG_CASES:
            if case_variant != variant:
                continue
            seen = {}
            real_extract, real_sample = extractor.extract, model.sample
            real_text = model.forward_text_inference_ratio_duration
            real_save, real_concat, real_rms = dialog.torchaudio.save, dialog.cross_fade_concat, dialog.rms_norm

            def extract(samples, sampling_rate):
                seen["extract_input"] = samples.clone()
                return real_extract(samples, sampling_rate=sampling_rate)

            def text_condition(**kw):
                out = real_text(**kw)
                seen["text_condition"] = out[0].clone()
                return out

            def sample(**kw):
                seen["sample_kw"] = kw
                real_randn = torch.randn

                def fixed_randn(*shape, **k):
                    # ZipVoice.sample draws x0 = torch.randn(B, frames, C): hand out a saved tensor instead.
                    seen["noise"] = real_randn(*shape, generator=torch.Generator().manual_seed(2024))
                    return seen["noise"].clone()

                torch.randn = fixed_randn
                try:
                    out = real_sample(**kw)
                finally:
                    torch.randn = real_randn
                seen["features"] = out[0].clone()
                return out

            def concat(chunks, **kw):
                seen["chunks"] = [c.clone() for c in chunks]
                return real_concat(chunks, **kw)

            def save(path, wav, sample_rate):
                seen["final"] = wav.clone()

            def rms(prompt_wav, target_rms):
                out = real_rms(prompt_wav, target_rms)
                seen["prompt_rms"] = float(out[1])
                return out

            extractor.extract = extract
            model.sample = sample
            model.forward_text_inference_ratio_duration = text_condition
            dialog.torchaudio.save, dialog.cross_fade_concat, dialog.rms_norm = save, concat, rms
            prompt_text = f"[S1]{a_text}[S2]{b_text}" if len(keys) == 2 else f"[S1] {a_text} [S2] {b_text}"
            prompt_wav = [str(w.out / wavs[k]) for k in keys]
            common = dict(save_path="unused.wav", prompt_text=prompt_text,
                          prompt_wav=prompt_wav if len(keys) == 2 else prompt_wav[0], text=DIALOG_TEXT,
                          model=model, vocoder=vocoder, tokenizer=tokenizer, feature_extractor=extractor,
                          device=torch.device("cpu"), num_step=DIALOG_STEPS, guidance_scale=DIALOG_GUIDANCE,
                          speed=speed, t_shift=DIALOG_T_SHIFT, target_rms=TARGET_RMS, feat_scale=FEAT_SCALE,
                          sampling_rate=24000, max_duration=100, remove_long_sil=False)
            try:
                if stereo:
                    dialog.generate_sentence_stereo(**common, silence_wav=str(silence))
                else:
                    dialog.generate_sentence(**common)
            finally:
                del extractor.extract, model.sample, model.forward_text_inference_ratio_duration
                dialog.torchaudio.save, dialog.cross_fade_concat, dialog.rms_norm = real_save, real_concat, real_rms

            kw = seen["sample_kw"]
            assert len(kw["tokens"]) == 1 and len(seen["chunks"]) == 1, "the fixture text is one chunk"
            prompt_features = kw["prompt_features"][0]
            # How far float32 rounding alone moves the reference's prompt features (make_features keeps this per
            # value; here it stays far under 1e-3, so only its maximum is kept).
            normed = seen["extract_input"]
            extractor64 = VocosFbank(num_channels=extractor.num_channels)
            extractor64.fbank = extractor64.fbank.double()
            logmel64 = extractor64.extract(normed.double(), sampling_rate=24000) * FEAT_SCALE
            float64_gap = float(np.abs(prompt_features.numpy() - logmel64.float().numpy()).max())
            text_tokens = tokenizer.texts_to_tokens([dialog.add_punctuation(DIALOG_TEXT)])[0]
            prompt_tokens = tokenizer.texts_to_tokens([dialog.add_punctuation(prompt_text)])[0]
            final = seen["final"]
            base = f"dialog/{name}"
            cases.append({
                "name": name, "variant": variant, "prompt": "split" if len(keys) == 2 else "merged",
                "wavs": [wavs[k] for k in keys],
                "transcripts": [a_text, b_text] if len(keys) == 2 else [prompt_text],
                "prompt_text": prompt_text, "text": DIALOG_TEXT,
                "num_step": DIALOG_STEPS, "guidance_scale": DIALOG_GUIDANCE, "t_shift": DIALOG_T_SHIFT, "speed": speed,
                "text_tokens": text_tokens, "prompt_tokens": prompt_tokens,
                "text_ids": kw["tokens"][0], "prompt_ids": kw["prompt_tokens"][0],
                "prompt_rms": seen["prompt_rms"], "prompt_frames": int(prompt_features.shape[0]), "frames": int(seen["text_condition"].shape[1]),
                "prompt_features": w.npy(base + ".prompt_features.npy", prompt_features.numpy()),
                "prompt_features_float64_gap": float64_gap,
                "text_condition": w.npy(base + ".text_condition.npy", seen["text_condition"][0].numpy()),
                "noise": w.npy(base + ".noise.npy", seen["noise"][0].numpy()),
                "features": w.npy(base + ".features.npy", seen["features"][0].numpy()),
                "vocoded_samples": int(seen["chunks"][0].shape[-1]),
                "waveform": w.npy(base + ".waveform.npy", final.numpy()),
            })
            print(f"{name}: prompt {prompt_features.shape[0]} frames, {len(kw['prompt_tokens'][0])}+{len(kw['tokens'][0])} tokens, "
                  f"{seen['text_condition'].shape[1]} frames, waveform {tuple(final.shape)}, "
                  f"max float64 gap in prompt features {float64_gap:.2e}")
        del model
    w.manifest["dialog"] = {
        "seed": seed, "noise_seed": 2024,
        "made_with": {"zipvoice": git_head(zipvoice_src), "graphs": "tools/export/make.sh --random-weights (seed above)",
                      "vocoder": "realshape Vocos (shared/tools/realshape, same seed)",
                      "espeak-ng": subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip(),
                      "torch": torch.__version__, "torchaudio": __import__("torchaudio").__version__,
                      "pydub": importlib.metadata.version("pydub"), "inflect": importlib.metadata.version("inflect"),
                      "piper_phonemize": "stand-in on libespeak-ng 1.51 (make_fixtures.py piper_phonemize_stand_in)",
                      "script": "tools/reference/make_fixtures.py --only dialog"},
        "silence_wav": "digital silence (upstream's assets/silence.wav is room tone; the service uses zeros)",
        "cases": cases}


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zipvoice", required=True)
    ap.add_argument("--vocos", required=True)
    ap.add_argument("--kokoro", required=True)
    ap.add_argument("--realshape", help="folder of the realshape models (make.sh's OUT); omit to skip the whole-sample cases")
    ap.add_argument("--dialog", help="folder with zipvoice_dialog/ and zipvoice_dialog_stereo/ from tools/export/make.sh "
                    "--random-weights; omit to skip the dialog cases")
    ap.add_argument("--seed", type=int, default=1234, help="the realshape SEED the models were built with")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "tests/TtsService.Tests/Fixtures/reference"))
    ap.add_argument("--only", nargs="*", help="features pipeline timesteps istft kokoro whole dialog")
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    install_stand_ins()
    zv = source_dir(args.zipvoice, "zipvoice/utils/feature.py", ["zipvoice"])
    vc = source_dir(args.vocos, "vocos/heads.py", ["vocos", "configs"])
    ko = source_dir(args.kokoro, "kokoro/pipeline.py", ["kokoro"])
    import_zipvoice(zv)
    import_vocos(vc)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(out)
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        w.manifest = json.loads(manifest_path.read_text())
    only = set(args.only or ["features", "pipeline", "timesteps", "istft", "kokoro", "whole", "dialog"])
    w.manifest["made_with"] = {
        "zipvoice": git_head(args.zipvoice), "vocos": git_head(args.vocos), "kokoro": git_head(args.kokoro),
        "torch": torch.__version__, "torchaudio": __import__("torchaudio").__version__,
        "script": "tools/reference/make_fixtures.py",
    }
    if "features" in only:
        make_features(w)
    if "pipeline" in only:
        make_prompt_pipeline(w)
    if "timesteps" in only:
        make_timesteps(w)
    if "istft" in only:
        make_istft(w)
    if "kokoro" in only:
        make_kokoro(w, ko)
    if "whole" in only and args.realshape:
        make_whole(w, Path(args.realshape), args.seed, vc)
    if "dialog" in only and args.dialog:
        make_dialog(w, Path(args.dialog), args.seed, vc, args.zipvoice)
    manifest_path.write_text(json.dumps(w.manifest, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
