#!/usr/bin/env python3
"""Times schemagate, squawk and the parser floor on the corpora of gen_corpus.py, and writes
the results as Markdown and JSON (python3 standard library only; bench/run.sh calls it).

Each program runs as a child of schemagate-bench-run (bench/run_child.cpp), its output going
to /dev/null: wait4 gives that child's own user and system CPU time and peak resident set
size (ru_maxrss), CLOCK_MONOTONIC its wall time. For every size, one warm-up run of each
program, then REPS rounds in which every program runs once, alternating (schemagate, squawk,
floors, then the other way round in the next round). Medians are reported.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

# Targets (issue 6).
SQUAWK_SPEEDUP = 3.0  # schemagate at least 3x faster than squawk, wall time
FLOOR_RATIO = 2.0  # schemagate within 2x of the bare parser, wall time
PEAK_RSS_MB = 64.0  # at 10,000 files
PRECOMMIT_MS = 10.0  # user+sys of `schemagate lint one.sql`
PEAK_RSS_SIZE = 10000


def log(msg: str) -> None:
    print(f"measure: {msg}", file=sys.stderr, flush=True)


class Failure(Exception):
    pass


RUNNER = ""  # schemagate-bench-run (bench/run_child.cpp), set by main()


def run(argv: list[str], ok: tuple[int, ...], stdout: str = os.devnull) -> dict:
    """Runs argv once through the runner; returns wall, user, sys (seconds), peak RSS (KiB)
    and the exit code, all of that child alone."""
    p = subprocess.run([RUNNER, "-o", stdout, "--"] + argv, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise Failure(f"{' '.join(argv)}: the runner failed\n{p.stderr[-4000:]}")
    r = json.loads(p.stdout)
    if r["code"] not in ok:
        raise Failure(f"{' '.join(argv)}: exit code {r['code']}\n{p.stderr[-4000:]}")
    r["cpu"] = r["user"] + r["sys"]
    r["rss_kb"] = r.pop("maxrss_kb")
    return r


def median(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def summary(samples: list[dict]) -> dict:
    return {"runs": len(samples),
            "wall_ms": median(samples, "wall") * 1000,
            "wall_min_ms": min(s["wall"] for s in samples) * 1000,
            "wall_max_ms": max(s["wall"] for s in samples) * 1000,
            "cpu_ms": median(samples, "cpu") * 1000,
            "user_ms": median(samples, "user") * 1000,
            "sys_ms": median(samples, "sys") * 1000,
            "rss_mb": median(samples, "rss_kb") / 1024,
            "rss_max_mb": max(s["rss_kb"] for s in samples) / 1024}


def capture(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def read_stamp(corpus: str, name: str) -> dict:
    out = {}
    try:
        with open(os.path.join(corpus, name + ".stamp"), encoding="utf-8") as f:
            for word in f.read().split():
                k, _, v = word.partition("=")
                out[k] = v
    except OSError:
        pass
    return out


# --------------------------------------------------------------------------------------------
# Programs


class Bench:
    def __init__(self, args):
        self.args = args
        self.sg = os.path.abspath(args.schemagate)
        self.squawk = os.path.abspath(args.squawk)
        self.floor = os.path.abspath(args.floor)
        self.threads = os.cpu_count() or 1
        self.corpus = os.path.abspath(args.corpus)

    def programs(self, n: int) -> list[dict]:
        sql = os.path.join(self.corpus, f"sql-{n}")
        alembic = os.path.join(self.corpus, f"alembic-{n}")
        versions = os.path.join(alembic, "migrations", "versions")
        t = str(self.threads)
        f = self.floor
        return [
            {"id": "schemagate-sql", "label": "schemagate lint --format json", "input": "SQL",
             "threads": "all", "ok": (0, 1),
             "argv": [self.sg, "lint", "--format", "json", "--no-config", sql]},
            {"id": "squawk-sql", "label": "squawk --reporter json", "input": "SQL",
             "threads": "own", "ok": (0, 1),
             "argv": [self.squawk, "--reporter", "json", os.path.join(sql, "*.sql")]},
            {"id": "floor-sql-json", "label": "floor: pg_query_parse (JSON)", "input": "SQL",
             "threads": t, "ok": (0,), "argv": [f, "sql", "--api", "json", "-j", t, sql]},
            {"id": "floor-sql-protobuf", "label": "floor: pg_query_parse_protobuf",
             "input": "SQL", "threads": t, "ok": (0,),
             "argv": [f, "sql", "--api", "protobuf", "-j", t, sql]},
            {"id": "floor-sql-json-1t", "label": "floor: pg_query_parse (JSON)", "input": "SQL",
             "threads": "1", "ok": (0,), "argv": [f, "sql", "--api", "json", "-j", "1", sql]},
            {"id": "floor-sql-protobuf-1t", "label": "floor: pg_query_parse_protobuf",
             "input": "SQL", "threads": "1", "ok": (0,),
             "argv": [f, "sql", "--api", "protobuf", "-j", "1", sql]},
            {"id": "schemagate-alembic", "label": "schemagate lint --format json",
             "input": "Alembic", "threads": "all", "ok": (0, 1),
             "argv": [self.sg, "lint", "--format", "json", "--no-config", alembic]},
            {"id": "floor-python", "label": "floor: tree-sitter-python", "input": "Alembic",
             "threads": t, "ok": (0,), "argv": [f, "python", "-j", t, versions]},
            {"id": "floor-python-1t", "label": "floor: tree-sitter-python", "input": "Alembic",
             "threads": "1", "ok": (0,), "argv": [f, "python", "-j", "1", versions]},
        ]

    def check_outputs(self, n: int, progs: list[dict], tmp: str) -> dict:
        """One untimed run of each program with its output kept: did it lint every file?"""
        out = {}
        for p in progs:
            path = os.path.join(tmp, p["id"] + ".out")
            r = run(p["argv"], p["ok"], stdout=path)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            info = {"exit_code": r["code"], "output_bytes": len(text.encode())}
            if p["id"].startswith("schemagate"):
                doc = json.loads(text)
                rules: dict[str, int] = {}
                for d in doc["diagnostics"]:
                    rules[d["rule"]] = rules.get(d["rule"], 0) + 1
                info.update(files=doc["summary"]["files"], findings=len(doc["diagnostics"]),
                            syntax_errors=rules.get("syntax-error", 0),
                            internal_errors=rules.get("internal-error", 0), rules=rules)
                if info["syntax_errors"] or info["internal_errors"]:
                    log(f"warning: {p['id']} at {n}: {info['syntax_errors']} syntax-error, "
                        f"{info['internal_errors']} internal-error findings")
            elif p["id"] == "squawk-sql":
                doc = json.loads(text)
                info.update(findings=len(doc),
                            files_with_findings=len({d.get("file") for d in doc}))
            else:
                m = dict(w.split("=", 1) for w in text.split() if "=" in w)
                info.update(files=int(m.get("files", 0)), errors=int(m.get("errors", -1)))
                if info["errors"] != 0:
                    log(f"warning: {p['id']} at {n}: {info['errors']} files did not parse")
            out[p["id"]] = info
        return out

    def measure_size(self, n: int, reps: int) -> dict:
        progs = self.programs(n)
        for d in (f"sql-{n}", f"alembic-{n}"):
            if not os.path.isdir(os.path.join(self.corpus, d)):
                raise Failure(f"no corpus {d} under {self.corpus} (run gen_corpus.py)")
        with tempfile.TemporaryDirectory() as tmp:
            log(f"{n} files: checking outputs")
            checks = self.check_outputs(n, progs, tmp)
        log(f"{n} files: warm-up")
        for p in progs:
            run(p["argv"], p["ok"])
        samples: dict[str, list[dict]] = {p["id"]: [] for p in progs}
        for rep in range(reps):
            log(f"{n} files: round {rep + 1}/{reps}")
            order = progs if rep % 2 == 0 else list(reversed(progs))
            for p in order:
                samples[p["id"]].append(run(p["argv"], p["ok"]))
        return {"files": n, "reps": reps,
                "corpus": {"sql": read_stamp(self.corpus, f"sql-{n}"),
                           "alembic": read_stamp(self.corpus, f"alembic-{n}")},
                "programs": [{k: v for k, v in p.items() if k != "ok"} | {
                    "argv": [os.path.relpath(a) if os.path.isabs(a) else a for a in p["argv"]],
                    "summary": summary(samples[p["id"]]), "samples": samples[p["id"]],
                    "check": checks[p["id"]]} for p in progs]}

    def precommit(self, n: int, runs: int, budget: float) -> list[dict]:
        """`schemagate lint FILE` as pre-commit runs it: the newest small migration of the
        corpus, inside its folder (the whole folder is replayed for context), and alone."""
        out = []
        sql_dir = os.path.join(self.corpus, f"sql-{n}")
        ups = sorted(x for x in os.listdir(sql_dir) if x.endswith(".up.sql"))[-20:]
        sql_file = min(ups, key=lambda x: (os.path.getsize(os.path.join(sql_dir, x)), x))
        versions = os.path.join(self.corpus, f"alembic-{n}", "migrations", "versions")
        dated = []
        for x in sorted(os.listdir(versions)):
            with open(os.path.join(versions, x), encoding="utf-8") as f:
                m = re.search(r"^Create Date: (.*)$", f.read(2000), re.M)
            dated.append((m.group(1) if m else "", x))
        newest = [x for _, x in sorted(dated)[-20:]]
        py_file = min(newest, key=lambda x: (os.path.getsize(os.path.join(versions, x)), x))
        cases = [("SQL", os.path.join(sql_dir, sql_file), f"sql-{n}/"),
                 ("Alembic", os.path.join(versions, py_file),
                  f"alembic-{n}/migrations/versions/")]
        for kind, path, folder in cases:
            samples = []
            spent = 0.0
            run([self.sg, "lint", path], (0, 1))  # warm-up
            while len(samples) < runs and (len(samples) < 3 or spent < budget):
                s = run([self.sg, "lint", path], (0, 1))
                samples.append(s)
                spent += s["wall"]
            out.append({"input": kind, "file": os.path.basename(path),
                        "bytes": os.path.getsize(path), "folder": folder,
                        "folder_files": n, "summary": summary(samples), "samples": samples})
        return out

    def precommit_lone(self, entries: list[dict], runs: int) -> list[dict]:
        """The same files copied alone into a folder of their own: the process floor."""
        out = []
        for e in entries:
            src_dir = os.path.join(self.corpus, e["folder"])
            lone = os.path.join(self.corpus, "lone-" + e["input"].lower())
            os.makedirs(lone, exist_ok=True)
            dst = os.path.join(lone, e["file"])
            shutil.copyfile(os.path.join(src_dir, e["file"]), dst)
            run([self.sg, "lint", dst], (0, 1))
            samples = [run([self.sg, "lint", dst], (0, 1)) for _ in range(runs)]
            out.append(e | {"folder": os.path.basename(lone) + "/", "folder_files": 1,
                            "summary": summary(samples), "samples": samples})
        return out


# --------------------------------------------------------------------------------------------
# Report


def fmt_ms(ms: float) -> str:
    if ms >= 1000:
        return f"{ms / 1000:,.2f} s"
    if ms >= 10:
        return f"{ms:,.0f} ms"
    return f"{ms:.1f} ms"


def fmt_x(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:.1f}x"


def verdicts(size: dict) -> list[dict]:
    s = {p["id"]: p["summary"] for p in size["programs"]}
    n = size["files"]
    out = []
    sg, sq = s["schemagate-sql"], s["squawk-sql"]
    speed = sq["wall_ms"] / sg["wall_ms"]
    if speed >= SQUAWK_SPEEDUP:
        v = f"Met ({fmt_x(speed / SQUAWK_SPEEDUP)} margin)"
    else:
        v = f"Missed: schemagate needs to be {fmt_x(SQUAWK_SPEEDUP / speed)} faster"
    out.append({"target": "SQL: schemagate ≥3x faster than squawk (wall)",
                "measured": f"squawk / schemagate = {fmt_x(speed)} "
                            f"({fmt_ms(sq['wall_ms'])} / {fmt_ms(sg['wall_ms'])})",
                "met": speed >= SQUAWK_SPEEDUP, "verdict": v, "size": n})
    floor_id = min(("floor-sql-json", "floor-sql-protobuf"), key=lambda k: s[k]["wall_ms"])
    for label, sg_id, fl_id in (("SQL", "schemagate-sql", floor_id),
                                ("Alembic", "schemagate-alembic", "floor-python")):
        ratio = s[sg_id]["wall_ms"] / s[fl_id]["wall_ms"]
        cpu_ratio = s[sg_id]["cpu_ms"] / s[fl_id]["cpu_ms"]
        if ratio <= FLOOR_RATIO:
            v = f"Met ({fmt_x(FLOOR_RATIO / ratio)} margin)"
        else:
            v = f"Missed by {fmt_x(ratio / FLOOR_RATIO)}: schemagate needs to be that much faster"
        what = {"floor-sql-json": "pg_query_parse", "floor-sql-protobuf":
                "pg_query_parse_protobuf", "floor-python": "tree-sitter"}[fl_id]
        out.append({"target": f"{label}: schemagate within 2x of the parser floor (wall)",
                    "measured": f"schemagate / floor ({what}) = {fmt_x(ratio)} "
                                f"({fmt_ms(s[sg_id]['wall_ms'])} / "
                                f"{fmt_ms(s[fl_id]['wall_ms'])}); CPU {fmt_x(cpu_ratio)}",
                    "met": ratio <= FLOOR_RATIO, "verdict": v, "size": n})
    if n == PEAK_RSS_SIZE:
        for label, sg_id in (("SQL", "schemagate-sql"), ("Alembic", "schemagate-alembic")):
            mb = s[sg_id]["rss_max_mb"]
            v = (f"Met ({PEAK_RSS_MB - mb:.1f} MB to spare)" if mb < PEAK_RSS_MB
                 else f"Missed by {mb - PEAK_RSS_MB:.1f} MB ({fmt_x(mb / PEAK_RSS_MB)} the limit)")
            out.append({"target": f"{label}: peak memory < 64 MB at 10,000 files",
                        "measured": f"{mb:.1f} MB (largest of {s[sg_id]['runs']} runs)",
                        "met": mb < PEAK_RSS_MB, "verdict": v, "size": n})
    return out


def precommit_verdict(e: dict) -> tuple[bool, str]:
    ms = e["summary"]["cpu_ms"]
    if ms < PRECOMMIT_MS:
        return True, f"Met ({PRECOMMIT_MS - ms:.1f} ms to spare)"
    return False, f"Missed by {ms - PRECOMMIT_MS:,.1f} ms ({fmt_x(ms / PRECOMMIT_MS)} the limit)"


def corpus_line(c: dict, kind: str) -> str:
    if not c:
        return f"{kind}: (no stamp)"
    return (f"{kind}: {int(c.get('files', 0)):,} files, {int(c.get('bytes', 0)) / 1024:,.0f} KiB, "
            f"{int(c.get('lines', 0)):,} lines, sha256 `{c.get('sha256', '')[:16]}…`")


def markdown(res: dict) -> str:
    m = res["meta"]
    L = []
    L.append(f"# schemagate benchmark, {m['date']}")
    L.append("")
    L.append("Made by `bench/run.sh` (see bench/README.md); the raw numbers are in "
             f"`{os.path.basename(m['json'])}` beside this file.")
    L.append("")
    L.append(f"- Command: `{m['command']}`")
    L.append(f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']:.0f} GiB RAM, "
             f"{m['kernel']}; load average {m['load_start']:.2f} before, "
             f"{m['load_end']:.2f} after")
    if m["load_start"] > 0.5:
        L.append("  - **The machine was busy when the run started**: other processes share "
                 "the cores, so wall times are noisy and too high.")
    L.append(f"- schemagate: {m['schemagate_version']}, commit {m['commit']}, "
             f"Release build ({m['compiler']}); it lints with "
             f"{m['threads']} threads if it is parallel (`hardware_concurrency()`)")
    L.append(f"- squawk: {m['squawk_version']} (npm package squawk-cli; the platform binary "
             "it ships, run directly, not through the Node.js wrapper)")
    L.append(f"- Parsers: libpg_query {m['libpg_query']} (Debian libpg-query-dev), "
             f"tree-sitter {m['tree_sitter']} (Debian libtree-sitter-dev), "
             f"tree-sitter-python {m['tree_sitter_python']}")
    L.append(f"- Corpus seed {m['seed']}; repetitions per size: "
             + ", ".join(f"{s['files']:,}: {s['reps']}" for s in res["sizes"])
             + "; medians of those runs, after one warm-up run")
    L.append("")
    # Summary of the targets
    L.append("## Targets")
    L.append("")
    L.append("| size | target | measured | verdict |")
    L.append("|---:|---|---|---|")
    for s in res["sizes"]:
        for v in verdicts(s):
            L.append(f"| {s['files']:,} | {v['target']} | {v['measured']} | {v['verdict']} |")
    for e in res["precommit"]:
        ok, v = precommit_verdict(e)
        where = (f"in its folder of {e['folder_files']:,} files" if e["folder_files"] > 1
                 else "alone in a folder")
        L.append(f"| {e['folder_files']:,} | pre-commit: `schemagate lint` one {e['input']} file "
                 f"{where}, user+sys < 10 ms | {fmt_ms(e['summary']['cpu_ms'])} "
                 f"(wall {fmt_ms(e['summary']['wall_ms'])}) | {v} |")
    L.append("")
    L.append("Ratios compare medians. The floor is the cheaper of `pg_query_parse` and "
             "`pg_query_parse_protobuf` for SQL, tree-sitter for Alembic, on all cores. "
             "Peak memory is judged on the largest of the runs.")
    L.append("")
    for s in res["sizes"]:
        n = s["files"]
        L.append(f"## {n:,} files")
        L.append("")
        L.append(f"- {corpus_line(s['corpus']['sql'], 'SQL (golang-migrate, up + down files)')}")
        L.append(f"- {corpus_line(s['corpus']['alembic'], 'Alembic (one chain)')}")
        L.append("")
        L.append("| input | program | threads | wall (median) | wall min–max | CPU user+sys "
                 "| peak RSS | runs |")
        L.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for p in s["programs"]:
            x = p["summary"]
            L.append(f"| {p['input']} | {p['label']} | {p['threads']} | {fmt_ms(x['wall_ms'])} "
                     f"| {fmt_ms(x['wall_min_ms'])}–{fmt_ms(x['wall_max_ms'])} "
                     f"| {fmt_ms(x['cpu_ms'])} | {x['rss_mb']:.1f} MB | {x['runs']} |")
        L.append("")
        by = {p["id"]: p for p in s["programs"]}
        sgc, sqc = by["schemagate-sql"]["check"], by["squawk-sql"]["check"]
        sac = by["schemagate-alembic"]["check"]
        L.append(f"Outputs (one untimed run): schemagate linted {sgc['files']:,} SQL files, "
                 f"{sgc['findings']:,} findings ({sgc['syntax_errors']} syntax errors), "
                 f"{sgc['output_bytes'] / 1024:,.0f} KiB of JSON; squawk reported "
                 f"{sqc['findings']:,} findings in {sqc['files_with_findings']:,} files, "
                 f"{sqc['output_bytes'] / 1024:,.0f} KiB of JSON; schemagate linted "
                 f"{sac['files']:,} Alembic revisions, {sac['findings']:,} findings. "
                 f"The floors parsed {by['floor-sql-json']['check']['files']:,} SQL and "
                 f"{by['floor-python']['check']['files']:,} Python files, "
                 f"{by['floor-sql-json']['check']['errors']} + "
                 f"{by['floor-python']['check']['errors']} with parse errors.")
        L.append("")
        sg = by["schemagate-sql"]["summary"]
        sq = by["squawk-sql"]["summary"]
        fj, fp = by["floor-sql-json"]["summary"], by["floor-sql-protobuf"]["summary"]
        sa, fy = by["schemagate-alembic"]["summary"], by["floor-python"]["summary"]
        L.append("| ratio | wall | CPU |")
        L.append("|---|---:|---:|")
        L.append(f"| squawk / schemagate (SQL; > 1: schemagate faster) "
                 f"| {fmt_x(sq['wall_ms'] / sg['wall_ms'])} "
                 f"| {fmt_x(sq['cpu_ms'] / sg['cpu_ms'])} |")
        L.append(f"| schemagate / floor pg_query_parse (SQL) | {fmt_x(sg['wall_ms'] / fj['wall_ms'])}"
                 f" | {fmt_x(sg['cpu_ms'] / fj['cpu_ms'])} |")
        L.append(f"| schemagate / floor pg_query_parse_protobuf (SQL) "
                 f"| {fmt_x(sg['wall_ms'] / fp['wall_ms'])} "
                 f"| {fmt_x(sg['cpu_ms'] / fp['cpu_ms'])} |")
        L.append(f"| schemagate / floor tree-sitter (Alembic) "
                 f"| {fmt_x(sa['wall_ms'] / fy['wall_ms'])} "
                 f"| {fmt_x(sa['cpu_ms'] / fy['cpu_ms'])} |")
        L.append("")
    L.append("## Pre-commit: one small file")
    L.append("")
    L.append("`schemagate lint FILE` (text output, configuration looked up as usual) on the "
             "smallest of the 20 newest migrations of a corpus: inside its folder, which "
             "schemagate replays for context, and copied alone into an empty folder.")
    L.append("")
    L.append("| input | file | folder | CPU user+sys (median) | wall (median) | peak RSS | runs "
             "| verdict (< 10 ms) |")
    L.append("|---|---|---|---:|---:|---:|---:|---|")
    for e in res["precommit"]:
        x = e["summary"]
        L.append(f"| {e['input']} | `{e['file']}` ({e['bytes']:,} B) | `{e['folder']}` "
                 f"({e['folder_files']:,} file{'s' if e['folder_files'] > 1 else ''}) | {fmt_ms(x['cpu_ms'])} | {fmt_ms(x['wall_ms'])} "
                 f"| {x['rss_mb']:.1f} MB | {x['runs']} | {precommit_verdict(e)[1]} |")
    L.append("")
    return "\n".join(L)


# --------------------------------------------------------------------------------------------


def meta(args, threads: int) -> dict:
    cpu = "unknown CPU"
    ram = 0.0
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
        with open("/proc/meminfo", encoding="utf-8") as f:
            m = re.search(r"^MemTotal:\s*(\d+) kB", f.read(), re.M)
            ram = int(m.group(1)) / 1024 / 1024 if m else 0.0
    except OSError:
        pass
    root = args.root
    commit = capture(["git", "-C", root, "rev-parse", "--short=12", "HEAD"]) or "unknown"
    if capture(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"]):
        commit += " with uncommitted changes"
    ts_py = "unknown"
    try:
        with open(os.path.join(root, "cmake", "tree_sitter_python.cmake"), encoding="utf-8") as f:
            m = re.search(r"set\(TS_PYTHON_VERSION ([^)\s]+)\)", f.read())
            ts_py = m.group(1) if m else ts_py
    except OSError:
        pass
    dpkg = lambda p: capture(["dpkg-query", "-W", "-f=${Version}", p]) or "unknown"  # noqa: E731
    return {
        "date": args.date, "command": args.command, "nproc": os.cpu_count(), "cpu": cpu,
        "ram_gb": ram, "kernel": f"Linux {platform.release()}", "threads": threads,
        "schemagate_version": capture([args.schemagate, "--version"]), "commit": commit,
        "compiler": (capture(["c++", "--version"]).splitlines() or ["unknown"])[0],
        "squawk_version": capture([args.squawk, "--version"]),
        "libpg_query": dpkg("libpg-query-dev"), "tree_sitter": dpkg("libtree-sitter-dev"),
        "tree_sitter_python": ts_py, "seed": args.seed,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", required=True, help="the repository")
    ap.add_argument("--schemagate", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--squawk", required=True)
    ap.add_argument("--runner", required=True, help="schemagate-bench-run")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--reps", default="7,5,3", help="per size; the last repeats")
    ap.add_argument("--precommit-runs", type=int, default=20)
    ap.add_argument("--precommit-budget", type=float, default=15.0,
                    help="seconds per case after which fewer runs (at least 3) are enough")
    ap.add_argument("--seed", default="")
    ap.add_argument("--out", required=True, help="Markdown file; the JSON goes beside it")
    ap.add_argument("--command", default="bench/run.sh")
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    args = ap.parse_args()

    global RUNNER
    RUNNER = os.path.abspath(args.runner)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    reps = [int(x) for x in args.reps.split(",") if x]
    reps += [reps[-1]] * (len(sizes) - len(reps))
    bench = Bench(args)
    json_path = os.path.splitext(args.out)[0] + ".json"
    res = {"meta": meta(args, bench.threads), "sizes": [], "precommit": []}
    res["meta"]["json"] = json_path
    res["meta"]["load_start"] = os.getloadavg()[0]
    try:
        for n, r in zip(sizes, reps):
            res["sizes"].append(bench.measure_size(n, r))
        log("pre-commit cases")
        for n in sizes:
            res["precommit"] += bench.precommit(n, args.precommit_runs, args.precommit_budget)
        res["precommit"] = bench.precommit_lone(res["precommit"][:2], args.precommit_runs) \
            + res["precommit"]
    except Failure as e:
        log(f"failed: {e}")
        return 1
    res["meta"]["load_end"] = os.getloadavg()[0]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    res["meta"]["json"] = os.path.basename(json_path)
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    text = markdown(res)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    log(f"wrote {args.out} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
