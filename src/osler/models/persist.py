"""Saving and loading models with what they were trained on.

A model directory holds ``model.joblib`` (and ``baselines.joblib`` when baseline models were
trained beside it), ``training_rows.json`` when the task keeps content digests of its
training rows (:data:`TRAINING_ROWS`), and ``manifest.json``: the task, the feature list, a
fingerprint of the training data, the decision threshold, the library versions and the SHA-256
of every other file it wrote. Loading
checks the task, the feature schema and the library versions, and fails with
:class:`~osler.errors.ModelError` naming the mismatch; it reads only the files the manifest
records, so a file left in the folder by another model is never loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from osler.errors import DataError, ModelError

__all__ = ["MANIFEST_VERSION", "ModelBundle", "TRAINING_ROWS", "check_features",
           "check_model_folder", "check_output_path", "data_fingerprint", "ends_with_separator",
           "file_sha256", "library_versions", "load_model", "save_model"]

MANIFEST_VERSION = 1
_LIBRARIES = ("osler", "numpy", "scikit-learn", "lightgbm")


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a saved model depends on."""
    out = {}
    for lib in _LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "absent"
    return out


def check_output_path(path: str | Path, option: str, *, folder: bool | None = False) -> Path:
    """``path``, refused (:class:`~osler.errors.DataError`) where an output cannot be written,
    so that a run fails before its work, not after it: a file where a folder is needed (the
    path itself, or a folder above it), a folder where a file is (``folder=False``; ``None``
    accepts either) or a folder that cannot be written in. Missing folders are fine: the
    writer makes them. A path written with a trailing separator (``out/``) names a folder,
    and is refused where a file is written (``folder=False``): ``Path`` would drop the
    separator and the file be written under the folder's name. The message names ``option``,
    the path and the reason."""
    if folder is False and ends_with_separator(path):
        raise DataError(f"{option} {path}: cannot be written: it ends with a path separator, "
                        "so it names a folder, and a file is written there; choose a file name")
    path = Path(path)

    def refuse(reason: str) -> DataError:
        return DataError(f"{option} {path}: cannot be written: {reason}; choose another path")

    if path.exists():
        if folder and not path.is_dir():
            raise refuse("it is a file, and a folder is written there")
        if folder is False and path.is_dir():
            raise refuse("it is a folder, and a file is written there")
        if not os.access(path, os.W_OK):
            raise refuse("no permission to write it")
    above = path if path.is_dir() else path.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        raise refuse(f"{above} is a file, not a folder")
    if not os.access(above, os.W_OK | os.X_OK):
        raise refuse(f"no permission to write in the folder {above}")
    return path


def ends_with_separator(path: str | Path) -> bool:
    """Whether ``path`` as given (a ``str``: a ``Path`` has dropped it) ends with a path
    separator, and so names a folder."""
    text = os.fspath(path)
    return text.endswith(tuple(s for s in (os.sep, os.altsep) if s))


def check_model_folder(model_dir: str | Path, task: str) -> None:
    """Refuse (:class:`~osler.errors.DataError`) to save ``task``'s model in ``model_dir`` when
    the folder holds a model of another task (its ``manifest.json``, or the ``model.json`` of
    the warfarin-dose and pneumonia layouts), which saving would silently replace; retraining
    the same task in place is allowed. A folder without a readable task is left to the save.
    ``osler train`` checks it before the training; :func:`save_model` itself still replaces
    any earlier model (a library caller's choice)."""
    model_dir = Path(model_dir)
    other = _manifest_task(model_dir) or _task_of_other_layout(model_dir)
    if other and other != task:
        raise DataError(f"--model {model_dir}: holds a model of task {other!r}; training "
                        f"{task!r} there would replace it; choose another folder (or remove "
                        "that model first)")


def _manifest_task(model_dir: Path) -> str | None:
    try:
        manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    task = manifest.get("task") if isinstance(manifest, dict) else None
    return task if isinstance(task, str) else None


def data_fingerprint(X: np.ndarray, ids: Any = ()) -> str:
    """SHA-256 over the training matrix (shape and bytes) and the sample ids."""
    h = hashlib.sha256()
    arr = np.ascontiguousarray(X)
    h.update(str(arr.shape).encode())
    h.update(arr.tobytes())
    for i in ids:
        h.update(str(i).encode())
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass
class ModelBundle:
    """A fitted estimator with its manifest fields."""

    task: str
    estimator: Any
    feature_names: list[str]
    fingerprint: str
    threshold: float = 0.5
    extra: dict[str, Any] = field(default_factory=dict)
    baselines: dict[str, Any] = field(default_factory=dict, repr=False)
    versions: dict[str, str] = field(default_factory=library_versions)
    manifest_version: int = MANIFEST_VERSION
    #: content digests of the training rows (see :data:`TRAINING_ROWS`); ``None`` when the task
    #: keeps none, or the model was saved before they were kept
    training_rows: frozenset[str] | None = field(default=None, repr=False)


def save_model(bundle: ModelBundle, model_dir: Path) -> Path:
    """Write ``model.joblib`` and ``manifest.json`` into ``model_dir``."""
    import joblib

    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    written = ["model.joblib"]
    earlier = _recorded_files(model_dir)
    joblib.dump(bundle.estimator, model_dir / "model.joblib")
    if bundle.baselines:
        joblib.dump(bundle.baselines, model_dir / "baselines.joblib")
        written.append("baselines.joblib")
    if bundle.training_rows is not None:
        _write_training_rows(model_dir / TRAINING_ROWS, bundle.training_rows)
        written.append(TRAINING_ROWS)
    # files of an earlier Osler model in this folder that this one does not have: its own
    # manifest recorded them, so they are ours to remove; any other file is left alone, and
    # is not recorded, so loading never reads it
    for name in earlier - set(written):
        (model_dir / name).unlink(missing_ok=True)
    manifest = {k: v for k, v in asdict(bundle).items()
                if k not in ("estimator", "baselines", "training_rows")}
    # what was written (only that), so that a changed or truncated file is refused before
    # it is read
    manifest["files"] = {name: file_sha256(model_dir / name) for name in written}
    (model_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, default=float),
                                             encoding="utf-8")
    return model_dir


def _recorded_files(model_dir: Path) -> set[str]:
    """The model files an earlier Osler manifest in ``model_dir`` recorded (none when there is
    no readable manifest)."""
    try:
        files = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return set(files) & set(_RECORDED) if isinstance(files, dict) else set()


def _task_of_other_layout(model_dir: Path) -> str | None:
    """The task of a model saved without a manifest (warfarin-dose keeps ``model.json``)."""
    try:
        task = json.loads((model_dir / "model.json").read_text(encoding="utf-8")).get("task")
    except (OSError, ValueError, AttributeError):
        return None
    return task if isinstance(task, str) else None


def load_model(model_dir: Path, task: str, feature_names: list[str] | None = None) -> ModelBundle:
    """Load a model saved for ``task``; refuse another task, schema or library version."""
    model_dir = Path(model_dir)
    path = model_dir / "manifest.json"
    if not path.is_file():
        other = _task_of_other_layout(model_dir)
        if other:
            raise ModelError(f"model directory {model_dir} holds a {other!r} model, not {task!r}")
        raise ModelError(f"model directory {model_dir}: no manifest.json; not an Osler model")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"model directory {model_dir}: manifest.json is not valid JSON ({exc})")
    _check_manifest(model_dir, manifest, task, feature_names)
    files = manifest.pop("files", None)
    legacy = files is None       # saved before the manifest recorded its files: trusted as is
    files = files or {}
    if not isinstance(files, dict):
        raise ModelError(f"model directory {model_dir}: manifest.json lists its files in an "
                         "unknown form; not loaded")
    if not (model_dir / "model.joblib").is_file():
        raise ModelError(f"model directory {model_dir}: model.joblib is missing")
    if not legacy and "model.joblib" not in files:
        raise ModelError(f"model directory {model_dir}: manifest.json does not record "
                         "model.joblib; not loaded")
    for name, digest in files.items():
        if name in _RECORDED and (not (model_dir / name).is_file()
                                  or file_sha256(model_dir / name) != digest):
            raise ModelError(f"model directory {model_dir}: {name} is not the file its "
                             "manifest recorded (changed, truncated or missing); not loaded")
    estimator = _unpickle(model_dir / "model.joblib")
    baselines_path = model_dir / "baselines.joblib"
    # a file the manifest does not record is not this model's (e.g. left by another model)
    wanted = baselines_path.is_file() and (legacy or "baselines.joblib" in files)
    baselines = _unpickle(baselines_path) if wanted else {}
    width = len(manifest.get("feature_names", []))
    _check_scores(model_dir / "model.joblib", estimator, width)
    if not isinstance(baselines, dict):
        raise ModelError(f"model directory {model_dir}: baselines.joblib must hold the baseline "
                         f"models by name; got a {type(baselines).__name__}; not loaded")
    for baseline in baselines.values():
        _check_scores(baselines_path, baseline, width)
    return ModelBundle(estimator=estimator, baselines=baselines,
                       training_rows=_read_training_rows(model_dir, TRAINING_ROWS in files),
                       **manifest)


_PICKLES = ("model.joblib", "baselines.joblib")
#: Content digests of the rows a model was trained on (a JSON list of short hex strings, no
#: values), so that evaluation can recognise those rows under any file name or patient id.
TRAINING_ROWS = "training_rows.json"
_RECORDED = (*_PICKLES, TRAINING_ROWS)


def _write_training_rows(path: Path, digests: frozenset[str]) -> None:
    path.write_text(json.dumps({"digests": sorted(digests)}, indent=0), encoding="utf-8")


def _read_training_rows(model_dir: Path, recorded: bool) -> frozenset[str] | None:
    """The saved digests; ``None`` for a model saved before they were kept (or one whose
    manifest does not vouch for the file: an unrecorded file is not trusted)."""
    path = model_dir / TRAINING_ROWS
    if not recorded or not path.is_file():
        return None
    try:
        digests = json.loads(path.read_text(encoding="utf-8"))["digests"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"model directory {model_dir}: {TRAINING_ROWS} cannot be read "
                         f"({type(exc).__name__})") from None
    return frozenset(map(str, digests))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unpickle(path: Path) -> Any:
    import joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # pickle, EOF, zlib and version errors of a damaged file alike
        raise ModelError(f"model directory {path.parent}: {path.name} cannot be read "
                         f"({type(exc).__name__}); is it complete?") from None


def _check_scores(path: Path, estimator: Any, width: int) -> None:
    """Refuse a pickle that does not score one row of the ``width`` features its manifest
    lists as two class probabilities: another task's model, or any other object, swapped in
    (with its digest updated) would otherwise fail mid-prediction with a traceback."""
    import warnings

    try:
        with warnings.catch_warnings():   # a probe, not the user's data: no warning to act on
            warnings.simplefilter("ignore")
            shape = np.shape(estimator.predict_proba(np.zeros((1, width), dtype=np.float32)))
    except Exception as exc:  # any failure here means: not the model this manifest describes
        raise ModelError(f"model directory {path.parent}: {path.name} does not score the "
                         f"{width} features its manifest lists ({type(exc).__name__}); it is "
                         "not the model saved with this manifest; not loaded") from None
    if shape != (1, 2):
        raise ModelError(f"model directory {path.parent}: {path.name} does not give two class "
                         f"probabilities per row (got shape {shape}); it is not the model "
                         "saved with this manifest; not loaded")


def _check_manifest(model_dir: Path, manifest: dict, task: str,
                    feature_names: list[str] | None) -> None:
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        raise ModelError(f"model directory {model_dir}: manifest version must be "
                         f"{MANIFEST_VERSION}; got {manifest.get('manifest_version')!r}")
    if manifest.get("task") != task:
        raise ModelError(f"model directory {model_dir}: trained for task "
                         f"{manifest.get('task')!r}, not {task!r}")
    if feature_names is not None:
        check_features(model_dir, task, manifest.get("feature_names", []), feature_names)
    now = library_versions()
    versions = manifest.get("versions")
    for lib in ("scikit-learn", "lightgbm", "osler"):
        saved = versions.get(lib) if isinstance(versions, dict) else None
        if not saved:   # every save records all three ("absent" for one not installed)
            raise ModelError(f"model directory {model_dir}: the manifest records no {lib} "
                             "version, so whether this model runs here cannot be checked; "
                             "retrain the model")
        if _minor(saved) != _minor(now[lib]):
            raise ModelError(f"model directory {model_dir}: saved with {lib} {saved}, but "
                             f"{now[lib]} is installed; retrain the model")
    # numpy's pickles load across its minor versions, not across a major one (1.x -> 2.x
    # moved numpy.core); a manifest that records none predates the check and is let be
    saved = versions.get("numpy") if isinstance(versions, dict) else None
    if saved and saved != "absent" and saved.split(".")[0] != now["numpy"].split(".")[0]:
        raise ModelError(f"model directory {model_dir}: saved with numpy {saved}, but "
                         f"{now['numpy']} is installed (another major version, whose arrays "
                         "may not unpickle alike); retrain the model")


def check_features(model_dir: Path, task: str, saved: list[str], now: list[str]) -> None:
    """Raise :class:`ModelError` unless the saved feature list equals the one computed now."""
    if list(saved) != list(now):
        diff = sorted(set(saved) ^ set(now))[:5]
        raise ModelError(f"model directory {model_dir}: feature schema differs from this version "
                         f"of task {task!r} ({len(saved)} saved vs {len(now)} now; "
                         f"e.g. {diff or 'same names in another order'})")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])
