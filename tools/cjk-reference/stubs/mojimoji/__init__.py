# mojimoji after NFKC: full-width ASCII is already half-width and half-width kana full-width; identity here.
def zen_to_han(s, kana=True, digit=True, ascii=True): return s
def han_to_zen(s, kana=True, digit=True, ascii=True): return s
