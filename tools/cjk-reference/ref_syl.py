import os, sys
# Checkouts of the upstream sources, one folder per repository named owner+name (see README.md).
SRC = os.environ.get('CJK_REFERENCE_SOURCES', '/tmp/ref15')
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stubs')]
import sys
sys.path[:0] = ['' + SRC + '/mozillazg+python-pinyin', '' + SRC + '/Ailln+cn2an', '' + SRC + '/Ailln+proces', '' + SRC + '/hexgrad+misaki']
from misaki.zh import ZHG2P
bad=0
for line in open(sys.argv[1]):
    py=line.strip()
    try: ipa = ZHG2P.py2ipa(py).replace(chr(815), '')
    except Exception as e: ipa = '!'; bad+=1
    print(f"{py}\t{ipa}")
print(bad, file=sys.stderr)
