"""The FHIR R4 type of every element, so that FHIR de-id can deny by default.

``resources/deid/fhir_r4_elements.json.gz`` maps each resource, data type and backbone element
(by its fhir.resources class name: ``Observation``, ``ObservationComponent``, ``Coding``) to
its elements' types: a data type's name (``CodeableConcept``), a primitive's (``string``,
``code``, ``uri`` ...), ``Element`` for a primitive's extension (``_birthDate``) or
``Resource``; ``*`` after it when the element repeats. It is generated from fhir.resources'
R4B models, since fhir.resources (7 and later) has none of R4 (the ``fhir`` extra is needed
only to regenerate it), so de-id needs no extra. R4B is R4 but for the medicinal-product,
substance and evidence resources (hl7.org/fhir/R4B/history.html, 4.3.0):

- the R4 resources R4B removed (:data:`R4_ONLY_RESOURCES`: MedicinalProduct ...,
  EffectEvidenceSynthesis, SubstancePolymer ...) are known but untyped: their DomainResource
  elements (id, meta, text, contained, extension) are typed, every other string is free
  text, and they are not refused;
- R4B's additions (Citation, Ingredient, SubscriptionTopic ...) are typed by R4B: no R4
  resource has their names;
- Evidence and EvidenceVariable, reworked in R4B, are typed by R4B. The elements both
  versions have are of the same type (checked by hand against R4) but
  EvidenceVariable.characteristic.timeFromStart, an R4 Duration and an R4B backbone element
  that has none of a Duration's elements, so their strings are free text; an R4 element
  R4B lacks (Evidence.exposureBackground ...) is walked with no type, its strings free text.

To regenerate it:

    python -c "from osler.privacy.deid.fhir_schema import write; \\
               write('src/osler/resources/deid/fhir_r4_elements.json.gz')"
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from osler.errors import IngestError
from osler.resources import path as resource_path

__all__ = ["DATE_PRIMITIVES", "R4_ONLY_RESOURCES", "SAFE_PRIMITIVES", "UNTYPED_RESOURCE",
           "ShapeError", "check_shape", "child_type", "element_type", "is_complex",
           "known_type", "own_resource_type", "string_rule", "typed", "write"]

#: Primitive types whose values are structure, not anything a person wrote: codes, URIs, ids
#: (a resource id is pseudonymised by its own rule), numbers, booleans, times. Everything else
#: (string, markdown, an unknown type) is free text; dates are moved by the date shifter.
SAFE_PRIMITIVES = frozenset({
    "code", "uri", "url", "canonical", "oid", "uuid", "id", "boolean", "integer", "decimal",
    "positiveInt", "unsignedInt", "integer64", "time", "xhtml"})
#: Primitive types moved by the date shifter; a value that is no date is dropped.
DATE_PRIMITIVES = frozenset({"date", "dateTime", "instant"})
#: Primitives whose JSON value is a number or a boolean, not a string.
_NON_STRING = frozenset({"boolean", "integer", "decimal", "positiveInt", "unsignedInt"})
_FILE = "deid/fhir_r4_elements.json.gz"
#: The resources of FHIR R4 (4.0.1) that R4B removed or replaced, so that the table (of R4B)
#: has no type for them (hl7.org/fhir/R4B/history.html, 4.3.0).
R4_ONLY_RESOURCES = frozenset({
    "MedicinalProduct", "MedicinalProductAuthorization", "MedicinalProductContraindication",
    "MedicinalProductIndication", "MedicinalProductIngredient", "MedicinalProductInteraction",
    "MedicinalProductManufactured", "MedicinalProductPackaged",
    "MedicinalProductPharmaceutical", "MedicinalProductUndesirableEffect",
    "EffectEvidenceSynthesis", "RiskEvidenceSynthesis", "SubstanceNucleicAcid",
    "SubstancePolymer", "SubstanceProtein", "SubstanceReferenceInformation",
    "SubstanceSourceMaterial", "SubstanceSpecification"})
#: The type an R4 resource of no type in the table is walked as: its DomainResource elements
#: typed, any other of no type (all its strings free text).
UNTYPED_RESOURCE = "DomainResource"


@lru_cache(maxsize=1)
def _schema() -> dict[str, dict[str, str]]:
    with gzip.open(resource_path(_FILE), "rt", encoding="utf-8") as f:
        return json.load(f)["types"]


def known_type(type_name: str) -> bool:
    """Whether ``type_name`` is a resource, data type or backbone element of the table
    (R4B's; an R4 resource R4B removed is not one: :data:`R4_ONLY_RESOURCES`)."""
    return type_name in _schema()


def own_resource_type(node: dict[str, Any], owner: str | None) -> bool:
    """Whether ``node``'s resourceType is the type it was walked as (:func:`typed`): its
    own, or :data:`UNTYPED_RESOURCE` for an R4 resource of no type in the table."""
    rtype = node.get("resourceType")
    return owner is not None and (rtype == owner or owner == UNTYPED_RESOURCE
                                  and isinstance(rtype, str) and rtype in R4_ONLY_RESOURCES)


def element_type(owner: str, element: str) -> tuple[str, bool] | None:
    """The type of ``owner``'s ``element`` and whether it repeats; None when R4 has no such
    element there (``Patient.customVendorField``).

    Examples
    --------
    >>> element_type("Observation", "code")
    ('CodeableConcept', False)
    >>> element_type("HumanName", "given")
    ('string', True)
    >>> element_type("Patient", "customVendorField") is None
    True
    """
    spec = _schema().get(owner, {}).get(element)
    if spec is None:
        return None
    return spec.rstrip("*"), spec.endswith("*")


def is_complex(type_name: str) -> bool:
    """Whether a value of ``type_name`` is a JSON object (a data type, backbone element or
    resource), not a primitive."""
    return type_name[:1].isupper()


def is_non_string(type_name: str) -> bool:
    """Whether a value of primitive ``type_name`` is a JSON number or boolean."""
    return type_name in _NON_STRING


class ShapeError(IngestError):
    """An element whose JSON contradicts its R4 type (a string where a CodeableConcept
    belongs): the resource is refused, since what it holds cannot be told apart."""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "a null"


def check_shape(value: Any, type_name: str, owner: str, element: str) -> None:
    """Raise :class:`ShapeError` when JSON ``value`` (or an item of it) cannot be of R4 type
    ``type_name``: an object where a primitive belongs, anything else where an object does,
    a number or boolean where a string does and the reverse, a list in a list. Cardinality is
    not checked (one value where R4 repeats it is walked as a list of one). The message
    names the element by its type and name, never the value."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if item is None:   # "_given": [null, {...}] pairs primitive lists with extensions
            continue
        if isinstance(item, list):
            ok = False
        elif is_complex(type_name):
            ok = isinstance(item, dict)
        elif is_non_string(type_name):
            ok = (isinstance(item, bool) if type_name == "boolean"
                  else isinstance(item, (int, float)) and not isinstance(item, bool))
        else:
            ok = isinstance(item, str)
        if not ok:
            raise ShapeError(f"malformed FHIR resource: {owner}.{element} is {_kind(item)} "
                             f"where FHIR R4 has {'an' if type_name[0] in 'AEIOUaeiou' else 'a'}"
                             f" {type_name}")


def typed(node: dict[str, Any], etype: str | None,
          handled: Callable[[str, str, Any], bool]) -> str | None:
    """The R4 type of ``node`` (None: not known), each of its elements checked against the
    type R4 gives it (:func:`check_shape`), but those of a wrong shape that ``handled(type,
    element, value)`` says a rule of the walker's takes care of (an address as one string).
    An element R4 does not have there is not checked: it is walked with no type, all its
    strings free text."""
    owner = _owner(node, etype)
    if owner is None:
        return None
    for k, v in node.items():
        spec = element_type(owner, k)
        if spec is not None and not handled(owner, k, v):
            check_shape(v, spec[0], owner, k)
    return owner


def _owner(node: dict[str, Any], etype: str | None) -> str | None:
    """The R4 type of ``node``: its resourceType where a resource belongs (or where the type
    is not known), :data:`UNTYPED_RESOURCE` for an R4 resource R4B removed, else ``etype``.
    ShapeError for a resource of neither R4 nor R4B (its elements' types cannot be told) or
    with no resourceType where one belongs."""
    rtype = node.get("resourceType")
    if etype in (None, "Resource") and isinstance(rtype, str) and rtype in R4_ONLY_RESOURCES:
        return UNTYPED_RESOURCE
    if etype in (None, "Resource") and rtype is not None:
        if not (isinstance(rtype, str) and rtype[:1].isupper() and known_type(rtype)
                and element_type(rtype, "meta") is not None):
            raise ShapeError("malformed FHIR resource: its resourceType is not a FHIR R4 "
                             "resource type")
        return rtype
    if etype == "Resource":
        raise ShapeError("malformed FHIR resource: a resource with no resourceType")
    return etype


def child_type(owner: str | None, element: str) -> str | None:
    """The R4 type of ``owner``'s ``element``; None when either is not known."""
    spec = element_type(owner, element) if owner is not None else None
    return spec[0] if spec is not None else None


def string_rule(type_name: str | None, value: str) -> str:
    """How a string of R4 type ``type_name`` is de-identified: "text" (free text, any type
    not positively safe, or a code or URI holding spaces, which no code or URI has),
    "date" (moved by the shifter), "drop" (base64 cannot be checked) or "keep"."""
    if type_name in DATE_PRIMITIVES:
        return "date"
    if type_name == "base64Binary":
        return "drop"
    if type_name in SAFE_PRIMITIVES and not any(c.isspace() for c in value.strip()):
        return "keep"
    return "text"


# -- generation (needs fhir.resources) ---------------------------------------------------------

_COMPLEX = re.compile(r"\babc\.(\w+)Type\b")
# the last marker class in Annotated[...] is the FHIR primitive's: Annotated[bytes,
# EncodedBytes(...), Base64Binary()], Annotated[str, <fhir_core.types.Xhtml object at ...>]
_PRIMITIVE = re.compile(r"(\w+)(?:\(|\s+object\b)")


def _spec(annotation: Any) -> tuple[str | None, bool]:
    text = str(annotation)
    many = "List[" in text
    m = _COMPLEX.search(text)
    if m:
        name = m[1]
        return {"FHIRPrimitiveExtension": "Element"}.get(name, name), many
    if re.fullmatch(r"(?:typing\.Optional\[)?bool(?: \| None)?\]?", text):
        return "boolean", many
    marks = _PRIMITIVE.findall(text[text.find("Annotated["):]) if "Annotated[" in text else []
    if marks:
        name = {"UuidVersion": "Uuid"}.get(marks[-1], marks[-1])   # Annotated[uuid.UUID, ...]
        return name[0].lower() + name[1:], many
    return None, many


def build() -> dict[str, Any]:
    """The element types of every class that fhir.resources' R4B models reach from its
    resources and data types."""
    import importlib
    from pathlib import Path

    from osler._extras import require

    package = require("fhir.resources.R4B", "fhir")
    names = sorted(p.stem for p in Path(package.__file__).parent.glob("*.py"))
    todo: list[str] = []
    for module in names:
        mod = importlib.import_module(f"fhir.resources.R4B.{module}")
        todo += [n for n, c in vars(mod).items() if isinstance(c, type)
                 and hasattr(c, "model_fields") and c.__module__ == mod.__name__
                 and hasattr(c, "get_resource_type")]
    types: dict[str, dict[str, str]] = {}
    while todo:
        cls_name = todo.pop()
        if cls_name in types:
            continue
        try:
            cls = package.get_fhir_model_class(cls_name)
        except (KeyError, ValueError, AttributeError):
            continue
        fields: dict[str, str] = {}
        for field in cls.model_fields.values():
            alias = field.alias or ""
            if alias in ("fhir_comments", "resource_type") or not alias:
                continue
            name, many = _spec(field.annotation)
            if name is None:
                raise ValueError(f"{cls_name}.{alias}: unknown annotation {field.annotation}")
            fields[alias] = name + ("*" if many else "")
            if name[:1].isupper() and name not in types:
                todo.append(name)
        types[cls_name] = fields
    types.pop("FHIRAbstractModel", None)
    return {"source": "fhir.resources R4B models (generated by osler.privacy.deid.fhir_schema)",
            "types": dict(sorted(types.items()))}


def write(path: str) -> None:
    """Regenerate the resource file at ``path`` (:func:`build`)."""
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump(build(), out, separators=(",", ":"), sort_keys=True)
