#!/usr/bin/env python3
"""How long `schemagate lsp` takes from a change to its diagnostics (python3 standard library
only; not part of the test suite).

    bench/lsp_latency.py [--binary PATH] [--files 1000] [--lines 500] [--changes 200]
                         [--out FILE.md]

It copies the Alembic corpus of gen_corpus.py (N revisions, one chain; made in
build-bench/corpus/ if missing) into a temporary folder, adds a new head revision of about
LINES lines drawn by the same planner (operations on the tables that exist at that point), and
starts `schemagate lsp` there as an editor would, speaking LSP over pipes. After didOpen (the
cold start: every revision read, parsed and replayed), it sends CHANGES incremental didChange
notifications (one character typed into, then deleted from, a comment in the middle of
upgrade()), each after the diagnostics of the one before came, and times each from the moment
the change is written to the pipe to the moment its publishDiagnostics (the same document
version) has been read: what an editor waits for, JSON-RPC framing and pipes included. Then the
same with full-text changes (the whole document in each didChange), and with changes that
alter the findings. Reports the median, 90th and 99th percentile and the maximum, and judges the
target: diagnostics within 10 ms of a change to a 500-line revision in a project of 1,000
revisions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402  (the corpus generator beside this file)

TARGET_MS = 10.0


def log(msg: str) -> None:
    print(f"lsp_latency: {msg}", file=sys.stderr, flush=True)


class Server:
    """A language server child process, spoken to over its stdin and stdout."""

    def __init__(self, argv: list[str], cwd: str):
        self.p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""
        self.next_id = 0

    def send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def read(self, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                length = int(self.buf[:end].split(b":")[1])
                if len(self.buf) >= end + 4 + length:
                    body = self.buf[end + 4:end + 4 + length]
                    self.buf = self.buf[end + 4 + length:]
                    return json.loads(body)
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.p.stdout], [], [], max(0.0, left))
            if not ready:
                raise RuntimeError("no message from the server within the time limit")
            data = os.read(self.p.stdout.fileno(), 1 << 16)
            if not data:
                raise RuntimeError("the server closed its output: "
                                   + self.p.stderr.read().decode(errors="replace")[-2000:])
            self.buf += data

    def wait_for(self, pred, timeout: float = 120.0) -> dict:
        while True:
            m = self.read(timeout)
            if pred(m):
                return m

    def close(self) -> None:
        self.request("shutdown", None)
        self.wait_for(lambda m: m.get("id") == self.next_id)
        self.notify("exit", None)
        self.p.wait(timeout=30)


def make_project(files: int, lines: int, seed: int) -> tuple[str, str, int]:
    """The corpus copied into a temporary folder, plus a new head revision of about `lines`
    lines: (folder, path of the new revision, its line count)."""
    corpus = os.path.join(ROOT, "build-bench", "corpus")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--out", corpus,
                    "--sizes", str(files), "--seed", str(seed)], check=True)
    src = os.path.join(corpus, f"alembic-{files}")
    dest = tempfile.mkdtemp(prefix="schemagate-lsp-bench-")
    project = os.path.join(dest, "project")
    shutil.copytree(src, project)
    versions = os.path.join(project, "migrations", "versions")
    # The head: the revision no other names as its down revision.
    ids, parents = set(), set()
    for name in os.listdir(versions):
        with open(os.path.join(versions, name), encoding="utf-8") as f:
            for ln in f:
                if ln.startswith("revision = "):
                    ids.add(ln.split('"')[1])
                elif ln.startswith("down_revision = ") and '"' in ln:
                    parents.add(ln.split('"')[1])
    (head,) = ids - parents
    # The planner as gen_corpus.py left it after `files` revisions, then as many more
    # migrations' steps as make one revision of `lines` lines.
    planner = gen_corpus.Planner(f"{seed}-alembic")
    for _ in range(files):
        planner.next()
    alembic = gen_corpus.Alembic(random.Random(f"{seed}-lsp-bench"))
    big = planner.next()
    big.header = "One large revision for the LSP latency benchmark."
    text = ""
    while True:
        text = alembic.render(big, "feedc0ffee01", head, "2031-01-01 12:00:00.000000")
        if text.count("\n") >= lines:
            break
        big.steps.extend(planner.next().steps)
    path = os.path.join(versions, "feedc0ffee01_lsp_bench.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return dest, path, text.count("\n")


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def stats(xs: list[float]) -> dict:
    return {"n": len(xs), "median": statistics.median(xs), "p90": percentile(xs, 90),
            "p99": percentile(xs, 99), "max": max(xs), "min": min(xs)}


def fmt(ms: float) -> str:
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default="")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=500)
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--seed", type=int, default=gen_corpus.DEFAULT_SEED)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    binary = args.binary
    if not binary:
        # The Release tree of bench/run.sh when it is up to date (knows `lsp`), else build/.
        for candidate in ("build-bench/schemagate", "build/schemagate"):
            path = os.path.join(ROOT, candidate)
            if os.access(path, os.X_OK) and "\n  lsp " in subprocess.run(
                    [path, "--help"], capture_output=True, text=True).stdout:
                binary = path
                break
    if not binary:
        log("no schemagate binary: build one (bench/run.sh, or cmake --build build)")
        return 2
    build = "Release" if "build-bench" in binary else "RelWithDebInfo"
    load_before = os.getloadavg()[0]
    dest, path, nlines = make_project(args.files, args.lines, args.seed)
    uri = "file://" + path
    results: dict = {}
    try:
        server = Server([binary, "lsp"], cwd=os.path.dirname(path))
        server.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                      "capabilities": {}})
        server.wait_for(lambda m: m.get("id") == 1)
        server.notify("initialized", {})
        with open(path, encoding="utf-8") as f:
            text = f.read()
        version = 1

        def published(v: int):
            return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"]["uri"] == uri and m["params"].get("version") == v)

        t0 = time.perf_counter()
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})
        first = server.wait_for(published(version))
        results["cold_ms"] = (time.perf_counter() - t0) * 1000
        results["findings"] = len(first["params"]["diagnostics"])
        lines = text.split("\n")
        # A comment line in the middle of upgrade(), where characters are typed.
        start = next(i for i, ln in enumerate(lines) if ln.startswith("def upgrade"))
        end = next(i for i, ln in enumerate(lines) if ln.startswith("def downgrade"))
        mid = (start + end) // 2
        lines.insert(mid, "    # typing here")
        text = "\n".join(lines)
        version += 1
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]})
        server.wait_for(published(version))
        col = len("    # typing here")

        def timed(change: dict) -> float:
            nonlocal version
            version += 1
            t = time.perf_counter()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            server.wait_for(published(version))
            return (time.perf_counter() - t) * 1000

        def typing(i: int) -> dict:
            # Type a character, then delete it: the text alternates between two states.
            if i % 2 == 0:
                return {"range": {"start": {"line": mid, "character": col},
                                  "end": {"line": mid, "character": col}}, "text": "x"}
            return {"range": {"start": {"line": mid, "character": col},
                              "end": {"line": mid, "character": col + 1}}, "text": ""}

        for i in range(20):  # warm-up
            timed(typing(i))
        results["incremental"] = stats([timed(typing(i)) for i in range(args.changes)])
        full = [timed({"text": text}) for _ in range(max(10, args.changes // 4))]
        results["full"] = stats(full)
        # Changes that alter the findings: a CREATE INDEX (the first statement of upgrade())
        # made concurrent and back.
        lines = text.split("\n")
        line = "    op.create_index(\"ix_lsp_bench\", \"users\", [\"id\"])"
        lines.insert(start + 1, line)
        text = "\n".join(lines)
        timed({"text": text})
        findings_changes = []
        arg = ", postgresql_concurrently=True"
        at = len(line) - 1
        for i in range(max(10, args.changes // 4)):
            end_char = at if i % 2 == 0 else at + len(arg)
            change = {"range": {"start": {"line": start + 1, "character": at},
                                "end": {"line": start + 1, "character": end_char}},
                      "text": arg if i % 2 == 0 else ""}
            findings_changes.append(timed(change))
        results["findings_change"] = stats(findings_changes)
        # Typing a statement character by character: until it is complete, the file has a
        # syntax error, and a file with an error is parsed afresh (see python.cpp).
        statement = "op.add_column(\"users\", sa.Column(\"nickname\", sa.Text()))"
        lines = text.split("\n")
        lines.insert(start + 1, "    ")
        text = "\n".join(lines)
        timed({"text": text})
        typed = []
        for i, ch in enumerate(statement):
            pos = {"line": start + 1, "character": 4 + i}
            typed.append(timed({"range": {"start": pos, "end": pos}, "text": ch}))
        results["statement"] = stats(typed)
        server.close()
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    load_after = os.getloadavg()[0]

    inc = results["incremental"]
    met = inc["median"] <= TARGET_MS
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    cpus = os.cpu_count()
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                         "")
    except OSError:
        pass
    date = datetime.date.today().isoformat()
    out = args.out or os.path.join(HERE, "results", f"{date}-lsp.md")
    verdict = (f"Met ({fmt(TARGET_MS - inc['median'])} to spare at the median)" if met else
               f"Missed by {inc['median'] / TARGET_MS:.2f}x at the median")
    busy = load_before >= 0.5 * (cpus or 1)
    md = [f"# schemagate LSP latency, {date}", "",
          "Made by `bench/lsp_latency.py` (see bench/README.md). Time from writing a `didChange` "
          "to the server's pipe to reading its `publishDiagnostics` for that version, as an "
          "editor waits for it (framing, JSON and pipes included).", "",
          f"- Command: `{' '.join(['bench/lsp_latency.py'] + sys.argv[1:])}`",
          f"- Machine: {cpus} CPUs ({model}), Linux {platform.release()}; load average "
          f"{load_before:.2f} before, {load_after:.2f} after",
          ]
    if busy:
        md.append("  - **The machine was busy when the run started** (other builds share the "
                  "cores): times are noisy and too high.")
    md += [f"- schemagate: {version}, commit {commit}, {build} build (`{os.path.relpath(binary, ROOT)}`)",
           f"- Project: the Alembic corpus of `gen_corpus.py` with {args.files:,} revisions "
           f"(seed {args.seed}), plus one new head revision of {nlines} lines "
           f"({results['findings']} findings), opened in the editor",
           "",
           "## Target", "",
           "| target | measured | verdict |", "|---|---|---|",
           f"| diagnostics within {TARGET_MS:.0f} ms of a change to a {nlines}-line revision in a "
           f"project of {args.files:,} revisions | median {fmt(inc['median'])}, p90 "
           f"{fmt(inc['p90'])}, p99 {fmt(inc['p99'])} (incremental changes) | {verdict} |",
           "",
           "## Measurements", "",
           "| what | changes | median | p90 | p99 | min | max |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label in (("incremental", "typing in a comment (incremental sync)"),
                       ("full", "the same, whole text sent (full sync)"),
                       ("findings_change", "adding/removing postgresql_concurrently=True"),
                       ("statement", "typing a statement, one character at a time "
                                     "(a syntax error until it is complete)")):
        s = results[key]
        md.append(f"| {label} | {s['n']} | {fmt(s['median'])} | {fmt(s['p90'])} | "
                  f"{fmt(s['p99'])} | {fmt(s['min'])} | {fmt(s['max'])} |")
    st = results["statement"]
    md += ["", f"Cold start (didOpen to the first diagnostics: all {args.files:,} revisions read, "
           f"parsed on {cpus} threads and replayed): {fmt(results['cold_ms'])}.", "",
           "## Notes", "",
           "- After the first lint, a change re-parses the edited buffer alone: the other "
           "revisions' parsed operations, the revision graph and the schema replayed up to the "
           "buffer are kept (`src/engine/include/schemagate/session.hpp`), and the project's "
           "files are stat'ed at most once a second while the user types.",
           "- tree-sitter re-parses the buffer incrementally from its previous parse when the "
           "change is local. A text with a syntax error is parsed from scratch instead, so that "
           "its findings are exactly those of `schemagate lint`: that is the last row, where "
           f"the statement is incomplete for most of its characters (median {fmt(st['median'])}, "
           f"p99 {fmt(st['p99'])}"
           + (", over the target in its slowest cases)." if st["p99"] > TARGET_MS else ")."),
           "- What remains of a change's time is mostly the Alembic frontend reading the "
           "buffer (the interpreter and the SQL in `op.execute`), the rules, and the JSON of "
           "the diagnostics; the pipe round trip to this Python client is included.",
           ""]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    with open(os.path.splitext(out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump({"date": date, "binary": binary, "build": build, "files": args.files,
                   "lines": nlines, "load": [load_before, load_after], **results}, f, indent=2)
    log(f"{out}: median {fmt(inc['median'])}, p90 {fmt(inc['p90'])} ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
