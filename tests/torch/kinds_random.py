"""Random (engine/core/random.hpp): an independent pure-Python MT19937-64 with the same
transforms, required to reproduce tapegrad's raw, uniform and normal draws bit for bit (tol 0).
Python floats are IEEE doubles and Python does not fuse operations, so this is what "the same
numbers on every platform" means. Needs no torch."""

import math

from torch_reference import compare

_MASK = (1 << 64) - 1


class MT19937_64:
    """The C++ standard's mt19937_64 ([rand.predef]): w=64, n=312, m=156, r=31."""

    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & _MASK
        for k in range(1, 312):
            prev = self.mt[k - 1]
            self.mt[k] = (6364136223846793005 * (prev ^ (prev >> 62)) + k) & _MASK
        self.index = 312

    def next_u64(self):
        if self.index >= 312:
            for k in range(312):
                x = (self.mt[k] & 0xFFFFFFFF80000000) | (self.mt[(k + 1) % 312] & 0x7FFFFFFF)
                xa = x >> 1
                if x & 1:
                    xa ^= 0xB5026F5AA96619E9
                self.mt[k] = self.mt[(k + 156) % 312] ^ xa
            self.index = 0
        x = self.mt[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & _MASK


def portable_log(x):
    m, e = math.frexp(x)
    if m < float.fromhex("0x1.6a09e667f3bcdp-1"):
        m *= 2.0
        e -= 1
    f = (m - 1.0) / (m + 1.0)
    f2 = f * f
    tail = 1.0 / 21.0
    for k in range(9, 0, -1):
        tail = 1.0 / (2 * k + 1) + f2 * tail
    log_m = 2.0 * f + 2.0 * f * (f2 * tail)
    de = float(e)
    return de * float.fromhex("0x1.62e42feep-1") + (de * float.fromhex("0x1.a39ef35793c76p-33")
                                                    + log_m)


def uniforms(seed, count):
    mt = MT19937_64(seed)
    return [(mt.next_u64() >> 11) * 2.0**-53 for _ in range(count)]


def normals(seed, count):
    mt = MT19937_64(seed)
    out = []
    while len(out) < count:
        u = 2.0 * ((mt.next_u64() >> 11) * 2.0**-53) - 1.0
        v = 2.0 * ((mt.next_u64() >> 11) * 2.0**-53) - 1.0
        s = u * u + v * v
        if s >= 1.0 or s == 0.0:
            continue
        f = math.sqrt(-2.0 * portable_log(s) / s)
        out += [u * f, v * f]
    return out[:count]


def check_random(case):
    i, r = case["inputs"], case["results"]
    seed, count = i["seed"], i["count"]
    mt = MT19937_64(seed)
    raw = [mt.next_u64() for _ in r["raw"]]
    if raw != r["raw"]:
        raise ValueError("raw 64-bit draws differ: %s vs %s" % (r["raw"][:3], raw[:3]))
    return [compare("uniform", r["uniform"], uniforms(seed, count), tol=0.0),
            compare("normal", r["normal"], normals(seed, count), tol=0.0)]


KINDS = {"random": check_random}
