#!/usr/bin/env python3
"""Export ZipVoice-Dialog / ZipVoice-Dialog-Stereo to ONNX (text_encoder.onnx + fm_decoder.onnx).

k2-fsa/ZipVoice's zipvoice/bin/onnx_export.py exports only zipvoice and zipvoice_distill. This tool
builds upstream's own ZipVoiceDialog / ZipVoiceDialogStereo (zipvoice/models/zipvoice_dialog.py),
loads a published checkpoint (or gives random weights), and exports it through upstream's
OnnxTextModel / OnnxFlowMatchingModel wrappers, so the graphs have the interface of the other
ZipVoice exports (opset 13, rank-0 scalars, classifier-free guidance inside the decoder):

  text_encoder.onnx  tokens int64 [1,T], prompt_tokens int64 [1,Tp], prompt_features_len int64 [],
                     speed float []  ->  text_condition float [1,F,feat_dim]
  fm_decoder.onnx    t float [], x float [1,F,C*feat_dim], text_condition float [1,F,feat_dim],
                     speech_condition float [1,F,C*feat_dim], guidance_scale float []
                     ->  v float [1,F,C*feat_dim]        (C = num_channels: 1 mono, 2 stereo)

The one dialog-specific step, the speaker-turn embedding (ZipVoiceDialog.forward_text_embed adds
spk_embed(0) / spk_embed(1) to the text encoder's output by the parity of the [S1]/[S2] count up to
each token, nothing on padding), is added to upstream's OnnxTextModel by handing it an `embed` that
remembers the token ids and a `text_encoder` that adds the model's own spk_embed rows to its output.

Metadata (both files): model_name, num_channels, spk_a_id, spk_b_id, pad_id, plus upstream's keys
(use_espeak/use_pinyin on the encoder; feat_dim = per channel, sample_rate, n_fft, hop_length,
window_length, num_mels on the decoder).

usage:
  export_dialog.py --src ZIPVOICE_SRC --model-name zipvoice_dialog --model-dir CKPT_DIR --out OUT
      CKPT_DIR holds model.pt (or model.safetensors), model.json, tokens.txt (as published on
      huggingface k2-fsa/ZipVoice under zipvoice_dialog/ and zipvoice_dialog_stereo/).
  export_dialog.py --src ZIPVOICE_SRC --model-name zipvoice_dialog_stereo --random-weights \
      --tokens TOKENS_TXT [--model-json JSON] [--seed 1234] --out OUT
      Architecture-true random weights (same code path); [S1]/[S2] are appended to TOKENS_TXT when
      it lacks them. --tiny shrinks the network (2 layers, small dims) to test the tool quickly.

ZIPVOICE_SRC is a folder with upstream's zipvoice/ package, patched by zipvoice.patch beside this
script (make.sh prepares it from a git directory). Needs Debian's python3-torch and python3-onnx.
"""
import argparse
import json
import logging
import shutil
import sys
from pathlib import Path

import torch
from torch import nn


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", required=True, help="folder holding upstream's zipvoice/ package (patched)")
    p.add_argument("--model-name", required=True, choices=["zipvoice_dialog", "zipvoice_dialog_stereo"])
    p.add_argument("--out", required=True)
    p.add_argument("--model-dir", help="checkpoint folder: model.pt or model.safetensors, model.json, tokens.txt")
    p.add_argument("--checkpoint-name", default=None, help="default: model.pt, else model.safetensors")
    p.add_argument("--random-weights", action="store_true")
    p.add_argument("--tokens", help="--random-weights: tokens.txt to use ([S1]/[S2] appended when missing)")
    p.add_argument("--model-json", help="--random-weights: model.json (default egs/zipvoice/conf/zipvoice_base.json)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--tiny", action="store_true", help="small network, for testing this tool")
    args = p.parse_args()
    if bool(args.model_dir) == bool(args.random_weights):
        p.error("give either --model-dir or --random-weights")
    if args.random_weights and not args.tokens:
        p.error("--random-weights needs --tokens")
    return args


def read_tokens(path):
    """token -> id, parsed as zipvoice.tokenizer.tokenizer (EmiliaTokenizer / DialogTokenizer) does."""
    token2id = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        info = line.rstrip().split("\t")
        token, idx = info[0], int(info[1])
        assert token not in token2id, token
        token2id[token] = idx
    return token2id


def dialog_tokens(src_tokens, dst):
    """Copies tokens.txt, appending [S1] and [S2] (next free ids) when the file lacks them."""
    text = Path(src_tokens).read_text(encoding="utf-8")
    token2id = read_tokens(src_tokens)
    extra = [t for t in ("[S1]", "[S2]") if t not in token2id]
    next_id = max(token2id.values()) + 1
    if not text.endswith("\n"):
        text += "\n"
    for i, t in enumerate(extra):
        text += f"{t}\t{next_id + i}\n"
    Path(dst).write_text(text, encoding="utf-8")
    return read_tokens(dst)


@torch.no_grad()
def decorrelate_(model, seed):
    """Every parameter its own random values (as shared/tools/realshape does): Zipformer deep-copies
    its layers, so fresh layers are identical and torch.onnx.export would de-duplicate them."""
    g = torch.Generator().manual_seed(seed + 1)
    for _, p in model.named_parameters():
        noise = torch.randn(p.shape, generator=g, dtype=p.dtype)
        std = p.std().item() if p.numel() > 1 else 0.0
        if std > 0:
            p.copy_(noise * std + p.mean())
        else:
            p.add_(noise * max(p.abs().mean().item() * 0.01, 1e-3))


def load_weights(model, path):
    if path.suffix == ".safetensors":
        try:
            import safetensors.torch
        except ImportError:
            sys.exit("model.safetensors needs the python safetensors package (pip install safetensors); "
                     "or export from model.pt")
        safetensors.torch.load_model(model, str(path))
        return
    # zipvoice.utils.checkpoint.load_checkpoint's rules: weights under "model", DDP's "module." prefix dropped.
    checkpoint = torch.load(path, map_location="cpu")
    state = checkpoint["model"] if isinstance(checkpoint, dict) and "model" in checkpoint else checkpoint
    state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
    model.load_state_dict(state, strict=True)


class _RememberTokens(nn.Module):
    """The model's token embedding; keeps the ids it embedded for the speaker-turn step after the encoder."""

    def __init__(self, embed, box):
        super().__init__()
        self.embed = embed
        self.box = box

    def forward(self, tokens):
        self.box["tokens"] = tokens
        return self.embed(tokens)


class _WithSpeakerTurns(nn.Module):
    """The model's text encoder followed by ZipVoiceDialog's speaker-turn embedding (forward_text_embed):
    tokens after an odd number of [S1]/[S2] marks (counting the mark itself) get spk_embed(1), the others
    spk_embed(0), padding nothing (extract_spk_indices)."""

    def __init__(self, model, box):
        super().__init__()
        self.text_encoder = model.text_encoder
        self.spk_embed = model.spk_embed
        self.spk_a_id, self.spk_b_id, self.pad_id = model.spk_a_id, model.spk_b_id, model.pad_id
        self.box = box

    def forward(self, x, t=None, padding_mask=None):
        embed = self.text_encoder(x=x, t=t, padding_mask=padding_mask)
        tokens = self.box["tokens"]
        turns = ((tokens == self.spk_a_id) | (tokens == self.spk_b_id)).to(torch.int64).cumsum(dim=1)
        parity = torch.remainder(turns, 2)
        real = (tokens != self.pad_id)
        a = ((parity == 0) & real).to(embed.dtype).unsqueeze(-1)
        b = ((parity == 1) & real).to(embed.dtype).unsqueeze(-1)
        w = self.spk_embed.weight.to(embed.dtype)
        return embed + a * w[0] + b * w[1]


def set_metadata(filename, values):
    """Adds or replaces metadata entries (upstream's add_meta_data only appends; duplicate keys are invalid ONNX)."""
    import onnx
    m = onnx.load(filename)
    kept = [(p.key, p.value) for p in m.metadata_props if p.key not in values]
    del m.metadata_props[:]
    for k, v in kept + list(values.items()):
        entry = m.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.save(m, filename)


def export_decoder(E, wrapper, filename, feat_dim, channels):
    """upstream export_fm_decoder with x / speech_condition / v of channels * feat_dim."""
    seq_len = 200
    t = torch.tensor(0.5, dtype=torch.float32)
    x = torch.randn(1, seq_len, feat_dim * channels, dtype=torch.float32)
    text_condition = torch.randn(1, seq_len, feat_dim, dtype=torch.float32)
    speech_condition = torch.randn(1, seq_len, feat_dim * channels, dtype=torch.float32)
    guidance_scale = torch.tensor(1.0, dtype=torch.float32)
    traced = torch.jit.trace(wrapper, (t, x, text_condition, speech_condition, guidance_scale))
    torch.onnx.export(
        traced, (t, x, text_condition, speech_condition, guidance_scale), filename,
        verbose=False, opset_version=13,
        input_names=["t", "x", "text_condition", "speech_condition", "guidance_scale"],
        output_names=["v"],
        dynamic_axes={"x": {0: "N", 1: "T"}, "text_condition": {0: "N", 1: "T"},
                      "speech_condition": {0: "N", 1: "T"}, "v": {0: "N", 1: "T"}})


@torch.no_grad()
def main():
    args = parse_args()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s", level=logging.INFO, force=True)
    sys.path.insert(0, args.src)
    from zipvoice.bin import onnx_export as E
    from zipvoice.models.zipvoice_dialog import ZipVoiceDialog, ZipVoiceDialogStereo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.model_dir:
        mdir = Path(args.model_dir)
        ckpt = mdir / args.checkpoint_name if args.checkpoint_name else (
            mdir / "model.pt" if (mdir / "model.pt").exists() else mdir / "model.safetensors")
        for f in (ckpt, mdir / "model.json", mdir / "tokens.txt"):
            if not f.is_file():
                sys.exit(f"{f} does not exist")
        model_json = mdir / "model.json"
        shutil.copy(mdir / "tokens.txt", out / "tokens.txt")
        token2id = read_tokens(out / "tokens.txt")
    else:
        ckpt = None
        model_json = Path(args.model_json) if args.model_json else Path(args.src) / "egs/zipvoice/conf/zipvoice_base.json"
        token2id = dialog_tokens(args.tokens, out / "tokens.txt")
    for t in ("[S1]", "[S2]", "_"):
        if t not in token2id:
            sys.exit(f"tokens.txt has no {t}: not a dialog token table")

    config = json.loads(model_json.read_text())
    if config.get("feature", {}).get("type", "vocos") != "vocos":
        sys.exit(f"feature type {config['feature']['type']} is not supported (upstream supports only vocos)")
    model_config = dict(config["model"])
    if args.tiny:
        model_config.update(fm_decoder_downsampling_factor=[1, 2, 1], fm_decoder_num_layers=[1, 1, 1],
                            fm_decoder_cnn_module_kernel=[7, 7, 7], fm_decoder_feedforward_dim=64,
                            fm_decoder_dim=32, fm_decoder_num_heads=2, text_encoder_num_layers=1,
                            text_encoder_feedforward_dim=32, text_encoder_dim=16, text_encoder_num_heads=2,
                            time_embed_dim=16, text_embed_dim=16, query_head_dim=8, value_head_dim=4,
                            pos_head_dim=2, pos_dim=8)
    tokenizer_config = {"vocab_size": len(token2id), "pad_id": token2id["_"],
                        "spk_a_id": token2id["[S1]"], "spk_b_id": token2id["[S2]"]}
    logging.info(f"{args.model_name}: tokenizer {tokenizer_config}")
    stereo = args.model_name == "zipvoice_dialog_stereo"
    channels = 2 if stereo else 1
    cls = ZipVoiceDialogStereo if stereo else ZipVoiceDialog
    torch.manual_seed(args.seed)
    model = cls(**model_config, **tokenizer_config)
    if ckpt is not None:
        logging.info(f"loading {ckpt}")
        load_weights(model, ckpt)
    else:
        decorrelate_(model, args.seed)
    model.eval()
    stats = {"model_name": args.model_name, "random_weights": bool(args.random_weights), "seed": args.seed,
             "tiny": args.tiny, "num_channels": channels, "params_total": sum(p.numel() for p in model.parameters()),
             "params_fm_decoder": sum(p.numel() for p in model.fm_decoder.parameters()), **tokenizer_config}
    logging.info(f"params {stats}")
    E.convert_scaled_to_non_scaled(model, inplace=True, is_onnx=True)

    feat_dim = model_config["feat_dim"]
    extra = {"model_name": args.model_name, "num_channels": str(channels),
             "spk_a_id": str(tokenizer_config["spk_a_id"]), "spk_b_id": str(tokenizer_config["spk_b_id"]),
             "pad_id": str(tokenizer_config["pad_id"])}

    # Text encoder: upstream's wrapper and export (duration rule, metadata), speaker turns added inside.
    box = {}
    text_model = E.OnnxTextModel(model=model)
    text_model.embed = _RememberTokens(model.embed, box)
    text_model.text_encoder = _WithSpeakerTurns(model, box)
    check_speaker_turns(model, text_model, tokenizer_config)
    E.export_text_encoder(model=text_model, filename=str(out / "text_encoder.onnx"), opset_version=13)
    set_metadata(str(out / "text_encoder.onnx"), {**extra, "comment": "ZipVoice-Dialog text encoder"})

    # Decoder: upstream's CFG wrapper (non-distilled); the stereo decoder takes and gives 2 x feat_dim.
    fm = E.OnnxFlowMatchingModel(model=model, distill=False)
    if stereo:
        export_decoder(E, fm, str(out / "fm_decoder.onnx"), feat_dim, channels)
        set_metadata(str(out / "fm_decoder.onnx"), {
            "version": "1", "model_author": "k2-fsa", "comment": "ZipVoice-Dialog-Stereo flow-matching decoder",
            "feat_dim": str(feat_dim), "sample_rate": "24000", "n_fft": "1024", "hop_length": "256",
            "window_length": "1024", "num_mels": "100", **extra})
    else:
        E.export_fm_decoder(model=fm, filename=str(out / "fm_decoder.onnx"), opset_version=13)
        set_metadata(str(out / "fm_decoder.onnx"), extra)

    shutil.copy(model_json, out / "model.json")
    (out / "export_stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    check(out, channels, feat_dim, extra)
    logging.info(f"Done: {out}")


def check_speaker_turns(model, text_model, cfg):
    """The wrapped encoder gives what ZipVoiceDialog.forward_text_embed gives for a prompt + text with turns."""
    a, b, pad = cfg["spk_a_id"], cfg["spk_b_id"], cfg["pad_id"]
    tokens = [a, 5, 6, 7, b, 8, 9, a, 10, b, 11, 12]  # pad_labels appends one pad, as OnnxTextModel does
    ours = text_model.text_encoder(x=text_model.embed(torch.tensor([tokens + [pad]])), t=None,
                                   padding_mask=torch.tensor([[False] * len(tokens) + [True]]))
    theirs, _ = model.forward_text_embed([tokens])
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    assert torch.allclose(ours, theirs, atol=1e-5), (ours - theirs).abs().max()
    logging.info("checked: speaker-turn embedding equals ZipVoiceDialog.forward_text_embed")


def check(out, channels, feat_dim, extra):
    """The files load, pass onnx.checker, and declare the interface and metadata the service reads."""
    import onnx
    for name, inputs in (("text_encoder.onnx", {"tokens": 2, "prompt_tokens": 2, "prompt_features_len": 0, "speed": 0}),
                         ("fm_decoder.onnx", {"t": 0, "x": 3, "text_condition": 3, "speech_condition": 3, "guidance_scale": 0})):
        m = onnx.load(str(out / name), load_external_data=False)
        onnx.checker.check_model(str(out / name))
        declared = {i.name: len(i.type.tensor_type.shape.dim) for i in m.graph.input}
        assert declared == inputs, (name, declared)
        meta = {p.key: p.value for p in m.metadata_props}
        for k, v in extra.items():
            assert meta.get(k) == v, (name, k, meta.get(k))
        if name == "fm_decoder.onnx":
            dims = {i.name: i.type.tensor_type.shape.dim[2].dim_value for i in m.graph.input if i.name in ("x", "text_condition", "speech_condition")}
            assert dims == {"x": feat_dim * channels, "text_condition": feat_dim, "speech_condition": feat_dim * channels}, dims
            assert meta.get("feat_dim") == str(feat_dim), meta
    logging.info("checked: inputs, ranks, feature widths and metadata")


if __name__ == "__main__":
    main()
