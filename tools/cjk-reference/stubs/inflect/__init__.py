# Stand-in: ZipVoice normalizer.py builds an inflect engine for English only.
def engine(): return None
