"""Search benchmark: index build time and query latency against a naive icontains scan.

    .venv/bin/python bench/search_bench.py --entries 100000 [--queries 300] [--json] [--keep]

Runs in a throwaway test database beside DATABASE_URL's, never on real data.
What it measures and the figures: docs/benchmarks.md#search.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

import django

PRODUCTS = [
    ("mobile-platform", "移动管理平台"),
    ("meeting-sdk", "会议 SDK"),
    ("mail-gateway", "邮件网关"),
    ("vpn-client", "VPN 客户端"),
    ("file-sync", "文件同步"),
]
TAGS = [
    "登录",
    "证书",
    "iOS",
    "Android",
    "MDM",
    "网络",
    "推送",
    "下载",
    "二维码",
    "DNS",
    "IM",
    "权限",
    "设备绑定",
    "错误码",
    "配置",
    "防火墙",
    "代理",
    "SSO",
    "日志",
    "升级",
]
SUBJECTS = [
    "客户端",
    "iOS客户端",
    "安卓客户端",
    "管理端",
    "服务端",
    "SDK",
    "网关",
    "同步服务",
    "推送服务",
    "IM服务器",
    "MDM模块",
    "浏览器",
    "后台",
    "会议室终端",
    "邮件服务",
]
SYMPTOMS = [
    "登录失败",
    "连接超时",
    "一直提示连接中",
    "下载失败",
    "证书安装失败",
    "无法定位",
    "推送没有声音",
    "扫码后没有反应",
    "提示没有权限",
    "闪退",
    "白屏",
    "同步很慢",
    "网络测试不通",
    "提示未受信任",
    "无法解绑设备",
    "收不到消息",
    "页面打不开",
    "报错",
]
CONDITIONS = [
    "扫描二维码的时候",
    "切换账号以后",
    "升级新版本后",
    "首次安装后",
    "连接公司WiFi时",
    "使用代理软件时",
    "开启VPN以后",
    "重启服务器后",
    "更换证书以后",
    "配置DNS之后",
]
CAUSES = [
    "外网地址和端口没有配置",
    "DNS配置不正确",
    "证书不受信任",
    "防火墙拦截了端口",
    "sdktoken已过期",
    "服务进程异常退出",
    "账号已在其他设备登录",
    "描述文件没有安装",
    "代理软件切换导致网络中断",
    "接入服务没有映射端口",
]
FIXES = [
    "在管控平台填写正确的外网地址和端口",
    "在管理端配置正确的DNS",
    "重新申请受信任的SSL证书",
    "在防火墙放通 TCP 443 和 8080 端口",
    "调用 refreshSDKToken 刷新后重新登录",
    "查看 bcs-run.log 日志并重启服务",
    "先调用 logout 再登录新账号",
    "重新安装 MDM 描述文件",
    "退出代理软件后重启客户端",
    "检查接入服务并映射端口",
]
CONSTANT_WORDS = [
    "Token",
    "Verify",
    "Failed",
    "Login",
    "Net",
    "Error",
    "Account",
    "Already",
    "Invalid",
    "Auth",
    "Code",
    "Timeout",
    "Certificate",
    "Push",
    "Device",
    "Bound",
]
QUERY_WORDS = [
    "登录失败",
    "连接超时",
    "证书安装失败",
    "扫码 下载失败",
    "推送没有声音",
    "提示没有权限",
    "网络测试不通",
    "sdktoken过期",
    "防火墙 端口",
    "iOS 证书 未受信任",
    "同步很慢",
    "login timeout",
    "certificate install failed",
    "登陸失敗",
    "客戶端連接超時",
]


def constant_name(rng: random.Random) -> str:
    return "kTM" + "".join(rng.sample(CONSTANT_WORDS, 3))


def generate(n: int, seed: int = 7):
    """Create N entries (about 85% issues with their parts, 15% error codes) in bulk."""
    from issues.codes import normalize_code, unsigned_code
    from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom, Tag

    rng = random.Random(seed)
    products = [Product.objects.create(slug=s, name=name) for s, name in PRODUCTS]
    tags = [Tag.objects.create(slug=f"t{i}", name=name) for i, name in enumerate(TAGS)]
    n_codes = max(1, n * 15 // 100)
    n_issues = n - n_codes
    codes = []
    for i in range(n_codes):
        product = products[i % len(products)]
        code = str(-(1000 + i // len(products))) if i % 3 else str(2000 + i // len(products))
        normalized = normalize_code(code)
        codes.append(
            ErrorCode(
                product=product,
                code=code,
                normalized_code=normalized,
                unsigned_code=unsigned_code(normalized),
                constant=constant_name(rng) + str(i),
                description=f"{rng.choice(SUBJECTS)}{rng.choice(SYMPTOMS)}，{rng.choice(CAUSES)}",
                callbacks="onLogin()",
                network_relation=rng.choice(["network", "non_network", "both", ""]),
                fix=rng.choice(FIXES),
            )
        )
    ErrorCode.objects.bulk_create(codes, batch_size=2000)
    batch = 2000
    for start in range(0, n_issues, batch):
        issues = []
        for i in range(start, min(start + batch, n_issues)):
            subject, symptom = rng.choice(SUBJECTS), rng.choice(SYMPTOMS)
            issues.append(
                Issue(
                    product=products[i % len(products)],
                    slug=f"bench-{i}",
                    title=f"{subject}{rng.choice(CONDITIONS)}{symptom}（#{i}）",
                    summary=f"{subject}{symptom}，常见原因是{rng.choice(CAUSES)}。",
                    status="published",
                    visibility="public" if i % 10 else "internal",
                )
            )
        issues = Issue.objects.bulk_create(issues)
        parts_s, parts_c, parts_f, tag_links, code_links = [], [], [], [], []
        for issue in issues:
            for position in (1, 2):
                text = f"{rng.choice(CONDITIONS)}{rng.choice(SUBJECTS)}{rng.choice(SYMPTOMS)}"
                parts_s.append(Symptom(issue=issue, text=text, position=position))
            parts_c.append(Cause(issue=issue, text=rng.choice(CAUSES)))
            parts_f.append(Fix(issue=issue, body=f"1. {rng.choice(FIXES)}\n2. {rng.choice(FIXES)}"))
            for tag in rng.sample(tags, 2):
                tag_links.append(Issue.tags.through(issue_id=issue.pk, tag_id=tag.pk))
            if rng.random() < 0.3:
                code = rng.choice(codes)
                code_links.append(ErrorCode.issues.through(errorcode_id=code.pk, issue_id=issue.pk))
        Symptom.objects.bulk_create(parts_s)
        Cause.objects.bulk_create(parts_c)
        Fix.objects.bulk_create(parts_f)
        Issue.tags.through.objects.bulk_create(tag_links)
        ErrorCode.issues.through.objects.bulk_create(code_links, ignore_conflicts=True)
        print(f"\rgenerated {start + len(issues)}/{n_issues} issues", end="", file=sys.stderr)
    print(f"\rgenerated {n_issues} issues and {n_codes} error codes", file=sys.stderr)
    return codes


def query_mix(codes, count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    queries = []
    for i in range(count):
        kind = i % 6
        code = rng.choice(codes)
        if kind == 0:
            queries.append(rng.choice([code.code, f"错误码{code.code}", f"error {code.code}"]))
        elif kind == 1:
            queries.append(code.constant if rng.random() < 0.5 else code.constant.lower())
        elif kind == 2:
            queries.append(f"{rng.choice(SUBJECTS)}{rng.choice(SYMPTOMS)}")
        elif kind == 3:
            queries.append(f"{rng.choice(CONDITIONS)}{rng.choice(SYMPTOMS)}")
        elif kind == 4:
            queries.append(rng.choice(QUERY_WORDS))
        else:
            queries.append(f"{rng.choice(['登录报错', '提示'])}{code.code.lstrip('-')}")
    return queries


def timed(fn, queries) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


RESULT_LIMIT = 10


def naive_search(query: str):
    """The baseline: what a first version would do, icontains over the same text the
    index holds (title, summary, symptoms, causes, fixes; code, constant, description,
    callbacks, fix), for the same reader (anonymous) and the same number of results."""
    from django.db.models import Q

    from issues.models import ErrorCode, Issue

    issues = list(
        Issue.objects.filter(status="published", visibility="public")
        .filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(symptoms__text__icontains=query)
            | Q(causes__text__icontains=query)
            | Q(fixes__body__icontains=query)
        )
        .distinct()[:RESULT_LIMIT]
    )
    codes = list(
        ErrorCode.objects.filter(
            Q(code__icontains=query)
            | Q(constant__icontains=query)
            | Q(description__icontains=query)
            | Q(callbacks__icontains=query)
            | Q(fix__icontains=query)
        )[:RESULT_LIMIT]
    )
    return (issues + codes)[:RESULT_LIMIT]


def exhaustive_scores(query: str, user) -> dict[int, float]:
    """Entry id → kbsite's own score when its ranker scores EVERY entry holding any of
    the query's tokens (and the codes it names), not only the candidates the database
    hands it: the reference that rank-safe candidate selection must meet."""
    from issues.search import query as q
    from issues.search.backends import get_backend
    from issues.search.models import SearchEntry

    analyzed = q._analyze(query)
    tokens = list({*analyzed.tokens, *q._term_tokens(analyzed.core)})
    counts, total = q.search_terms.frequencies(tokens)
    backend = get_backend()
    everything = (
        backend._matching(*backend.any_of(tokens), public_only=True, restrict=None, limit=10**9)
        if tokens
        else []
    )
    base = SearchEntry.objects.all().visible_to(user)
    loaded = q._load(analyzed, everything, base)
    measured = q._measure(analyzed, loaded, counts, total)
    ranked = q._rank(
        analyzed,
        measured,
        q._known_terms(measured),
        min_share=q.weights.MIN_TERM_SHARE,
        limit=RESULT_LIMIT,
    )
    return {m.entry_id: m.score for m in ranked}


def best_of(scores: dict[int, float]) -> set[int]:
    """The ids sharing the top score (ties are all 'the best')."""
    top = max(scores.values(), default=None)
    return {pk for pk, value in scores.items() if value >= top - 1e-9} if scores else set()


def agreement(queries, served_tops, references):
    """How many queries' served top-1 is an exhaustive best; the misses, for reading."""
    agreed, misses = 0, []
    for query, top, scores in zip(queries, served_tops, references, strict=True):
        best = best_of(scores)
        if (top is None and not best) or top in best:
            agreed += 1
        else:
            misses.append((query, top, scores.get(top), sorted(best)[:3], scores.get(min(best))))
    return agreed, misses


class TantivyPeer:
    """The same entries in Tantivy: the same analyzed tokens per field (whitespace
    tokenizer over kbsite's analyzer output), the same field boosts as kbsite's BM25F
    (weights.FIELD_WEIGHTS), the same query tokens, the same visibility (public only)."""

    def __init__(self, directory: str):
        import tantivy

        from issues.search.backends.base import FIELDS

        self.tantivy, self.fields, self.directory = tantivy, FIELDS, directory
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("entry", stored=True, indexed=True, fast=True)
        builder.add_integer_field("public", indexed=True)
        for name in FIELDS:
            builder.add_text_field(name, tokenizer_name="whitespace")
        self.index = tantivy.Index(builder.build(), path=directory)

    def build(self) -> float:
        from issues.search.models import SearchEntry

        started = time.perf_counter()
        writer = self.index.writer(heap_size=200_000_000, num_threads=2)
        columns = ("title_tokens", "symptom_tokens", "code_tokens", "body_tokens", "meta_tokens")
        rows = SearchEntry.objects.values_list("pk", "is_public", *columns).iterator(4000)
        for pk, is_public, *texts in rows:
            document = self.tantivy.Document(entry=pk, public=int(is_public))
            for name, text in zip(self.fields, texts, strict=True):
                document.add_text(name, text)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return time.perf_counter() - started

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in Path(self.directory).rglob("*") if f.is_file())

    def search(self, query: str) -> int | None:
        """Analysis (kbsite's analyzer, as kbsite does) plus Tantivy's BM25 over the
        boosted fields; the top entry id."""
        from issues.search import query as q
        from issues.search import weights

        t = self.tantivy
        tokens = q._analyze(query).tokens
        if not tokens:
            return None
        should = [
            (
                t.Occur.Should,
                t.Query.boost_query(
                    t.Query.term_query(self.index.schema, name, token),
                    weights.FIELD_WEIGHTS[name],
                ),
            )
            for token in tokens
            for name in self.fields
        ]
        text = t.Query.boolean_query(should)
        public = t.Query.term_query(self.index.schema, "public", 1)
        wanted = t.Query.boolean_query([(t.Occur.Must, text), (t.Occur.Must, public)])
        hits = self.searcher.search(wanted, RESULT_LIMIT).hits
        if not hits:
            return None
        return self.searcher.doc(hits[0][1])["entry"][0]


def kbsite_index_bytes() -> str:
    """The search index's size on disk as the database reports it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
            return f"{cursor.fetchone()[0] / 1e6:.1f} MB (entries table with tsvectors and GIN)"
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%' "
                "OR name LIKE 'search_searchentry%'"
            )
            return f"{cursor.fetchone()[0] / 1e6:.1f} MB (FTS5 tables + entries table)"
        except Exception:  # dbstat is optional in SQLite builds
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return f"{pages * cursor.fetchone()[0] / 1e6:.1f} MB (whole database file)"


def run_tantivy_peer(queries, served, references) -> dict:
    with tempfile.TemporaryDirectory(prefix="kbsite_tantivy_") as directory:
        peer = TantivyPeer(directory)
        build_s = peer.build()
        size = peer.size_bytes()
        peer.search(queries[0])
        tops: list = []
        latencies = timed(lambda q: tops.append(peer.search(q)), queries)
    same = kbsite_better = tantivy_better = 0
    worse = []
    for query, ours, theirs, scores in zip(queries, served, tops, references, strict=True):
        mine, other = scores.get(ours, 0.0), scores.get(theirs, 0.0)
        if ours == theirs or abs(mine - other) < 1e-9:
            same += 1
        elif mine > other:
            kbsite_better += 1
        else:
            tantivy_better += 1
            worse.append((query, ours, round(mine, 1), theirs, round(other, 1)))
    return {
        "build_s": build_s,
        "size_mb": size / 1e6,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "same": same,
        "kbsite_better": kbsite_better,
        "tantivy_better": tantivy_better,
        "worse": worse,
        "queries": len(queries),
    }


def print_peer(peer: dict, ours: dict) -> None:
    print("--- side by side with Tantivy (same tokens, same field boosts, same queries)")
    print(
        f"kbsite   p50 {ours['p50_ms']:.2f} ms  p95 {ours['p95_ms']:.2f} ms  "
        f"p99 {ours['p99_ms']:.2f} ms  (analysis, candidates, re-rank, snippets)"
    )
    print(
        f"tantivy  p50 {peer['p50_ms']:.2f} ms  p95 {peer['p95_ms']:.2f} ms  "
        f"p99 {peer['p99_ms']:.2f} ms  (analysis, BM25 top 10, no snippets)"
    )
    print(
        f"tantivy  build {peer['build_s']:.2f} s from kbsite's analyzed tokens "
        f"(no analysis), index {peer['size_mb']:.1f} MB"
    )
    n = peer["queries"]
    print(
        f"top-1 judged by kbsite's ranker: as good {peer['same']}/{n}, "
        f"kbsite better {peer['kbsite_better']}, tantivy better {peer['tantivy_better']} "
        f"-> kbsite as good or better in {100 * (n - peer['tantivy_better']) / n:.1f}%"
    )
    for query, ours_id, mine, theirs, other in peer["worse"][:10]:
        print(f"  tantivy better: {query!r} kbsite {ours_id} ({mine}) tantivy {theirs} ({other})")


def timed_rebuild(entries: int, workers: int, label: str) -> None:
    """One rebuild's wall time and CPU time: this process's, its analysing workers' and,
    on PostgreSQL, its server process's (on a shared machine the CPU time moves less with
    the load than the wall time). DEBUG off, as in production: the debug cursor logs every
    statement and, on SQLite, quotes every bulk parameter again."""
    from django.db import connection
    from django.test.utils import override_settings

    from issues.search.index import rebuild

    def server_cpu() -> float | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        try:  # the server runs on this machine (the bench's database is local)
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    load_before = os.getloadavg()
    server_before = server_cpu()
    started, cpu = time.perf_counter(), os.times()
    with override_settings(DEBUG=False):
        rebuild(workers=workers)
    wall, after = time.perf_counter() - started, os.times()
    server_after = server_cpu()
    parent = after.user + after.system - cpu.user - cpu.system
    children = after.children_user + after.children_system - cpu.children_user - cpu.children_system
    server = (
        f" + {server_after - server_before:.1f} s in the database server"
        if server_before is not None and server_after is not None
        else ""
    )
    print(
        f"{label} of {entries} entries, {workers} analysing process(es): {wall:.1f} s wall, "
        f"CPU {parent:.1f} s here + {children:.1f} s in workers{server}, load average "
        f"{load_before[0]:.2f} before, {' '.join(f'{x:.2f}' for x in os.getloadavg())} after"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--naive-queries", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--rebuild-workers",
        type=int,
        metavar="N",
        help="time a rebuild analysing in N processes (1: serial), wall and CPU, and stop "
        "(with --keep: of the kept database, or its first build)",
    )
    parser.add_argument(
        "--peer", choices=["tantivy"], help="run the same queries on the same tokens in Tantivy"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the benchmark database and reuse it when --entries matches",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="write a pyinstrument HTML profile of the searches"
    )
    args = parser.parse_args()

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":  # a real file, like production, not :memory:
        if args.keep:
            scratch = str(
                Path(tempfile.gettempdir()) / f"kbsite_search_bench_{args.entries}.sqlite3"
            )
        else:
            handle, scratch = tempfile.mkstemp(suffix=".sqlite3")
            os.close(handle)
        db.setdefault("TEST", {})["NAME"] = scratch
    elif args.keep:
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_bench_{args.entries}"
    # serialize=False: no test here rolls back to a snapshot, and on a kept database
    # the snapshot would read every row (a minute at 100k entries) before measuring.
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False
    )
    try:
        from issues.models import ErrorCode
        from issues.search.index import rebuild
        from issues.search.models import SearchEntry
        from issues.search.query import search

        generate_s = build_s = None
        if args.keep and SearchEntry.objects.count() == args.entries:
            codes = list(ErrorCode.objects.order_by("pk"))
            print(f"reusing the kept database ({args.entries} entries)", file=sys.stderr)
            if args.rebuild_workers:
                timed_rebuild(args.entries, args.rebuild_workers, "rebuild")
                return
        else:
            if args.keep:  # a half-built or different-size leftover: start again
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
                connection.creation.create_test_db(
                    verbosity=0, autoclobber=True, keepdb=False, serialize=False
                )
            started = time.perf_counter()
            codes = generate(args.entries)
            generate_s = time.perf_counter() - started

            if args.rebuild_workers:  # time the first build, keep it, and stop
                timed_rebuild(args.entries, args.rebuild_workers, "fresh build")
                return
            started = time.perf_counter()

            def progress(label, done, total):
                print(f"\rindexing {label}: {done}/{total}", end="", file=sys.stderr)

            rebuild(progress=progress, batch_size=1000)
            build_s = time.perf_counter() - started
            print(file=sys.stderr)
            if connection.vendor == "postgresql":
                # What autovacuum does soon after a bulk change in production: the
                # rebuild leaves a dead row version per entry and a GIN pending list
                # that every query would otherwise read.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")

        queries = query_mix(codes, args.queries)
        user = AnonymousUser()
        search(queries[0], user=user)  # warm up: jieba and OpenCC load once per process
        if args.profile:
            from pyinstrument import Profiler

            with Profiler() as profiler:
                latencies = timed(lambda q: search(q, user=user, limit=RESULT_LIMIT), queries)
            Path(args.profile).write_text(profiler.output_html())
            print(profiler.output_text(show_all=False), file=sys.stderr)
        else:
            latencies = timed(lambda q: search(q, user=user, limit=RESULT_LIMIT), queries)
        naive = timed(naive_search, queries[: args.naive_queries])

        def served_top(query):
            results = search(query, user=user, limit=RESULT_LIMIT).results
            return results[0].entry.pk if results else None

        served = [served_top(query) for query in queries]
        started = time.perf_counter()
        # The mix repeats queries: each distinct one is re-ranked exhaustively once.
        distinct = {query: exhaustive_scores(query, user) for query in dict.fromkeys(queries)}
        references = [distinct[query] for query in queries]
        exhaustive_s = time.perf_counter() - started
        agreed, misses = agreement(queries, served, references)
        peer = None
        if args.peer == "tantivy":
            peer = run_tantivy_peer(queries, served, references)
        index_size = kbsite_index_bytes()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep)

    result = {
        "database": connection.vendor,
        "entries": args.entries,
        "build_s": round(build_s, 2) if build_s is not None else None,
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "naive_p95_ms": round(percentile(naive, 95), 2),
        "top1_agreement_pct": round(100 * agreed / len(queries), 2),
    }
    print(f"database            {connection.vendor}")
    print(f"load average        {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if build_s is None:
        print(f"entries             {args.entries} (kept database reused, no build)")
    else:
        print(f"entries             {args.entries} (generated in {generate_s:.1f}s)")
        print(f"index build         {build_s:.2f} s")
    print(
        f"search ({len(queries)} q)    p50 {result['p50_ms']:.2f} ms  "
        f"p95 {result['p95_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms"
    )
    print(
        f"naive ({len(naive)} q)      p50 {percentile(naive, 50):.2f} ms  "
        f"p95 {result['naive_p95_ms']:.2f} ms"
    )
    print(f"speed-up at p95     {result['naive_p95_ms'] / max(result['p95_ms'], 1e-9):.1f}x")
    print(
        f"top-1 = exhaustive  {agreed}/{len(queries)} ({result['top1_agreement_pct']:.1f}%), "
        f"exhaustive re-rank of every matching entry took {exhaustive_s:.0f} s"
    )
    for query, top, top_score, best, best_score in misses[:10]:
        print(f"  missed: {query!r} served {top} ({top_score}), best {best} ({best_score})")
    print(f"kbsite index size   {index_size}")
    if peer:
        print_peer(peer, result)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
