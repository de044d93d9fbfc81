"""Privacy: de-identification under one key, shared by every layer. Imports only ``record``."""

from osler.privacy.keys import DeidKey, load_key, write_key

__all__ = ["DeidKey", "load_key", "write_key"]
