import pytest
from django.utils import translation

from portal.evaluation import rules

T = {"III": (10, 40), "II": (20, 80), "I": (40, 120)}


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [
        (0, 0, []),
        (9, 9, []),
        (10, 10, [("III", "month")]),
        (9, 39, []),
        (9, 40, [("III", "year")]),
        (19, 79, [("III", "month"), ("III", "year")]),
        (20, 20, [("III", "month"), ("II", "month")]),
        (39, 80, [("III", "month"), ("III", "year"), ("II", "month"), ("II", "year")]),
        (
            40,
            119,
            [("III", "month"), ("III", "year"), ("II", "month"), ("II", "year"), ("I", "month")],
        ),
        (0, 120, [("III", "year"), ("II", "year"), ("I", "year")]),
    ],
)
def test_warning_levels_crossed_at_each_threshold_edge(month, year, expected):
    assert rules.warning_levels(month_count=month, year_count=year, thresholds=T) == expected


@pytest.mark.parametrize(
    ("level", "bad"), [(5, False), (4, False), (3, False), (2, True), (1, True)]
)
def test_bottom_two_levels_count_as_bad(level, bad):
    assert rules.is_bad(level) is bad


@pytest.mark.parametrize(
    ("scale", "bad", "not_bad"),
    [
        ("three", [2], [4, 3]),
        ("five", [2, 1], [5, 4, 3]),
        ("unknown", [2], [4, 3]),  # anything but "five" is the three-level scale
    ],
)
def test_bad_levels_under_each_scale(scale, bad, not_bad):
    assert rules.bad_levels(scale) == bad
    assert [lv for lv, _ in rules.levels_for(scale) if not rules.is_bad(lv)] == not_bad


def test_three_level_scale_is_default_and_five_level_scale_has_two_bad_levels():
    with translation.override("zh-hans"):
        assert [str(n) for _, n in rules.levels_for("three")] == ["满意", "基本满意", "不满意"]
    assert [lv for lv, _ in rules.levels_for("five") if rules.is_bad(lv)] == [2, 1]


def test_level_names_are_translated_when_shown_not_when_defined():
    with translation.override("en"):
        assert [str(n) for _, n in rules.levels_for("five")] == [
            "Very satisfied",
            "Satisfied",
            "Basically satisfied",
            "Dissatisfied",
            "Very dissatisfied",
        ]


@pytest.mark.parametrize(
    ("a", "b", "within_500"),
    [
        ((27.218, 116.533), (27.218, 116.533), True),
        ((27.218, 116.533), (27.2219, 116.533), True),  # ≈ 434 m north
        ((27.218, 116.533), (27.2230, 116.533), False),  # ≈ 556 m north
        ((27.218, 116.533), (27.218, 116.5380), True),  # ≈ 495 m east
        ((27.218, 116.533), (27.218, 116.5390), False),  # ≈ 594 m east
    ],
)
def test_haversine_distance_against_a_500_m_radius(a, b, within_500):
    assert (rules.haversine_m(*a, *b) <= 500) is within_500


@pytest.mark.parametrize(
    ("ip", "prefix"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1:2::5", "2001:db8:1::/48"),
        ("garbage", "unknown"),
    ],
)
def test_network_prefix_is_coarse_and_never_the_address(ip, prefix):
    assert rules.network_prefix(ip) == prefix


def test_keyed_hash_separates_purposes():
    assert rules.keyed_hash("k", "voter-phone", "13800000000") != rules.keyed_hash(
        "k", "staff-phone", "13800000000"
    )
    assert "13800000000" not in rules.keyed_hash("k", "voter-phone", "13800000000")


def test_satisfaction_rate_counts_everything_but_bad_ratings():
    assert rules.satisfaction_rate({4: 6, 3: 2, 2: 2}) == 0.8
    assert rules.satisfaction_rate({}) is None


@pytest.mark.parametrize(("bad", "violations", "score"), [(0, 0, 100), (2, 0, 94), (1, 1, 87)])
def test_unit_score(bad, violations, score):
    assert (
        rules.unit_score(
            base=100, verified_bad=bad, violations=violations, per_bad=3, per_violation=10
        )
        == score
    )


def test_removal_flag_needs_two_years_running_in_the_ten_worst():
    assert rules.removal_flags({2025: {1, 2}, 2026: {2, 3}}, 2026) == {2}


# --- issue 14: truncated voter keys and the unit's day batches ------------------------------


@pytest.mark.parametrize("bits", [8, 12, 23, 32])
def test_a_truncated_keyed_hash_holds_at_most_its_bits(bits):
    values = {
        rules.truncated_hmac(b"k" * 32, "1|2026-03-01|1", f"phone:1380013{i:04d}", bits)
        for i in range(2000)
    }
    assert all(0 <= v < 2**bits for v in values)
    assert len(values) > min(2**bits, 2000) * 0.5  # spread, not constant


@pytest.mark.parametrize(
    ("bits", "space", "ok"),
    [
        (23, 1_600_000_000, True),  # 191 numbers per key
        (24, 1_600_000_000, False),  # 95
        (23, 700_000_000, False),  # 83
        (22, 700_000_000, True),  # 167
        (7, 1_600_000_000, False),  # too short to be a limit
        (65, 10**30, False),
    ],
)
def test_voter_key_bits_must_leave_at_least_k_numbers_per_key(bits, space, ok):
    assert (rules.voter_key_bits_problem(bits=bits, space=space, k_min=100) == "") is ok


def test_candidates_and_false_refusals_figures():
    assert round(rules.candidates_per_key(space=1_600_000_000, bits=23)) == 191
    for n, expected in ((50, 6.0e-6), (500, 6.0e-5), (5000, 6.0e-4)):
        assert rules.false_refusal_probability(ratings=n, bits=23) == pytest.approx(
            expected, rel=0.01
        )


def _d(day):
    from datetime import date

    return date(2026, 3, day)


@pytest.mark.parametrize(
    ("days", "min_batch", "batches"),
    [
        ([], 5, []),
        ([(_d(1), 5)], 5, [(_d(1), _d(1))]),
        ([(_d(1), 4)], 5, []),  # held back until it fills
        ([(_d(1), 2), (_d(2), 0), (_d(3), 3), (_d(4), 1)], 5, [(_d(1), _d(3))]),
        ([(_d(2), 9), (_d(1), 1)], 5, [(_d(1), _d(2))]),
        ([(_d(1), 1), (_d(2), 1)], 1, [(_d(1), _d(1)), (_d(2), _d(2))]),
    ],
)
def test_closed_days_are_merged_into_batches_of_at_least_the_minimum(days, min_batch, batches):
    assert rules.closed_day_batches(days, min_batch=min_batch) == batches
