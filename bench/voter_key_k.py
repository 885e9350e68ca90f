"""k-anonymity and false refusals of the truncated voter key (portal/evaluation/voters.py).

    python bench/voter_key_k.py [--sample 2000000] [--bits 23] [--space 1600000000]

Attacker model: the whole database AND every server key. For one stored key the attacker
hashes every mobile number under that rating's scope (official, month, slot) and keeps those
that land on the stored value. k is how many remain.

Measured: a sample of distinct random mobile numbers (1[3-9]x + 8 digits) is hashed under one
scope with the real function (rules.truncated_hmac, a random 32-byte key); the preimage counts
per value are compared with the uniform model (Poisson with mean sample / 2**bits) and then
extrapolated to the full space: k = space / 2**bits on average, and the smallest k over all
2**bits values from the Poisson tail. False refusals of the monthly limit (another person on
the same key, same official and month) are simulated for n earlier raters and compared with
n / 2**bits.
"""

import argparse
import math
import os
import random
import secrets
import statistics
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from portal.evaluation.rules import (
    candidates_per_key,
    false_refusal_probability,
    truncated_hmac,
)


def _phones(rng, n):
    seen = set()
    while len(seen) < n:
        seen.add(f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}")
    return list(seen)


def _poisson_cdf(k, lam):
    """P(X <= k) for X ~ Poisson(lam), summed in log space."""
    total, log_term = 0.0, -lam
    for i in range(k + 1):
        if i:
            log_term += math.log(lam) - math.log(i)
        total += math.exp(log_term)
    return total


def measure_k(*, sample, bits, space, key, rng):
    scope = "4711|2026-03-01|1"
    start = time.perf_counter()
    counts = Counter(truncated_hmac(key, scope, "phone:" + p, bits) for p in _phones(rng, sample))
    seconds = time.perf_counter() - start
    lam = sample / 2**bits
    occupied = len(counts)
    expected_occupied = 2**bits * (1 - math.exp(-lam))
    # coarse view (8 bits fewer): many numbers per value, so uniformity is visible directly
    coarse = Counter()
    for value, n in counts.items():
        coarse[value >> 8] += n
    coarse_counts = [coarse.get(v, 0) for v in range(2 ** (bits - 8))]
    k_mean = candidates_per_key(space=space, bits=bits)
    # the smallest k over all 2**bits values: the q with 2**bits · P(X <= q) ≈ 1
    k_min = 0
    while 2**bits * _poisson_cdf(k_min, k_mean) < 0.5:
        k_min += 1
    below_100 = 2**bits * _poisson_cdf(99, k_mean)
    return {
        "seconds": seconds,
        "per_second": sample / seconds,
        "occupied": occupied,
        "expected_occupied": expected_occupied,
        "coarse_mean": statistics.fmean(coarse_counts),
        "coarse_sd": statistics.pstdev(coarse_counts),
        "coarse_sd_uniform": math.sqrt(sample / 2 ** (bits - 8)),
        "coarse_min": min(coarse_counts),
        "coarse_max": max(coarse_counts),
        "k_measured": sample / occupied * (space / sample) * (1 - math.exp(-lam)),
        "k_mean": k_mean,
        "k_sd": math.sqrt(k_mean),
        "k_min": k_min,
        "values_below_100": below_100,
    }


def simulate_refusals(*, n, bits, key, rng, trials, checks=2000):
    """Share of new raters refused because another person of the same official and month
    holds their key, with n earlier raters."""
    refused = checked = 0
    for t in range(trials):
        scope = f"{t}|2026-03-01|1"
        earlier = {truncated_hmac(key, scope, "phone:" + p, bits) for p in _phones(rng, n)}
        for p in _phones(rng, checks):
            checked += 1
            refused += truncated_hmac(key, scope, "phone:x" + p, bits) in earlier
    return refused / checked, checked


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=2_000_000)
    parser.add_argument("--bits", type=int, default=23)
    parser.add_argument("--space", type=int, default=1_600_000_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    key = secrets.token_bytes(32)
    m = measure_k(sample=args.sample, bits=args.bits, space=args.space, key=key, rng=rng)
    print(
        f"hashed {args.sample:,} phone numbers in {m['seconds']:.1f} s "
        f"({m['per_second']:,.0f}/s; the whole space {args.space:,} would take "
        f"{args.space / m['per_second'] / 60:.0f} core-minutes)"
    )
    print(f"values hit: {m['occupied']:,} (uniform model {m['expected_occupied']:,.0f})")
    print(
        f"coarse buckets ({args.bits - 8} bits): mean {m['coarse_mean']:.1f}, "
        f"sd {m['coarse_sd']:.1f} (uniform {m['coarse_sd_uniform']:.1f}), "
        f"min {m['coarse_min']}, max {m['coarse_max']}"
    )
    print(
        f"k over {args.space:,} numbers at {args.bits} bits: mean {m['k_mean']:.1f} "
        f"(from the sample {m['k_measured']:.1f}), sd {m['k_sd']:.1f}, "
        f"smallest over all {2**args.bits:,} values ≈ {m['k_min']}, "
        f"expected values with k < 100: {m['values_below_100']:.1e}"
    )
    for space, label in ((7 * 10**9, "every 1[3-9]x number"), (7 * 10**8, "low estimate")):
        print(
            f"  with {label} ({space:.1e}): k = {candidates_per_key(space=space, bits=args.bits):.0f}"
        )
    print("false refusal per new rater (same official, same month):")
    for n, trials in ((50, 200), (500, 100), (5000, 40)):
        simulated, checked = simulate_refusals(n=n, bits=args.bits, key=key, rng=rng, trials=trials)
        model = false_refusal_probability(ratings=n, bits=args.bits)
        print(
            f"  n = {n:5d}: model {model:.1e}, simulated {simulated:.1e} "
            f"over {checked:,} raters; expected refused in a month of {n} raters "
            f"≈ {n * (n - 1) / 2 / 2**args.bits:.2g}"
        )


if __name__ == "__main__":
    main()
