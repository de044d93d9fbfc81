"""Privacy: de-identification under one key, consent and audit, shared by every layer.

Imports only ``record`` (and errors, resources, optional extras).
"""

from osler.privacy.audit import AuditLog
from osler.privacy.consent import consent_allows, require_consent
from osler.privacy.keys import DeidKey, load_key, write_key

__all__ = ["AuditLog", "DeidKey", "consent_allows", "load_key", "require_consent", "write_key"]
