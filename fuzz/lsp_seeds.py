#!/usr/bin/env python3
"""Seed inputs for fuzz_lsp (python3 standard library only; scripts/fuzz.sh runs it).

    lsp_seeds.py OUT_DIR FILE...

For each migration FILE (a .py revision or a .sql file), one seed: the byte stream an editor
would send to `schemagate lsp` while editing it. initialize (pulling diagnostics or not),
didOpen with the file's text, an incremental change (with a range after non-ASCII text), a
full change, hover, code actions on the first lines, a pulled diagnostic, didSave, didClose,
shutdown and exit, each framed with its Content-Length.
"""

import json
import os
import sys


def frame(message: dict) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def session(path: str, text: str, pull: bool) -> bytes:
    uri = "file:///fuzz/" + os.path.basename(path)
    language = "python" if path.endswith(".py") else "sql"
    doc = {"uri": uri}
    caps = {"textDocument": {"diagnostic": {}}} if pull else {}
    out = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": caps}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {**doc, "languageId": language, "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange",
         "params": {"textDocument": {**doc, "version": 2}, "contentChanges": [
             {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
              "text": "-- é😀\n"},
             {"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 6}},
              "text": "x"}]}},
    ]
    for i, line in enumerate([0, 5, 15]):
        pos = {"line": line, "character": 4}
        out.append({"jsonrpc": "2.0", "id": 10 + i, "method": "textDocument/codeAction",
                    "params": {"textDocument": doc, "range": {"start": {"line": line, "character": 0},
                                                              "end": pos},
                               "context": {"diagnostics": []}}})
        out.append({"jsonrpc": "2.0", "id": 20 + i, "method": "textDocument/hover",
                    "params": {"textDocument": doc, "position": pos}})
    out += [
        {"jsonrpc": "2.0", "id": 30, "method": "textDocument/diagnostic",
         "params": {"textDocument": doc}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange",
         "params": {"textDocument": {**doc, "version": 3}, "contentChanges": [{"text": text}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": doc}},
        {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": doc}},
        {"jsonrpc": "2.0", "id": 40, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
    return b"".join(frame(m) for m in out)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for n, path in enumerate(sys.argv[2:]):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue  # binary fixtures: the other targets have them
        name = path.strip("/").replace("/", "_")
        with open(os.path.join(out_dir, name + ".lsp"), "wb") as f:
            f.write(session(path, text, pull=n % 2 == 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
