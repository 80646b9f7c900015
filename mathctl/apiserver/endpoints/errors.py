"""Kubernetes ``Status`` error bodies, built the way kube-apiserver builds them.

Every failed request the embedded server answers carries a ``meta/v1 Status`` with the code,
``reason``, ``message`` and ``details`` that a real kube-apiserver v1.28 would send, so that
the official client, kopf and kubectl react to it exactly as they would on a real cluster (a
learner reading ``e.body`` in a notebook sees the real words). The builders mirror
``k8s.io/apimachinery/pkg/api/errors`` (``NewNotFound``, ``NewConflict``, …) one to one;
handlers raise :class:`ApiError` and ``app.py`` turns it into the HTTP response.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error that becomes a ``Status`` response: ``code`` is the HTTP status."""

    def __init__(self, code: int, reason: str, message: str,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message,
        }
        if self.reason:   # a plain Go error becomes a Status with no reason (StatusReasonUnknown)
            body["reason"] = self.reason
        if self.details is not None:
            body["details"] = self.details
        body["code"] = self.code
        return body


def qualified(group: str, resource: str) -> str:
    """``numbers.math.mathctl.example`` or ``configmaps`` (GroupResource.String())."""
    return f"{resource}.{group}" if group else resource


def _details(group: str, kind: str, name: str = "", **more: Any) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if kind:
        details["kind"] = kind
    details.update(more)
    return details


def not_found(group: str, resource: str, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{qualified(group, resource)} "{name}" not found',
                    _details(group, resource, name))


def no_route() -> ApiError:
    """A path no resource answers (go-restful's 404 through ``serviceErrorHandler``).

    For paths under a CRD's group a real server falls through to a plain-text
    ``404 page not found``; here every error is a ``Status``, with the same 404 code.
    """
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


class PageNotFound(ApiError):
    """Go's ``http.NotFound``: a plain-text ``404 page not found``, not a ``Status``.

    kube-apiserver answers so for every path no handler claims: an unknown group or version
    (no go-restful web service, so the request falls through the non-go-restful mux to its
    NotFoundHandler, pkg/server/handler.go), and anything under a CRD's group that no CRD
    serves (the CRD handler delegates to that same handler).
    """

    def __init__(self) -> None:
        super().__init__(404, "NotFound", "404 page not found")


def page_not_found() -> ApiError:
    return PageNotFound()


def already_exists(group: str, resource: str, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists", f'{qualified(group, resource)} "{name}" already exists',
                    _details(group, resource, name))


def conflict(group: str, resource: str, name: str, why: str) -> ApiError:
    target = qualified(group, resource)
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {target} "{name}": {why}',
                    _details(group, resource, name))


MODIFIED = ("the object has been modified; please apply your changes to the latest version and "
            "try again")


def stale(group: str, resource: str, name: str) -> ApiError:
    """The 409 a PUT/patch with an out-of-date ``metadata.resourceVersion`` gets."""
    return conflict(group, resource, name, MODIFIED)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def forbidden(group: str, resource: str, name: str, why: str,
              causes: list[dict[str, str]] | None = None) -> ApiError:
    target = qualified(group, resource)
    message = f'{target} "{name}" is forbidden: {why}' if name else f"{target} is forbidden: {why}"
    details = _details(group, resource, name)
    if causes:
        details["causes"] = causes
    return ApiError(403, "Forbidden", message, details)


def method_not_supported(group: str, resource: str, verb: str) -> ApiError:
    return ApiError(405, "MethodNotAllowed",
                    f'{verb} is not supported on resources of kind "{qualified(group, resource)}"',
                    _details(group, resource))


def method_not_allowed() -> ApiError:
    """go-restful's answer when a path exists but not for this HTTP method."""
    return ApiError(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource", {})


def invalid(group: str, kind: str, name: str, causes: list[dict[str, Any]]) -> ApiError:
    """422 Invalid; ``causes`` hold ``reason`` (FieldValue…), ``message`` and ``field``."""
    texts = [f"{c['field']}: {c['message']}" if c.get("field") else c["message"] for c in causes]
    joined = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    return ApiError(422, "Invalid", f'{qualified(group, kind)} "{name}" is invalid: {joined}',
                    _details(group, kind, name, causes=causes))


def expired(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized", "Unauthorized")


def unsupported_media_type(accepted: list[str]) -> ApiError:
    """415 (negotiation.NewUnsupportedMediaTypeError): the body's Content-Type is not served."""
    return ApiError(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types "
                    "include: " + ", ".join(accepted))


def not_acceptable(supported: list[str]) -> ApiError:
    return ApiError(406, "NotAcceptable",
                    "only the following media types are accepted: " + ", ".join(supported))


def internal(message: str) -> ApiError:
    return ApiError(500, "InternalError",
                    f'an error on the server ("{message}") has prevented the request from '
                    "succeeding")
