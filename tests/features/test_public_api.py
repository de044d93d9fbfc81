"""Each of this area's packages exports a sorted ``__all__`` of names that exist."""

import importlib
import pkgutil

import pytest

PACKAGES = ["osler.features", "osler.models", "osler.evaluate", "osler.explain"]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_resolves(package):
    pkg = importlib.import_module(package)
    modules = [pkg] + [importlib.import_module(f"{package}.{m.name}")
                       for m in pkgutil.iter_modules(pkg.__path__)]
    for mod in modules:
        names = list(getattr(mod, "__all__", []))
        assert names == sorted(names), mod.__name__
        assert all(hasattr(mod, n) for n in names), mod.__name__
