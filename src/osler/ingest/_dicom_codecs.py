"""A pydicom decoder plugin for JPEG, JPEG-LS and JPEG 2000 through pylibjpeg 1.x plugins.

pydicom 3's own ``pylibjpeg`` plugin insists on pylibjpeg>=2, which needs numpy>=2; Osler is on
numpy 1.26 (see README). The codec libraries themselves (pylibjpeg-libjpeg 2.x and
pylibjpeg-openjpeg 2.x) work with numpy 1.26, so this module calls them directly and pydicom does
the rest (photometric interpretation, pixel representation, frames). Checked on the pydicom test
files: JPEG lossless/extended, JPEG-LS lossless and near-lossless, HTJ2K (see tests).
"""

from __future__ import annotations

import importlib.util
from typing import Any

__all__ = ["DECODER_DEPENDENCIES", "is_available", "register"]

_PLUGIN = "osler-libjpeg-openjpeg"

_LIBJPEG = {
    "1.2.840.10008.1.2.4.50": "JPEG Baseline", "1.2.840.10008.1.2.4.51": "JPEG Extended",
    "1.2.840.10008.1.2.4.57": "JPEG Lossless", "1.2.840.10008.1.2.4.70": "JPEG Lossless SV1",
    "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless", "1.2.840.10008.1.2.4.81": "JPEG-LS Near-lossless",
}
_OPENJPEG = {
    "1.2.840.10008.1.2.4.90": "JPEG 2000 Lossless", "1.2.840.10008.1.2.4.91": "JPEG 2000",
    "1.2.840.10008.1.2.4.201": "HTJ2K Lossless", "1.2.840.10008.1.2.4.202": "HTJ2K Lossless RPCL",
    "1.2.840.10008.1.2.4.203": "HTJ2K",
}
_JPEG_LS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}

#: Required by pydicom's plugin interface: what each syntax needs when unavailable.
DECODER_DEPENDENCIES = {**{u: ("pylibjpeg-libjpeg>=2.1",) for u in _LIBJPEG},
                        **{u: ("pylibjpeg-openjpeg>=2.0",) for u in _OPENJPEG}}


def is_available(uid: str) -> bool:
    """Required by pydicom's plugin interface."""
    if uid in _LIBJPEG:
        return importlib.util.find_spec("libjpeg") is not None
    if uid in _OPENJPEG:
        return importlib.util.find_spec("openjpeg") is not None
    return False


def _container_bits(precision: int) -> int:
    return 8 if precision <= 8 else 16 if precision <= 16 else 32


def _decode_frame(src: bytes, runner: Any) -> bytearray:
    """Decode one frame; tell pydicom the layout the codec returned."""
    syntax = str(runner.transfer_syntax)
    if syntax in _OPENJPEG:
        from openjpeg.utils import decode_pixel_data
        frame = decode_pixel_data(src, version=2, **runner.options)
        # openjpeg returns YBR_ICT/RCT already as RGB, in a container sized by J2K precision
        if runner.photometric_interpretation in ("YBR_ICT", "YBR_RCT"):
            runner.set_option("photometric_interpretation", "RGB")
        bits = runner.get_option("j2k_precision", runner.bits_stored)
        runner.set_option("bits_allocated", _container_bits(bits))
        return frame
    from libjpeg.utils import decode_pixel_data
    frame = decode_pixel_data(src, version=2, **runner.options)
    if syntax in _JPEG_LS:
        # libjpeg returns JPEG-LS colour by pixel, in a container sized by JPEG-LS precision
        runner.set_option("planar_configuration", 0)
        bits = runner.get_option("jls_precision", runner.bits_stored)
        runner.set_option("bits_allocated", _container_bits(bits))
    return frame


def register() -> None:
    """Add this plugin to pydicom's decoders once per process (idempotent)."""
    from pydicom.pixels.decoders.base import get_decoder
    for uid in DECODER_DEPENDENCIES:
        decoder = get_decoder(uid)
        if _PLUGIN in decoder._available or _PLUGIN in decoder._unavailable:
            continue
        decoder.add_plugin(_PLUGIN, (__name__, "_decode_frame"))
