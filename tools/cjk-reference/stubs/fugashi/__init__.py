# Reference-run stand-in for fugashi's Tagger over Debian's MeCab (python3-mecab) and UniDic 3.1.1
# (unidic-mecab): surface, feature.pron / feature.kana (UniDic fields 9 and 20; None past the end of an
# unknown word's short feature list, as fugashi pads), char_type, is_unk.
import MeCab, csv
class _F:
    def __init__(self, fields):
        self.pron = fields[9] if len(fields) > 9 else None
        self.kana = fields[20] if len(fields) > 20 else None
class _N:
    def __init__(self, n):
        self.surface = n.surface
        self.feature = _F(next(csv.reader([n.feature])))
        self.char_type = n.char_type
        self.is_unk = n.stat == 1
class Tagger:
    def __init__(self):
        self.t = MeCab.Tagger('-r /dev/null -d /var/lib/mecab/dic/unidic')
    def __call__(self, text):
        out = []
        n = self.t.parseToNode(text)
        while n:
            if n.stat in (0, 1): out.append(_N(n))
            n = n.next
        return out
