"""The import arrows: orchestration -> serving -> training, never back; connectors and models know no Dagster."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# package (folder) -> top-level packages its modules may not import; `serving/cli.py` is the composition root
FORBIDDEN = {
    "training": {"serving", "orchestration", "dagster", "dagster_dbt"},
    "serving": {"orchestration", "dagster", "dagster_dbt"},
    "orchestration/sources": {"dagster", "dagster_dbt", "serving"},
}
COMPOSITION_ROOT = REPO / "serving" / "cli.py"


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (lazy imports count)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_imports_against_the_arrows(package):
    wrong = {str(p.relative_to(REPO)): sorted(imported(p) & FORBIDDEN[package])
             for p in sorted((REPO / package).rglob("*.py")) if p != COMPOSITION_ROOT}
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_checker_sees_a_wrong_arrow(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import json\n\ndef f():\n    from orchestration.settings import home\n    import dagster.x\n")
    assert imported(module) == {"json", "orchestration", "dagster"}


def test_the_command_line_imports_the_pipeline_only_to_run_it():
    """`modellens rank` and friends load neither dagster nor orchestration (paths are `training.paths`)."""
    code = ("import sys, serving.cli; "
            "print(sorted(m for m in ('dagster', 'dagster_dbt', 'orchestration') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
