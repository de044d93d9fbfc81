"""Imaging: transforms, networks, the X-ray classifier, saliency, embeddings and triage.

Torch and MONAI are imported inside functions, so importing this package stays light.
"""

from osler.imaging.classifier import XrayClassifier
from osler.imaging.networks import ARCHITECTURES, build_network
from osler.imaging.persistence import load_classifier, save_classifier
from osler.imaging.synthetic import synthetic_xrays, write_radiograph
from osler.imaging.transforms import RandomAffine, check_images, preprocess

__all__ = ["ARCHITECTURES", "RandomAffine", "XrayClassifier", "build_network", "check_images",
           "load_classifier", "preprocess", "save_classifier", "synthetic_xrays",
           "write_radiograph"]
