"""Every package exports a sorted ``__all__`` whose names exist."""

import importlib
import pkgutil

import pytest

import osler

PACKAGES = sorted(m.name for m in pkgutil.walk_packages(osler.__path__, "osler.")
                  if m.ispkg and not m.name.split(".")[-1].startswith("_"))
HEAVY = {"osler.imaging", "osler.nlp", "osler.genomics", "osler.serve"}  # need extras


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_resolves(name):
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names missing attributes: {missing}"


def test_core_cli_import_stays_light():
    import subprocess
    import sys
    code = ("import sys, osler.cli, osler.store, osler.ingest; "
            "heavy = {'torch', 'spacy', 'lightgbm', 'monai', 'shap', 'cyvcf2', 'pydicom'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
