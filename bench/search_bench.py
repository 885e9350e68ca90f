"""Search benchmark: N synthetic published outcomes in PostgreSQL, p50/p95 latency per query kind.

    .venv/bin/python bench/search_bench.py            # 1,000,000 documents (the target)
    .venv/bin/python bench/search_bench.py --n 200000 # a smaller run
    .venv/bin/python bench/search_bench.py --keep     # keep the database, then measure it
    .venv/bin/python bench/search_bench.py --reuse    #   again without loading (add --keep)

It creates its own database (portal_bench_search), migrates only the search app, loads the
documents with COPY (segmented with the same jieba code as the backend), then times for 1-, 2-,
3-character and multi-word queries:
  api        search.api.search(): the page of 20 hits, highlighted, with the capped total
  api+facets the same with two facet counts (what /results/ asks for)
  bare SQL   the first 20 ids the same GIN index gives (no order, no count): the floor
and drops the database at the end (--keep to keep it). Goal: api p95 <= 100 ms.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLACES = [
    "幸福小区",
    "城南街道",
    "县人民医院",
    "火车站广场",
    "新华路",
    "工业园区",
    "第一中学",
    "农贸市场",
    "城北社区",
    "滨江公园",
    "建设路",
    "汽车站",
    "南门菜市场",
    "东山村",
    "莲花镇",
    "政务服务中心",
    "人民广场",
    "开发区",
    "老城区",
    "西湖路",
]
PROBLEMS = [
    "路灯不亮已经一周",
    "夜间施工噪音扰民",
    "窗口工作人员态度差",
    "办事效率低推诿扯皮",
    "乱收费问题突出",
    "违章建筑占道经营",
    "停车场收费不合理",
    "垃圾清运不及时",
    "供水管道破裂漏水",
    "道路坑洼积水严重",
    "物业服务不到位",
    "医保报销手续繁琐",
    "不动产登记办理缓慢",
    "公交站台缺少遮雨棚",
    "餐饮油烟扰民",
    "学校周边交通拥堵",
    "小区电梯经常故障",
    "农民工工资拖欠",
    "营业执照审批超时",
    "社保卡补办要求重复提交材料",
    "广场舞音响声音大",
    "井盖缺失存在安全隐患",
    "下水道堵塞污水外溢",
    "违规收取押金",
    "门难进脸难看事难办",
    "工作人员上班时间玩手机",
    "吃拿卡要现象",
    "执法人员不作为",
    "供暖温度不达标",
    "燃气管道老化",
]
ANSWERS = [
    "经核查情况属实，已责令限期整改",
    "承办部门已派人现场处理，问题已解决",
    "已约谈相关责任人，给予效能告诫",
    "经调查反映问题部分属实，已督促整改到位",
    "已下发预警告知函，要求五个工作日内整改",
    "已对责任人诫勉谈话",
    "经回访群众表示满意",
    "问题已纳入年度计划，将于下月完成维修",
    "已移交纪检监察机关立案调查",
    "经核实不属于本单位职责，已告知应向住建局反映",
]
# mid-frequency (each in about 0.5 % of documents) and rare (about 0.05 %) problems, so that
# both query plans are measured: few matches (under the cap) and many
MID = [
    "电动车充电桩损坏",
    "楼道堆放杂物",
    "共享单车乱停放",
    "健身器材损坏",
    "消防通道被占用",
    "宠物扰民",
    "快递柜收费",
    "校外培训退费难",
    "二手房过户难",
    "路边摊贩占道",
]
RARE = [
    "古树名木被砍伐",
    "文物保护单位被破坏",
    "非法采砂",
    "地下室渗水发霉",
    "桥梁护栏松动",
    "红绿灯时间过短",
    "无障碍通道缺失",
    "公厕无人保洁",
    "河道漂浮垃圾",
    "养殖场异味",
]
DEPARTMENTS = [
    f"{name}"
    for name in (
        "县城管局",
        "县住建局",
        "县交通运输局",
        "县市场监管局",
        "县人社局",
        "县医保局",
        "县自然资源局",
        "县生态环境局",
        "县教育局",
        "县卫健委",
        "县公安局",
        "县水务局",
        "县民政局",
        "县商务局",
        "县农业农村局",
        "县政务服务中心",
        "县供电公司",
        "县燃气公司",
        "县税务局",
        "县文旅局",
    )
]
QUERIES = {
    "1 char": ["差", "低", "大", "灯"],
    "2 chars": ["路灯", "噪音", "推诿", "押金", "问题", "宠物", "古树", "采砂"],
    "3 chars": ["乱收费", "不作为", "停车场", "遮雨棚", "充电桩", "红绿灯", "快递柜"],
    "multi-word": [
        "路灯不亮",
        "噪音扰民",
        "态度 差",
        "办事效率低",
        "供水管道破裂漏水",
        "消防通道被占用",
        "古树名木被砍伐",
        "河道 垃圾",
    ],
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="documents (default 1,000,000)")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL",
    )
    parser.add_argument("--db", default="portal_bench_search")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database kept by --keep instead of loading a new one",
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def admin(server, sql):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django(server, db):
    os.environ["DATABASE_URL"] = f"{server}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "search", verbosity=0)


def register_doc_type():
    from search import api
    from search.documents import DocType

    api.register(
        DocType(
            name="outcome",
            text_fields=("title", "summary", "answer", "department"),
            facet_fields=("department", "year"),
            date_field="closed_at",
            load=lambda ids: iter(()),
        )
    )


class Segmenter:
    """The backend's own index_tokens, memoised per clause: jieba cuts at punctuation, so a
    text's words are its clauses' words (same result as segment.index_text, much faster)."""

    def __init__(self):
        from search.segment import index_tokens

        self.index_tokens = index_tokens
        self.cache = {}

    def clause(self, text):
        if text not in self.cache:
            from search.segment import tokens

            words = tokens(text)
            self.cache[text] = (words, self.index_tokens(text)[len(words) :])
        return self.cache[text]

    def __call__(self, clauses):
        from search.segment import word_pairs

        words, extra = [], []
        for text in clauses:
            w, e = self.clause(text)
            words += w
            extra += e
        return " ".join(words + extra + word_pairs(words))


def rows(n, seed):
    import json

    rng = random.Random(seed)
    seg = Segmenter()
    start = datetime(2020, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    for i in range(1, n + 1):
        place, problem = rng.choice(PLACES), rng.choice(PROBLEMS)
        extra = rng.sample(PROBLEMS, 2)
        roll = rng.random()
        if roll < 0.05:
            extra[1] = rng.choice(MID)
        elif roll < 0.055:
            extra[1] = rng.choice(RARE)
        answer = rng.choice(ANSWERS)
        dept = rng.choice(DEPARTMENTS)
        closed = start + timedelta(minutes=rng.randrange(60 * 24 * 365 * 6))
        title = f"{place}{problem}"
        summary = f"{place}{rng.randrange(1, 40)}号楼，{problem}，{extra[0]}，{extra[1]}。"
        segmented = seg(
            [place, problem, f"{rng.randrange(1, 40)}号楼", problem, *extra, answer, dept]
        )
        data = {
            "title": title,
            "summary": summary,
            "answer": answer,
            "department": dept,
            "year": closed.year,
            "closed_at": closed.isoformat(),
            "url": f"/results/{i}/",
        }
        yield (
            "outcome",
            str(i),
            title,
            f"{summary}\n{answer}\n{dept}",
            segmented,
            json.dumps({"department": dept, "year": str(closed.year)}, ensure_ascii=False),
            json.dumps(data, ensure_ascii=False),
            closed,
            now,
        )


def load(n, seed):
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_doc_vector")
        cursor.execute("DROP INDEX IF EXISTS search_doc_recent")
        columns = "doc_type, doc_id, title, body, segmented, facets, data, published_at, updated_at"
        with cursor.cursor.copy(f"COPY search_searchdocument ({columns}) FROM STDIN") as copy:
            for i, row in enumerate(rows(n, seed), 1):
                copy.write_row(row)
                if i % 100_000 == 0:
                    print(
                        f"  loaded {i:,} documents ({time.perf_counter() - t0:.0f} s)", flush=True
                    )
        t1 = time.perf_counter()
        cursor.execute(
            "CREATE INDEX search_doc_vector ON search_searchdocument USING GIN (search_vector)"
        )
        cursor.execute(
            "CREATE INDEX search_doc_recent ON search_searchdocument (doc_type, published_at, id)"
        )
        cursor.execute("VACUUM ANALYZE search_searchdocument")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('search_doc_vector'))")
        gin_size = cursor.fetchone()[0]
    t2 = time.perf_counter()
    print(
        f"loaded {n:,} documents in {t1 - t0:.0f} s, indexes built in {t2 - t1:.0f} s "
        f"(GIN index {gin_size})"
    )


def timed(func, repeat):
    func()  # warm-up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        func()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(repeat):
    from django.db import connection

    from search import api
    from search.segment import parse_query

    print(
        f"\n{'query kind':<11} {'api p50':>8} {'api p95':>8} {'+facets p50':>12} "
        f"{'+facets p95':>12} {'SQL p50':>8} {'SQL p95':>8}  totals"
    )
    worst = 0.0
    for kind, queries in QUERIES.items():
        api_ms, facet_ms, sql_ms, totals, slowest = [], [], [], [], []
        for q in queries:
            phrases = parse_query(q)
            match = api.backend().match(phrases)
            sql = (
                "SELECT id FROM search_searchdocument WHERE doc_type = 'outcome' AND "
                f"{match.sql} LIMIT 20"
            )
            params = list(match.params)

            def bare(sql=sql, params=params):
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    cursor.fetchall()

            one = timed(lambda q=q: api.search("outcome", q), repeat)
            api_ms += one
            slowest.append((pct(one, 95), q))
            facet_ms += timed(
                lambda q=q: api.search("outcome", q, facets=("department", "year")), repeat
            )
            sql_ms += timed(bare, repeat)
            totals.append(f"{q}={api.search('outcome', q).total_display}")
        worst = max(worst, pct(api_ms, 95))
        print(
            f"{kind:<11} {pct(api_ms, 50):8.1f} {pct(api_ms, 95):8.1f} "
            f"{pct(facet_ms, 50):12.1f} {pct(facet_ms, 95):12.1f} "
            f"{pct(sql_ms, 50):8.1f} {pct(sql_ms, 95):8.1f}  {' '.join(totals)}"
        )
        ms, q = max(slowest)
        print(f"{'':<11} slowest query {q!r}: api p95 {ms:.1f} ms")
    print(
        f"\nworst api p95: {worst:.1f} ms (goal <= 100 ms): {'met' if worst <= 100 else 'MISSED'}"
    )
    print("times in ms; totals are capped at SEARCH_TOTAL_CAP (shown with +)")


def main():
    args = parse_args()
    if not args.reuse:
        admin(args.server, f"DROP DATABASE IF EXISTS {args.db}")
        admin(args.server, f"CREATE DATABASE {args.db}")
    try:
        setup_django(args.server, args.db)
        register_doc_type()
        if args.reuse:
            from search.models import SearchDocument

            print(f"measuring {SearchDocument.objects.count():,} documents kept in {args.db}")
        else:
            print(f"loading {args.n:,} synthetic outcomes into {args.db} ...", flush=True)
            load(args.n, args.seed)
        measure(args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(args.server, f"DROP DATABASE IF EXISTS {args.db}")
            print(f"dropped {args.db}")


if __name__ == "__main__":
    main()
