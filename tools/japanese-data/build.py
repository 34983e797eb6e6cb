"""Builds the Japanese data files of src/TtsService/Text/Japanese from hexgrad/misaki (Apache-2.0).

Usage: python3 build.py /path/to/misaki-checkout

- kana.tsv: misaki/cutlet.py's HEPBURN table (kana, digraphs and punctuation → Kokoro phonemes), one
  "key<TAB>value" per line; read from the module's dict, not retyped, so it cannot drift.
- ja_words.txt.gz: misaki/data/ja_words.txt (words cutlet keeps together), gzip with a fixed timestamp.
cutlet.py imports fugashi, jaconv and mojimoji at the top; they are stubbed, as only the table is read.
"""
import gzip, io, os, sys, types

root = sys.argv[1]
for name in ('fugashi', 'jaconv', 'mojimoji'):
    m = types.ModuleType(name); m.Tagger = object; sys.modules[name] = m
sys.modules['addict'] = types.ModuleType('addict'); sys.modules['addict'].Dict = dict
sys.path.insert(0, root)
from misaki import cutlet  # noqa: E402

here = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'TtsService', 'Text', 'Japanese')
with open(os.path.join(here, 'kana.tsv'), 'w', encoding='utf-8', newline='\n') as f:
    f.write('# hexgrad/misaki misaki/cutlet.py HEPBURN (Apache-2.0): kana -> Kokoro phonemes\n')
    for k, v in cutlet.HEPBURN.items():
        f.write('%s\t%s\n' % (k, v))
words = open(os.path.join(root, 'misaki', 'data', 'ja_words.txt'), encoding='utf-8').read()
buf = io.BytesIO()
with gzip.GzipFile(filename='', mode='wb', fileobj=buf, mtime=0, compresslevel=9) as g:
    g.write(words.encode('utf-8'))
open(os.path.join(here, 'ja_words.txt.gz'), 'wb').write(buf.getvalue())
print(len(cutlet.HEPBURN), 'kana,', len(words.splitlines()), 'words,', len(buf.getvalue()), 'bytes gz')
