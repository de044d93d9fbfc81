"""A CPU-trainable X-ray classifier with the scikit-learn contract.

``fit`` carves its own validation images from the training stack (by image index), trains with
early stopping on validation AUC, then fits a temperature on the same validation images so
that probabilities are calibrated. ``predict_proba`` averages test-time augmentations when
``tta`` is on. The held-out test split is never seen by ``fit``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from osler._extras import require
from osler.errors import DataError, NotFittedError

__all__ = ["XrayClassifier"]


class XrayClassifier:
    """Binary classifier for 2D grayscale images (MONAI network, PyTorch CPU).

    Parameters
    ----------
    architecture : str
        A key of :data:`osler.imaging.networks.ARCHITECTURES`.
    size : int
        Side in pixels the images are resized to.
    epochs, batch_size, learning_rate, weight_decay : training schedule (AdamW, one-cycle).
    augment : bool
        Random affine augmentation while training.
    tta : bool
        Average the prediction over the image and 4 one-pixel shifts at inference. Off by
        default: on the internal validation images it did not raise AUC (0.9915 vs 0.9919)
        and costs 5x the inference time (benchmarks/imaging_pneumonia.py).
    validation_fraction : float
        Share of training images held back for early stopping and calibration.
    n_threads : int
        Torch CPU threads.
    random_state : int
        Seed for the split, initialisation, shuffling and augmentation.
    """

    def __init__(self, architecture: str = "resnet10-narrow", size: int = 28, epochs: int = 20,
                 batch_size: int = 64, learning_rate: float = 3e-3, weight_decay: float = 1e-4,
                 augment: bool = True, tta: bool = False, validation_fraction: float = 0.2,
                 n_threads: int = 2, random_state: int = 0) -> None:
        self.architecture = architecture
        self.size = size
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.augment = augment
        self.tta = tta
        self.validation_fraction = validation_fraction
        self.n_threads = n_threads
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "architecture", "size", "epochs", "batch_size", "learning_rate", "weight_decay",
            "augment", "tta", "validation_fraction", "n_threads", "random_state")}

    def set_params(self, **params: Any) -> XrayClassifier:
        for k, v in params.items():
            if k not in self.get_params():
                raise ValueError(f"unknown parameter {k!r}; allowed {sorted(self.get_params())}")
            setattr(self, k, v)
        return self

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, images: np.ndarray, labels: np.ndarray) -> XrayClassifier:
        """Train on ``images`` (n, h, w) with binary ``labels``; returns ``self``."""
        from osler.imaging import _training
        from osler.imaging.transforms import check_images
        images = check_images(images, source="training images")
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(images) or not np.isin(labels, (0, 1)).all():
            raise DataError(f"labels must be one 0/1 value per image; got {len(labels)} labels "
                            f"for {len(images)} images with values {np.unique(labels)[:5]}")
        torch = require("torch", "imaging")
        torch.set_num_threads(self.n_threads)
        torch.manual_seed(self.random_state)
        started = time.perf_counter()
        fit_idx, val_idx = _training.split_by_index(len(images), self.validation_fraction,
                                                    self.random_state)
        x = _training.to_input(images, self.size)
        self.network_, self.history_ = _training.train_network(self, x, labels, fit_idx, val_idx)
        val_logits = self._logits(x[val_idx])
        self.temperature_ = _training.fit_temperature(val_logits, labels[val_idx])
        self.validation_index_ = val_idx
        self.validation_logits_ = val_logits
        self.fit_seconds_ = time.perf_counter() - started
        self.n_features_out_ = int(self.embed_tensor(x[:1]).shape[1])
        return self

    # -- inference -----------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise NotFittedError("this XrayClassifier is not fitted; call fit() or load a model")

    def _logits(self, x: Any) -> np.ndarray:
        from osler.imaging import _training
        return _training.logits(self.network_, x, tta=self.tta, batch_size=256)

    def model_input(self, images: np.ndarray | list[np.ndarray]) -> Any:
        """Preprocessed tensor (n, 1, size, size) from a stack or a list of differently sized
        2D images (DICOM radiographs): the same transforms either way."""
        from osler.imaging import _training
        from osler.imaging.transforms import check_images
        if isinstance(images, (list, tuple)):
            torch = require("torch", "imaging")
            return torch.cat([_training.to_input(check_images(np.asarray(im)[None],
                                                              source=f"image {i}"), self.size)
                              for i, im in enumerate(images)])
        return _training.to_input(check_images(images, source="images"), self.size)

    def decision_function(self, images: np.ndarray | list[np.ndarray]) -> np.ndarray:
        """Calibrated logits (log-odds) per image."""
        self._check_fitted()
        return self._logits(self.model_input(images)) / self.temperature_

    def predict_proba(self, images: np.ndarray | list[np.ndarray]) -> np.ndarray:
        """Calibrated probabilities, shape (n, 2): columns are class 0 and class 1."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(images)))
        return np.column_stack([1.0 - p, p])

    def predict_with_spread(self, images: np.ndarray | list[np.ndarray]
                            ) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probability of class 1 (as :meth:`predict_proba`) and its spread: the SD
        of the probability over the image and four one-pixel shifts of it.

        The shifts are always scored here, whatever ``tta`` says: their disagreement is the
        uncertainty signal the triage worklist uses.
        """
        from osler.imaging import _training
        self._check_fitted()
        z = _training.shifted_logits(self.network_, self.model_input(images), tta=True)
        p = 1.0 / (1.0 + np.exp(-z / self.temperature_))
        centre = z.mean(axis=0) if self.tta else z[0]
        return 1.0 / (1.0 + np.exp(-centre / self.temperature_)), p.std(axis=0)

    def predict(self, images: np.ndarray) -> np.ndarray:
        return (self.predict_proba(images)[:, 1] >= 0.5).astype(int)

    def embed_tensor(self, x: Any) -> np.ndarray:
        from osler.imaging.networks import embed
        self._check_fitted()
        self.network_.eval()
        return embed(self.network_, x).numpy()

    def transform(self, images: np.ndarray | list[np.ndarray]) -> np.ndarray:
        """Fixed-length embeddings (n, n_features_out_) from the last convolutional stage."""
        x = self.model_input(images)
        return np.concatenate([self.embed_tensor(x[i:i + 256]) for i in range(0, len(x), 256)])
