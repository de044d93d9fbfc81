"""Training loop internals of :class:`~osler.imaging.classifier.XrayClassifier`."""

from __future__ import annotations

import copy
import logging
from typing import Any

import numpy as np

from osler._extras import require

log = logging.getLogger(__name__)

_TTA_SHIFTS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))


def split_by_index(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle image indices and hold back ``fraction`` of them (at least one each side).

    Images, not patients: the MedMNIST export carries no patient id, so this is the finest
    grouping available (said so in the model card).
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"'validation_fraction' must be in (0, 1); got {fraction}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = min(max(1, round(n * fraction)), n - 1)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def rank_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve by the Mann-Whitney rank statistic (ties averaged)."""
    labels = np.asarray(labels).reshape(-1).astype(bool)
    n_pos, n_neg = labels.sum(), (~labels).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = np.asarray(scores)[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def to_input(images: np.ndarray, size: int) -> Any:
    from osler.imaging.transforms import preprocess
    return preprocess(images, size)


def train_network(est: Any, x: Any, labels: np.ndarray, fit_idx: np.ndarray,
                  val_idx: np.ndarray) -> tuple[Any, list[dict[str, float]]]:
    """Train with AdamW + one-cycle; keep the epoch with the best validation AUC."""
    torch = require("torch", "imaging")
    from osler.imaging.networks import build_network
    from osler.imaging.transforms import RandomAffine
    net = build_network(est.architecture)
    y = torch.as_tensor(labels, dtype=torch.float32)
    opt = torch.optim.AdamW(net.parameters(), lr=est.learning_rate, weight_decay=est.weight_decay)
    steps = max(1, -(-len(fit_idx) // est.batch_size))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=est.learning_rate,
                                                total_steps=steps * est.epochs)
    aug = RandomAffine(seed=est.random_state) if est.augment else None
    rng = np.random.default_rng(est.random_state)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    best, best_auc, history = None, -1.0, []
    for epoch in range(est.epochs):
        net.train()
        total = 0.0
        perm = rng.permutation(fit_idx)
        for start in range(0, len(perm), est.batch_size):
            b = perm[start:start + est.batch_size]
            xb = x[b] if aug is None else aug(x[b])
            opt.zero_grad()
            loss = loss_fn(net(xb).squeeze(1), y[b])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.detach().item() * len(b)
        val_auc = rank_auc(labels[val_idx], logits(net, x[val_idx], tta=False))
        history.append({"epoch": epoch + 1, "train_loss": total / len(perm), "val_auc": val_auc})
        log.info("epoch %d/%d: loss %.4f, validation AUC %.4f", epoch + 1, est.epochs,
                 total / len(perm), val_auc)
        if val_auc > best_auc:
            best_auc, best = val_auc, copy.deepcopy(net.state_dict())
    net.load_state_dict(best)
    net.eval()
    return net, history


def _shift(x: Any, dy: int, dx: int) -> Any:
    torch = require("torch", "imaging")
    if dy == 0 and dx == 0:
        return x
    pad = torch.nn.functional.pad(x, (1, 1, 1, 1), mode="replicate")
    h, w = x.shape[-2:]
    return pad[..., 1 + dy:1 + dy + h, 1 + dx:1 + dx + w]


def logits(net: Any, x: Any, *, tta: bool, batch_size: int = 256) -> np.ndarray:
    """Raw logits; with ``tta``, the mean over the image and four one-pixel shifts."""
    return shifted_logits(net, x, tta=tta, batch_size=batch_size).mean(axis=0)


def shifted_logits(net: Any, x: Any, *, tta: bool, batch_size: int = 256) -> np.ndarray:
    """Raw logits per test-time shift: shape (n_shifts, n_images)."""
    torch = require("torch", "imaging")
    net.eval()
    shifts = _TTA_SHIFTS if tta else _TTA_SHIFTS[:1]
    out = []
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            xb = x[start:start + batch_size]
            out.append(torch.stack([net(_shift(xb, dy, dx)).squeeze(1) for dy, dx in shifts]))
    if not out:
        return np.empty((len(shifts), 0))
    return torch.cat(out, dim=1).numpy().astype(np.float64)


def fit_temperature(val_logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature T minimising validation log-loss of sigmoid(logit / T) (grid + refine)."""
    labels = np.asarray(labels).reshape(-1).astype(float)

    def nll(t: float) -> float:
        z = val_logits / t
        return float(np.mean(np.logaddexp(0.0, z) - labels * z))

    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 200))
    t0 = grid[int(np.argmin([nll(t) for t in grid]))]
    fine = np.linspace(t0 * 0.9, t0 * 1.1, 41)
    return float(fine[int(np.argmin([nll(t) for t in fine]))])
