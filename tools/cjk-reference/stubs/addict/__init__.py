# Stand-in for addict.Dict (misaki token.py imports it; the reference runs do not use it).
class Dict(dict): pass
