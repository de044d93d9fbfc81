"""Osler: AI for precision medicine on one leakage-safe timeline per patient."""

__version__ = "0.1.0"
__all__ = ["__version__"]
