import os, sys
# Checkouts of the upstream sources, one folder per repository named owner+name (see README.md).
SRC = os.environ.get('CJK_REFERENCE_SOURCES', '/tmp/ref15')
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stubs')]
import sys, json
sys.path[:0] = ['' + SRC + '/hexgrad+misaki']
import importlib.util, types
# import misaki.ja without misaki/__init__ side effects needing pyopenjtalk: stub it
sys.modules['pyopenjtalk'] = types.ModuleType('pyopenjtalk')
from misaki.ja import JAG2P
g = JAG2P()
for line in sys.stdin:
    t = line.rstrip('\n')
    if not t: continue
    print(json.dumps([t, g(t)[0]], ensure_ascii=False))
