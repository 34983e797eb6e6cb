# Stand-in: ZipVoice tokenizer.py imports lhotse.CutSet for training helpers the reference runs do not call.
CutSet=object
