"""Label and field selectors, parsed and matched as kube-apiserver v1.28 does it.

The embedded API server uses these for ``?labelSelector=`` and ``?fieldSelector=`` on list
and watch (``kubectl get numbers -l app=demo``, the official client's ``label_selector=``, kopf's
namespace-scoped watches). A bad selector is a ``400 BadRequest`` whose message is
``SelectorError.message`` — the words of the Kubernetes parser, so a learner who types
``-l 'app in demo'`` reads what a real cluster would tell them.

Sources: ``k8s.io/apimachinery/pkg/labels/selector.go`` (lexer, parser, ``NewRequirement``),
``apimachinery/pkg/fields/selector.go`` (terms, escaping), the field-label conversions
``apiextensions-apiserver/pkg/apiserver/conversion/converter.go`` (custom resources: "field label
not supported: …") and ``apimachinery/pkg/runtime/conversion.go`` (the generic metav1 message).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mathctl.apiserver.validation.schema import (
    FieldError,
    aggregate,
    label_value_errors,
    qualified_name_errors,
)

__all__ = [
    "FieldSelector",
    "FieldTerm",
    "LabelSelector",
    "Requirement",
    "SelectorError",
    "custom_resource_field_message",
    "metav1_field_message",
    "parse_field_selector",
    "parse_label_selector",
]


class SelectorError(ValueError):
    """A selector the server rejects with ``400 BadRequest`` and this ``message``."""

    status_code = 400
    reason = "BadRequest"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- label selectors ----------------------------------------------------------------------------

_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_KEYWORDS = {
    ")": "CLOSE", ",": "COMMA", "!": "NOT", "==": "EQEQ", "=": "EQ", ">": "GT", "in": "IN",
    "<": "LT", "!=": "NEQ", "notin": "NOTIN", "(": "OPEN",
}
_BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt"
_OPERATOR_OF = {"IN": "in", "EQ": "=", "EQEQ": "==", "GT": "gt", "LT": "lt", "NOTIN": "notin",
                "NEQ": "!="}


def _lex(text: str) -> list[tuple[str, str]]:
    """The token stream of the Kubernetes label lexer (bytes, like Go)."""
    data = text.encode()
    tokens: list[tuple[str, str]] = []
    pos = 0
    while True:
        while pos < len(data) and chr(data[pos]) in _WHITESPACE:
            pos += 1
        if pos >= len(data) or data[pos] == 0:
            tokens.append(("END", ""))
            return tokens
        if chr(data[pos]) in _SPECIAL:
            buffer = ""
            last: tuple[str, str] | None = None
            while pos < len(data) and chr(data[pos]) in _SPECIAL:
                buffer += chr(data[pos])
                if buffer in _KEYWORDS:
                    last = (_KEYWORDS[buffer], buffer)
                elif last is not None:
                    break
                pos += 1
            if last is None:
                tokens.append(("ERROR", f"error expected: keyword found '{buffer}'"))
            else:
                tokens.append(last)
            continue
        start = pos
        while pos < len(data) and data[pos] != 0 and chr(data[pos]) not in _SPECIAL \
                and chr(data[pos]) not in _WHITESPACE:
            pos += 1
        word = data[start:pos].decode(errors="replace")
        tokens.append((_KEYWORDS.get(word, "ID"), word))


@dataclass(frozen=True)
class Requirement:
    """One ``key op values`` term; ``operator`` uses kube's names (``in``, ``=``, ``exists``…)."""

    key: str
    operator: str
    values: tuple[str, ...]

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op in ("in", "=", "=="):
            return self.key in labels and labels[self.key] in self.values
        if op in ("notin", "!="):
            return self.key not in labels or labels[self.key] not in self.values
        if op == "exists":
            return self.key in labels
        if op == "!":
            return self.key not in labels
        if self.key not in labels or len(self.values) != 1:
            return False
        have, want = _parse_int64(labels[self.key]), _parse_int64(self.values[0])
        if have is None or want is None:
            return False
        return have > want if op == "gt" else have < want

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return "!" + self.key
        symbol = {"in": " in ", "notin": " notin ", "gt": ">", "lt": "<"}.get(self.operator,
                                                                            self.operator)
        values = ",".join(sorted(self.values))
        if self.operator in ("in", "notin"):
            values = f"({values})"
        return self.key + symbol + values


_INT64 = re.compile(r"^[+-]?\d+$")


def _parse_int64(text: str) -> int | None:
    if not _INT64.match(text):
        return None
    value = int(text)
    return value if -(1 << 63) <= value < (1 << 63) else None


@dataclass(frozen=True)
class LabelSelector:
    """An AND of requirements, sorted by key as kube sorts them."""

    requirements: tuple[Requirement, ...]

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.pos = 0

    def lookahead(self, values: bool = True) -> tuple[str, str]:
        return self._value_context(self.items[self.pos], values)

    def consume(self, values: bool = True) -> tuple[str, str]:
        item = self.items[self.pos]
        self.pos += 1
        return self._value_context(item, values)

    @staticmethod
    def _value_context(item: tuple[str, str], values: bool) -> tuple[str, str]:
        if values and item[0] in ("IN", "NOTIN"):
            return "ID", item[1]
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead()
            if tok in ("ID", "NOT"):
                try:
                    requirements.append(self.requirement())
                except SelectorError as exc:
                    raise SelectorError(f"unable to parse requirement: {exc.message}") from None
                tok2, lit2 = self.consume()
                if tok2 == "END":
                    return requirements
                if tok2 == "COMMA":
                    tok3, lit3 = self.lookahead()
                    if tok3 not in ("ID", "NOT"):
                        raise SelectorError(f"found '{lit3}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{lit2}', expected: ',' or 'end of string'")
            elif tok == "END":
                return requirements
            else:
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def requirement(self) -> Requirement:
        key, operator = self.key_and_operator()
        if operator in ("exists", "!"):
            return _new_requirement(key, operator, [])
        operator = self.operator()
        values = self.values() if operator in ("in", "notin") else self.exact_value()
        return _new_requirement(key, operator, sorted(values))

    def key_and_operator(self) -> tuple[str, str]:
        operator = ""
        tok, lit = self.consume()
        if tok == "NOT":
            operator = "!"
            tok, lit = self.consume()
        if tok != "ID":
            raise SelectorError(f"found '{lit}', expected: identifier")
        key_errors = qualified_name_errors(lit)
        if key_errors:
            raise SelectorError(str(FieldError.make("FieldValueInvalid", "<nil>", lit,
                                                    "; ".join(key_errors))))
        if self.lookahead()[0] in ("END", "COMMA") and operator != "!":
            operator = "exists"
        return lit, operator

    def operator(self) -> str:
        tok, lit = self.consume(values=False)
        if tok not in _OPERATOR_OF:
            raise SelectorError(f"found '{lit}', expected: {_BINARY_OPERATORS}")
        return _OPERATOR_OF[tok]

    def values(self) -> set[str]:
        tok, lit = self.consume()
        if tok != "OPEN":
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead()
        if tok in ("ID", "COMMA"):
            found = self.identifiers()
            if self.consume()[0] != "CLOSE":
                raise SelectorError(f"found '{lit}', expected: ')'")
            return found
        if tok == "CLOSE":
            self.consume()
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers(self) -> set[str]:
        found: set[str] = set()
        while True:
            tok, lit = self.consume()
            if tok == "ID":
                found.add(lit)
                tok2, lit2 = self.lookahead()
                if tok2 == "COMMA":
                    continue
                if tok2 == "CLOSE":
                    return found
                raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == "COMMA":
                if not found:
                    found.add("")
                tok2, _ = self.lookahead()
                if tok2 == "CLOSE":
                    found.add("")
                    return found
                if tok2 == "COMMA":
                    self.consume()
                    found.add("")
                continue
            raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        tok, _ = self.lookahead()
        if tok in ("END", "COMMA"):
            return {""}
        tok, lit = self.consume()
        if tok == "ID":
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


def _new_requirement(key: str, operator: str, values: list[str]) -> Requirement:
    """``labels.NewRequirement``: value checks, errors aggregated like kube does."""
    # The key was checked by the parser already, and "()" parses as {""}, so the key and
    # "values set can't be empty" checks of NewRequirement cannot fail here.
    errors: list[FieldError] = []
    if operator in ("gt", "lt"):
        for i, value in enumerate(values):
            if _parse_int64(value) is None:
                errors.append(FieldError.make(
                    "FieldValueInvalid", f"values[{i}]", value,
                    "for 'Gt', 'Lt' operators, the value must be an integer"))
    for i, value in enumerate(values):
        value_errors = label_value_errors(value)
        if value_errors:
            errors.append(FieldError.make("FieldValueInvalid", f"values[{i}][{key}]", value,
                                          "; ".join(value_errors)))
    if errors:
        raise SelectorError(aggregate(errors))
    return Requirement(key, operator, tuple(values))


def parse_label_selector(text: str) -> LabelSelector:
    """Parse ``?labelSelector=``; raise ``SelectorError`` with kube's message when invalid.

    Supports ``=``, ``==``, ``!=``, ``in (…)``, ``notin (…)``, ``key``, ``!key``, ``>``/``<``
    (integers) and comma-AND; the requirements come back sorted by key, as kube keeps them.
    """
    requirements = _Parser(text).parse()
    requirements.sort(key=lambda r: r.key)
    return LabelSelector(tuple(requirements))


# --- field selectors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldTerm:
    """``field=value`` (``equal`` True) or ``field!=value``."""

    field: str
    value: str
    equal: bool

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")
        return f"{self.field}{'=' if self.equal else '!='}{escaped}"


@dataclass(frozen=True)
class FieldSelector:
    """An AND of field terms, matched against fields read from the object by dotted path."""

    terms: tuple[FieldTerm, ...]

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all((_field_value(obj, t.field) == t.value) == t.equal for t in self.terms)

    def empty(self) -> bool:
        return not self.terms

    def requires_exact_match(self, field: str) -> str | None:
        """The value the selector pins ``field`` to, as kube's ``RequiresExactMatch``."""
        for term in self.terms:
            if term.field == field and term.equal:
                return term.value
        return None

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def _field_value(obj: Mapping[str, Any], path: str) -> str:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return ""
        node = node[part]
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)


def custom_resource_field_message(label: str) -> str:
    """What kube says for an unsupported field on a custom resource (crConverter)."""
    return f"field label not supported: {label}"


def metav1_field_message(label: str) -> str:
    """``DefaultMetaV1FieldSelectorConversion``'s message (types with only name/namespace)."""
    return f'"{label}" is not a known field selector: only "metadata.name", "metadata.namespace"'


def _split_terms(text: str) -> list[str]:
    terms, start, in_slash = [], 0, False
    for i, ch in enumerate(text):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    for i in range(len(term)):
        for op in ("!=", "==", "="):
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op):]
    return None


def _unescape(value: str) -> str:
    if not any(c in value for c in "\\,="):
        return value
    out, in_slash = [], False
    for ch in value:
        if in_slash:
            if ch not in "\\,=":
                raise SelectorError(
                    f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch in ",=":
            # Go prints the rune with %v: its code point.
            raise SelectorError(
                f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if in_slash:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def parse_field_selector(text: str, supported: set[str] | frozenset[str], *,
                         unsupported: Callable[[str], str] = custom_resource_field_message,
                         ) -> FieldSelector:
    """Parse ``?fieldSelector=`` and check its fields; ``SelectorError`` with kube's words.

    ``supported`` are the field labels the resource allows (``{"metadata.name",
    "metadata.namespace"}`` for a namespaced custom resource, only ``metadata.name`` for a
    cluster-scoped one). ``unsupported`` builds the message for another field: the custom
    resource wording by default, ``metav1_field_message`` for types using the generic one.
    """
    parts = sorted(_split_terms(text))
    terms: list[FieldTerm] = []
    for part in parts:
        if part == "":
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        field, op, rhs = split
        terms.append(FieldTerm(field, _unescape(rhs), op != "!="))
    for term in terms:
        if term.field not in supported:
            raise SelectorError(unsupported(term.field))
    return FieldSelector(tuple(terms))
