# Stand-in for ordered_set.OrderedSet (misaki transcription.py only indexes [0]): a list without repeats.
class OrderedSet(list):
    def __init__(self, it=()):
        super().__init__()
        for x in it:
            if x not in self: self.append(x)
