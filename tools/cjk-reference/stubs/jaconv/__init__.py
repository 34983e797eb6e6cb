# jaconv.kata2hira: ァ..ヶ and ヽヾ to hiragana (code point - 0x60); everything else unchanged.
def kata2hira(s):
    return ''.join(chr(ord(c) - 0x60) if ('\u30a1' <= c <= '\u30f6' or c in '\u30fd\u30fe') else c for c in s)
