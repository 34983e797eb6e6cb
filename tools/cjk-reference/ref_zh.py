import os, sys
# Checkouts of the upstream sources, one folder per repository named owner+name (see README.md).
SRC = os.environ.get('CJK_REFERENCE_SOURCES', '/tmp/ref15')
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stubs')]
import sys, json, logging
sys.path[:0] = ['' + SRC + '/mozillazg+python-pinyin', '' + SRC + '/Ailln+cn2an', '' + SRC + '/Ailln+proces', '' + SRC + '/hexgrad+misaki']
import jieba; jieba.setLogLevel(logging.WARNING)
from misaki.zh import ZHG2P
g = ZHG2P()
for line in sys.stdin:
    t = line.rstrip('\n')
    if not t: continue
    print(json.dumps([t, g(t)[0]], ensure_ascii=False))
