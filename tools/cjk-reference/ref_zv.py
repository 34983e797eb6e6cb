# Reference: k2-fsa/ZipVoice EmiliaTokenizer (zipvoice/tokenizer/tokenizer.py) on Chinese text, with the
# token table built as egs/zipvoice/local/prepare_token_file_emilia.py does (piper's 159 symbols, then the
# sorted pinyin tokens of egs/zipvoice/local/pinyin.txt). English segments are not supported here (no piper).
import os, sys
# Checkouts of the upstream sources, one folder per repository named owner+name (see README.md).
SRC = os.environ.get('CJK_REFERENCE_SOURCES', '/tmp/ref15')
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stubs')]
import sys, json, logging
sys.path[:0] = ['' + SRC + '/zv', '' + SRC + '/mozillazg+python-pinyin', '' + SRC + '/Ailln+cn2an', '' + SRC + '/Ailln+proces']
import jieba; jieba.setLogLevel(logging.WARNING)
from pypinyin.contrib.tone_convert import to_finals_tone3, to_initials
PIPER = "_^$ !'(),-.:;?abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ0123456789\u0327\u0303\u032a\u032f\u0329ʰˤε↓#\"↑\u033a\u033bgʦX\u031d\u030a"
phones = set()
for line in open('' + SRC + '/zv/egs/zipvoice/local/pinyin.txt'):
    x = line.strip()
    i = to_initials(x, strict=False); f = to_finals_tone3(x, strict=False, neutral_tone_with_five=True)
    if i: phones.add(i + '0')
    if f: phones.add(f)
tokens = list(PIPER) + sorted(phones)
if sys.argv[1:] == ['tokens']:
    for i, t in enumerate(tokens): print(f"{t}\t{i}")
    sys.exit()
from zipvoice.tokenizer.tokenizer import EmiliaTokenizer
import tempfile, os
tf = tempfile.NamedTemporaryFile('w', delete=False, suffix='.txt', encoding='utf-8')
for i, t in enumerate(tokens): tf.write(f"{t}\t{i}\n")
tf.close()
tok = EmiliaTokenizer(token_file=tf.name)
for line in sys.stdin:
    t = line.rstrip('\n')
    if not t: continue
    toks = tok.texts_to_tokens([t])[0]
    ids = tok.tokens_to_token_ids([toks])[0]
    print(json.dumps([t, ' '.join(toks), ids], ensure_ascii=False))
