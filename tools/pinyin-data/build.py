"""Builds src/TtsService/Text/Chinese/pinyin.tsv.gz from pypinyin's dictionaries.

Usage: python3 build.py /path/to/python-pinyin-checkout

Source: mozillazg/python-pinyin (MIT), pypinyin/pinyin_dict.json (one entry per code point, readings
in tone marks, most common first) and pypinyin/phrases_dict.json (phrases, one reading list per
character). We keep what lazy_pinyin(heteronym=False) can ever use: the first reading of each
character and of each phrase character, converted to tone-3 spelling with neutral tone 5 by pypinyin's
own style converter (Style.TONE3 plus neutral_tone_with_five), so the service never has to parse
tone marks. Output lines: "C<TAB>char<TAB>pinyin" and "P<TAB>phrase<TAB>py py ...", sorted, in a gzip
file with a fixed timestamp so rebuilding gives the same bytes.
"""
import gzip, io, json, os, sys

root = sys.argv[1]
sys.path.insert(0, root)
from pypinyin import Style  # noqa: E402
from pypinyin.style import convert  # noqa: E402
import pypinyin  # noqa: E402


def tone3(py):
    s = convert(py, Style.TONE3, True, default=py)
    # neutral_tone_with_five: a syllable without a tone number gets 5 at the end (NeutralToneWith5Mixin).
    if s and not any(c.isdigit() for c in s):
        s += '5'
    return s


base = os.path.join(root, 'pypinyin')
chars = json.load(open(os.path.join(base, 'pinyin_dict.json'), encoding='utf-8'))
phrases = json.load(open(os.path.join(base, 'phrases_dict.json'), encoding='utf-8'))
lines = []
for cp, readings in chars.items():
    lines.append('C\t%s\t%s' % (chr(int(cp)), tone3(readings.split(',')[0])))
for phrase, readings in phrases.items():
    lines.append('P\t%s\t%s' % (phrase, ' '.join(tone3(r[0]) for r in readings)))
lines.sort()
out = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'TtsService', 'Text', 'Chinese', 'pinyin.tsv.gz')
buf = io.BytesIO()
with gzip.GzipFile(filename='', mode='wb', fileobj=buf, mtime=0, compresslevel=9) as f:
    f.write(('# pypinyin %s (mozillazg/python-pinyin, MIT): first readings, tone 3, neutral 5\n' % pypinyin.__version__).encode('utf-8'))
    f.write('\n'.join(lines).encode('utf-8'))
    f.write(b'\n')
open(out, 'wb').write(buf.getvalue())
print(len(lines), 'lines,', len(buf.getvalue()), 'bytes ->', os.path.normpath(out))
