# Stand-in: piper_phonemize (English) is not installable here; the Chinese reference rows never call it.
def phonemize_espeak(t,l): raise RuntimeError('no espeak in reference run')
def get_espeak_map(): raise RuntimeError
