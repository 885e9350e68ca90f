"""Every number from the source articles, as a setting with the seed's value as default.

Each can be overridden by an environment variable of the same name; the warning thresholds and
deadlines can also be edited by the office in the Wagtail site settings (cms.PortalSettings),
which take precedence at run time. Seeds: 002 Nanfeng, 000/001 Wuhan, 003 Henan, 004 Datong.
"""

import json
import os


def _int(name, default):
    return int(os.environ.get(name, default))


def _bounded(name, default, low, high, *, multiple_of=1):
    """An integer setting that refuses to start outside [low, high] (naming the variable)."""
    value = _int(name, default)
    if not low <= value <= high or value % multiple_of:
        raise ValueError(
            f"{name}={value}: must be between {low} and {high}"
            + (f" and a multiple of {multiple_of}" if multiple_of > 1 else "")
        )
    return value


def _float(name, default):
    return float(os.environ.get(name, default))


# Nanfeng (002): 40 units, 470 persons under evaluation; 70 enterprise monitors
DEMO_UNITS = _int("DEMO_UNITS", 40)
DEMO_OFFICIALS = _int("DEMO_OFFICIALS", 470)
DEMO_MONITORS = _int("DEMO_MONITORS", 70)

# Rating scale: "three" (满意/基本满意/不满意) or "five" (national 好差评 five levels)
RATING_SCALE = os.environ.get("RATING_SCALE", "three")

# Nanfeng four-level warning (四级预警): (level, monthly threshold, yearly threshold)
WARNING_THRESHOLDS = json.loads(
    os.environ.get(
        "WARNING_THRESHOLDS",
        '{"III": [10, 40], "II": [20, 80], "I": [40, 120]}',
    )
)

# Wuhan (000/001): QR rating only within 500 m; call-back within 24 h; unit score 100,
# −3 per verified 差评, −10 per discipline violation; ten best / ten worst
QR_RADIUS_METERS = _int("QR_RADIUS_METERS", 500)
CALLBACK_HOURS = _int("CALLBACK_HOURS", 24)
UNIT_SCORE_BASE = _int("UNIT_SCORE_BASE", 100)
UNIT_SCORE_BAD_RATING = _int("UNIT_SCORE_BAD_RATING", 3)
UNIT_SCORE_VIOLATION = _int("UNIT_SCORE_VIOLATION", 10)
RANKING_TOP_N = _int("RANKING_TOP_N", 10)
RANKING_MIN_RATINGS = _int("RANKING_MIN_RATINGS", 30)
# the fair ranking beside the official score (Wilson lower bound of the satisfaction rate, 95 %)
RANKING_FAIR_MIN_RATINGS = _int("RANKING_FAIR_MIN_RATINGS", 30)
RANKING_PUBLIC = os.environ.get("RANKING_PUBLIC", "1") == "1"
# random call-backs to good ratings against coercion (share of good ratings)
GOOD_RATING_CALLBACK_SAMPLE = _float("GOOD_RATING_CALLBACK_SAMPLE", 0.05)

# Anti-abuse
RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH = _int("RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH", 1)
RATING_RATE_LIMIT = os.environ.get("RATING_RATE_LIMIT", "20/h")
COMPLAINT_RATE_LIMIT = os.environ.get("COMPLAINT_RATE_LIMIT", "10/h")
# the complaint, rating and recovery limits count only POSTs whose captcha passed; failed
# captchas count here instead, per client across those forms (portal/core/formlimits.py)
CAPTCHA_FAILURE_RATE_LIMIT = os.environ.get("CAPTCHA_FAILURE_RATE_LIMIT", "30/h")
PHONE_VERIFICATION = os.environ.get("PHONE_VERIFICATION", "0") == "1"

# Complaints: attachments, receipt codes, deadlines (5 or 15 working days are both in use)
COMPLAINT_MAX_ATTACHMENTS = _int("COMPLAINT_MAX_ATTACHMENTS", 5)
COMPLAINT_MAX_ATTACHMENT_BYTES = _int("COMPLAINT_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# warning-talk minutes (PDF, PNG/JPEG, docx/xlsx by content): bytes per file
MINUTES_MAX_BYTES = _int("MINUTES_MAX_BYTES", 10 * 1024 * 1024)
# uploaded images are refused above this many pixels, read from the header before decoding
# (issue 15: a 335 KB PNG of 9400×9400 cost 7.7 s and 1 GB); 40 MP holds any phone photo
MAX_IMAGE_PIXELS = _bounded("MAX_IMAGE_PIXELS", 40_000_000, 1_000_000, 200_000_000)
# tracking: wrong codes one client may give on one number before it (only it) is locked out
# of that number for TRACK_LOCK_MINUTES; wrong codes a number may get per hour from everyone
# before each further attempt on it needs a solved captcha (complaints.services.receipts)
TRACK_MAX_FAILURES = _bounded("TRACK_MAX_FAILURES", 5, 1, 100)
TRACK_LOCK_MINUTES = _bounded("TRACK_LOCK_MINUTES", 30, 1, 1440)
TRACK_NUMBER_FAILURES = _bounded("TRACK_NUMBER_FAILURES", 10, 1, 1000)
CASE_DEADLINE_WORKING_DAYS = _int("CASE_DEADLINE_WORKING_DAYS", 5)
CASE_DEADLINE_WORKING_DAYS_BY_CATEGORY = json.loads(
    os.environ.get("CASE_DEADLINE_WORKING_DAYS_BY_CATEGORY", "{}")
)
MONITOR_REPORT_REMINDER_DAY = _int("MONITOR_REPORT_REMINDER_DAY", 25)
OPEN311_ANONYMOUS_POST = os.environ.get("OPEN311_ANONYMOUS_POST", "0") == "1"

# complaints (added by the complaints app): text length (Open311 allows 4,000), receipt link
# lifetimes, and the share of intake marked urgent by keyword
COMPLAINT_TEXT_MAX_CHARS = _int("COMPLAINT_TEXT_MAX_CHARS", 4000)
TRACK_LINK_MINUTES = _int("TRACK_LINK_MINUTES", 30)
RECEIPT_RECOVERY_MINUTES = _int("RECEIPT_RECOVERY_MINUTES", 60)
CASE_EXTENSION_MAX_WORKING_DAYS = _int("CASE_EXTENSION_MAX_WORKING_DAYS", 10)
CASE_REOPEN_LIMIT = _int("CASE_REOPEN_LIMIT", 1)
# an urgent case is supervised (督办) at once on assignment, with this shorter deadline
CASE_URGENT_DEADLINE_WORKING_DAYS = _bounded("CASE_URGENT_DEADLINE_WORKING_DAYS", 2, 1, 30)
TRACK_RATE_LIMIT = os.environ.get("TRACK_RATE_LIMIT", "30/h")
RECOVER_RATE_LIMIT = os.environ.get("RECOVER_RATE_LIMIT", "10/h")

# evaluation (ratings): tickets, QR tokens, kiosks, phone codes, suspicious patterns
RATING_VOTER_RATE_LIMIT = os.environ.get("RATING_VOTER_RATE_LIMIT", "5/h")
# downloads of a rating's inclusion proof by its receipt code, per client (guessing bound)
RATING_PROOF_RATE_LIMIT = os.environ.get("RATING_PROOF_RATE_LIMIT", "30/h")
KIOSK_RATE_LIMIT = os.environ.get("KIOSK_RATE_LIMIT", "600/h")
KIOSK_RESET_SECONDS = _int("KIOSK_RESET_SECONDS", 6)
# 一次一评 at the kiosk: minutes an opened transaction can be rated; days a device link lives
KIOSK_TRANSACTION_MINUTES = _bounded("KIOSK_TRANSACTION_MINUTES", 10, 1, 120)
KIOSK_DEVICE_DAYS = _bounded("KIOSK_DEVICE_DAYS", 365, 1, 1095)
# transactions a clerk can open on one device per hour (a window serves a few people an
# hour; opening and rating in a loop is the clerk rating its own official)
KIOSK_TRANSACTIONS_PER_HOUR = _bounded("KIOSK_TRANSACTIONS_PER_HOUR", 30, 1, 600)
# Wuhan's SMS sampling (短信回访评价): share of service records invited, hours a reply counts
SMS_SAMPLING_RATE = _float("SMS_SAMPLING_RATE", 0.1)
if not 0.0 <= SMS_SAMPLING_RATE <= 1.0:
    raise ValueError(f"SMS_SAMPLING_RATE={SMS_SAMPLING_RATE}: must be between 0 and 1")
SMS_INVITATION_HOURS = _bounded("SMS_INVITATION_HOURS", 72, 1, 720)
# days an imported service record keeps its citizen's (encrypted) phone: it is needed only to
# text the invitation; afterwards the record keeps its unit, official and time, never the phone
SERVICE_RECORD_PHONE_DAYS = _bounded("SERVICE_RECORD_PHONE_DAYS", 7, 1, 60)
# the SMS provider's inbound webhook signs each reply with this secret (HMAC-SHA256);
# empty = the webhook is switched off (/sms/inbound/ answers 404)
SMS_INBOUND_SECRET = os.environ.get("SMS_INBOUND_SECRET", "")
RATING_TICKET_HOURS = _int("RATING_TICKET_HOURS", 24)
QR_TOKEN_MAX_DAYS = _int("QR_TOKEN_MAX_DAYS", 730)
PHONE_CODE_TTL_SECONDS = _int("PHONE_CODE_TTL_SECONDS", 300)
PHONE_CODE_RATE_LIMIT = os.environ.get("PHONE_CODE_RATE_LIMIT", "5/h")
# codes sent to one phone per hour, whatever address asks (SMS cost, guesses per phone)
PHONE_CODE_SENDS_PER_PHONE = _bounded("PHONE_CODE_SENDS_PER_PHONE", 3, 1, 100)
# wrong SMS codes per phone (from any address) before the code is deleted; a new one is needed
PHONE_CODE_MAX_FAILURES = _int("PHONE_CODE_MAX_FAILURES", 5)
# Voter keys (portal/evaluation/voters.py): the stored key of the monthly limit is a keyed hash
# of (official, month, slot, voter) cut to this many bits, so that even with every key known
# it names no fewer than RATING_VOTER_K_MIN of RATING_PHONE_SPACE mobile numbers. 1.6e9 is
# about the mobile numbers in use in China (the conservative count; every 1[3-9]x number is
# 7e9). 23 bits: 1.6e9 / 2**23 = 191 numbers per key; refused at start-up when below the
# minimum. Measured in bench/voter_key_k.py.
RATING_VOTER_KEY_BITS = _int("RATING_VOTER_KEY_BITS", 23)
RATING_VOTER_K_MIN = _int("RATING_VOTER_K_MIN", 100)
RATING_PHONE_SPACE = _int("RATING_PHONE_SPACE", 1_600_000_000)
# the burst check's network key (per official and day): 16 bits = 256 /24 networks per value
RATING_NETWORK_KEY_BITS = _int("RATING_NETWORK_KEY_BITS", 16)
# the rated unit's own view (unit_ratings.py): closed days only, in batches of at least this
# many ratings, over the last RATING_UNIT_VIEW_DAYS days
RATING_UNIT_MIN_BATCH = _int("RATING_UNIT_MIN_BATCH", 5)
RATING_UNIT_VIEW_DAYS = _int("RATING_UNIT_VIEW_DAYS", 92)
SUSPICIOUS_BURST_COUNT = _int("SUSPICIOUS_BURST_COUNT", 5)  # same network, one official, a day
SUSPICIOUS_BURST_HOURS = _int("SUSPICIOUS_BURST_HOURS", 24)
SUSPICIOUS_GOOD_RUN = _int("SUSPICIOUS_GOOD_RUN", 30)  # good ratings in one day vs usual

# search: totals and facet counts stop at this many matches (shown as "1000+"); exact counts
# over frequent words cost 200–400 ms when measured here (DESIGN.md, "Chinese text")
SEARCH_TOTAL_CAP = _int("SEARCH_TOTAL_CAP", 1000)
# PostgreSQL: a word the statistics put in at least 2 × (cap + 1) of this many rows is
# counted by scanning them before (not instead of) the GIN index
SEARCH_COUNT_WINDOW = _int("SEARCH_COUNT_WINDOW", 30000)
SEARCH_MAX_PER_PAGE = _int("SEARCH_MAX_PER_PAGE", 50)
SEARCH_SNIPPET_CHARS = _int("SEARCH_SNIPPET_CHARS", 120)
SEARCH_ES_TIMEOUT = _int("SEARCH_ES_TIMEOUT", 5)
SEARCH_ES_RETRY_SECONDS = _int("SEARCH_ES_RETRY_SECONDS", 30)

# staff sign-in throttling (portal/core/throttle.py): attempts per client network (/24, /64) and per
# username from that network (never per username alone), whichever runs out first
SIGN_IN_RATE_LIMIT_NETWORK = os.environ.get("SIGN_IN_RATE_LIMIT_NETWORK", "30/h")
SIGN_IN_RATE_LIMIT_USERNAME = os.environ.get("SIGN_IN_RATE_LIMIT_USERNAME", "10/h")

# receipt codes: PBKDF2 rounds (see complaints.services.receipts.receipt_hash_make for why)
RECEIPT_HASH_ITERATIONS = _int("RECEIPT_HASH_ITERATIONS", 100_000)

# publication and statistics
RESULTS_PER_PAGE = _int("RESULTS_PER_PAGE", 20)
# the roster (/officials/): officials per page, grouped by unit (30: under three phone screens
# with long posts, tests/browser/test_roster_browser.py)
ROSTER_PER_PAGE = _int("ROSTER_PER_PAGE", 30)
STATS_CACHE_SECONDS = _int("STATS_CACHE_SECONDS", 600)
STATS_TREND_MONTHS = _int("STATS_TREND_MONTHS", 12)

# Privacy of the rate-limit store (portal.core.ratelimit, issue 14): every counter key is an
# HMAC with a random secret that lives only in the cache and is replaced every
# RATELIMIT_SECRET_SECONDS (a day: the longest limit window), truncated to RATELIMIT_KEY_BITS
RATELIMIT_SECRET_SECONDS = _bounded("RATELIMIT_SECRET_SECONDS", 86400, 3600, 7 * 86400)
RATELIMIT_KEY_BITS = _bounded("RATELIMIT_KEY_BITS", 64, 32, 128, multiple_of=4)
# Back-office sign-ins last 8 hours (a working day), not Django's 14 days
STAFF_SESSION_SECONDS = _bounded("STAFF_SESSION_SECONDS", 8 * 3600, 300, 86400)
