"""Networks for 2D chest X-ray classification, built from MONAI's modules (no pretrained weights).

Every architecture returns one logit per image and exposes ``features(x)``: a fixed-length
embedding (the pooled output of the last convolutional stage) used for fusion and triage.
"""

from __future__ import annotations

from typing import Any

from osler._extras import require

__all__ = ["ARCHITECTURES", "build_network", "saliency_layer"]

#: name -> (MONAI class, keyword arguments, Grad-CAM target layer). Chosen by measurement in
#: benchmarks/imaging_pneumonia.py; "resnet10-narrow" is the default (see docs/cards/pneumonia).
ARCHITECTURES: dict[str, tuple[str, dict[str, Any], str]] = {
    "resnet18": ("ResNet", {"block": "basic", "layers": [2, 2, 2, 2],
                            "block_inplanes": [64, 128, 256, 512]}, "layer4"),
    "resnet18-narrow": ("ResNet", {"block": "basic", "layers": [2, 2, 2, 2],
                                   "block_inplanes": [32, 64, 128, 256]}, "layer4"),
    "resnet10-narrow": ("ResNet", {"block": "basic", "layers": [1, 1, 1, 1],
                                   "block_inplanes": [32, 64, 128, 256]}, "layer4"),
}


def build_network(architecture: str) -> Any:
    """A fresh, randomly initialised 2D network with one input channel and one logit.

    The stem is a 3x3 convolution with stride 1 and no max-pool: at 28-64 px the ImageNet stem
    (7x7, stride 2, pool) throws away most of the image before the first block.
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(f"'architecture' must be one of {sorted(ARCHITECTURES)}; "
                         f"got {architecture!r}")
    nets = require("monai.networks.nets", "imaging")
    cls, kwargs, _ = ARCHITECTURES[architecture]
    return getattr(nets, cls)(spatial_dims=2, n_input_channels=1, num_classes=1,
                              conv1_t_size=3, conv1_t_stride=1, no_max_pool=True, **kwargs)


def saliency_layer(architecture: str) -> str:
    """Name of the layer Grad-CAM reads (the last convolutional stage)."""
    return ARCHITECTURES[architecture][2]


def embed(network: Any, x: Any) -> Any:
    """Pooled features of the last stage: one fixed-length vector per image (no gradient)."""
    torch = require("torch", "imaging")
    with torch.no_grad():
        h = network.conv1(x)
        h = network.act(network.bn1(h))
        for name in ("layer1", "layer2", "layer3", "layer4"):
            h = getattr(network, name)(h)
        return torch.flatten(network.avgpool(h), 1)
