"""HTTP: routing Kubernetes API paths to the verbs, bearer-token auth, watch streams.

One aiohttp low-level ``web.Server`` handler (no router, no middleware stack: the request path
is split once and dispatched by hand, which keeps a write to a few hundred microseconds on
these 2-core machines). Paths follow kube-apiserver's layout::

    /api/v1/<resource>[/<name>[/status]]                      cluster-scoped or all namespaces
    /api/v1/namespaces/<ns>/<resource>[/<name>[/status]]      namespaced
    /apis/<group>/<version>/...                               the same under a group

Every request but ``/healthz``, ``/livez``, ``/readyz`` and ``/version`` needs the bearer
token (401 ``Status`` otherwise), and every error is answered as a ``Status``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import socket
import struct
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from mathctl.apiserver.auth import escalation, rbac
from mathctl.apiserver.auth.tokens import TokenIssuer, bearer_token
from mathctl.apiserver.endpoints import decode, discovery, errors, listoptions, openapi
from mathctl.apiserver.endpoints.handlers import Handlers, Options, Result
from mathctl.apiserver.registry.conversion import view_raw
from mathctl.apiserver.registry.crds import CLEANUP_FINALIZER, CRD_STORAGE, validation_causes
from mathctl.apiserver.registry.registry import META_FIELDS, Registry, Resource
from mathctl.apiserver.storage import paging
from mathctl.apiserver.storage.store import Entry, Store, encode
from mathctl.apiserver.storage.watch import Watcher, WatchHub, next_bookmark_time
from mathctl.apiserver.validation.builtin_validation import VALIDATORS

log = logging.getLogger(__name__)
audit = logging.getLogger(rbac.AUDIT_LOGGER)

JSON = "application/json"
PUBLIC = frozenset({"/healthz", "/livez", "/readyz", "/version", "/version/"})
TABLE_KIND = "as=Table"
# Default watch length when the client gives no timeoutSeconds (kube-apiserver picks a random
# time between --min-request-timeout=1800s and twice that).
DEFAULT_WATCH_SECONDS = 1800.0


class ApiServer:
    """The request handler: holds the store, registry, watch hub and verb handlers."""

    def __init__(self, store: Store, registry: Registry, hub: WatchHub, handlers: Handlers,
                 token: str) -> None:
        self.store = store
        self.registry = registry
        self.hub = hub
        self.handlers = handlers
        self._token = f"Bearer {token}".encode()
        self.address = ""
        self.ready = True
        # ServiceAccount tokens (TokenRequest) and RBAC for them; the admin token bypasses both.
        self.tokens: TokenIssuer | None = None
        handlers.validators[CRD_STORAGE] = validation_causes
        handlers.validators.update(VALIDATORS)
        handlers.delete_finalizers[CRD_STORAGE] = CLEANUP_FINALIZER
        handlers.admission.append(escalation.Guard(store))

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        try:
            return await self._dispatch(request)
        except errors.ApiError as exc:
            return _status_response(exc)
        except asyncio.CancelledError:
            raise
        except web.HTTPRequestEntityTooLarge:
            return _status_response(decode.too_large())
        except RecursionError:
            log.exception("%s %s nested too deeply", request.method, request.path_qs)
            return _status_response(errors.bad_request(
                "the object provided is nested too deeply for this server"))
        except Exception:
            # Details go to the server log only: a client never sees Python exception text.
            log.exception("%s %s failed", request.method, request.path_qs)
            return _status_response(errors.internal("unexpected error; see the server's log"))

    # -- routing -------------------------------------------------------------------------

    async def _dispatch(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if path in PUBLIC:
            return self._public(path)
        auth = request.headers.get("Authorization", "").encode()
        user = None   # the admin token: system:masters
        if not hmac.compare_digest(auth, self._token):
            user = self._authenticate(auth)
            self._authorize(request, user)
        # Whose writes of RBAC objects escalation.Guard checks (one connection, many requests).
        escalation.REQUEST_USER.set(user)
        parts = [p for p in path.split("/") if p]
        if not parts:
            return _json({"paths": ["/api", "/api/v1", "/apis", "/healthz", "/livez",
                                    "/openapi/v2", "/openapi/v3", "/readyz", "/version"]})
        head = parts[0]
        if head == "api":
            if len(parts) == 1:
                return _json(discovery.api_versions(self.address))
            return await self._group_version(request, "", parts[1], parts[2:])
        if head == "apis":
            if len(parts) == 1:
                return _json(discovery.api_group_list(self.registry))
            if len(parts) == 2:
                group_doc = discovery.api_group(self.registry, parts[1])
                if group_doc is None:
                    raise errors.page_not_found()
                return _json(group_doc)
            return await self._group_version(request, parts[1], parts[2], parts[3:])
        if head == "openapi":
            if parts[1:] == ["v2"] and "protobuf" in request.headers.get("Accept", ""):
                return web.Response(body=openapi.V2_PROTOBUF,
                                    headers={"Content-Type": openapi.V2_PROTOBUF_TYPE})
            return _json(openapi.document(self.registry, parts[1:]))
        raise errors.page_not_found()

    def _public(self, path: str) -> web.StreamResponse:
        if path.startswith("/version"):
            return _json(discovery.VERSION_INFO)
        if not self.ready:
            return web.Response(status=500, text="[-]store not ready\nreadyz check failed")
        return web.Response(text="ok", content_type="text/plain")

    def _authenticate(self, header: bytes) -> rbac.UserInfo:
        """The ServiceAccount a bearer token stands for (tokens.py), or 401."""
        token = bearer_token(header.decode("latin-1"))
        user = None
        if token and self.tokens is not None:
            def lookup(namespace: str, name: str) -> dict[str, Any] | None:
                entry = self.store.get("serviceaccounts", namespace, name)
                return entry.obj if entry else None

            user = self.tokens.authenticate(token, lookup)
        if user is None:
            raise errors.unauthorized()
        return user

    def _authorize(self, request: web.BaseRequest, user: rbac.UserInfo) -> None:
        """RBAC (rbac.py) over the stored Roles and bindings; 403 with kube's message."""
        attrs = rbac.request_attributes(user, request.method, request.path, request.query)
        objects = [e.obj for s in rbac.STORAGES for e in self.store.list(s, None)]
        decision = rbac.authorize(rbac.Policy.from_objects(objects), attrs)
        if audit.isEnabledFor(logging.INFO):
            audit.info("%s", rbac.audit_line(attrs, decision.allowed))
        if not decision.allowed:
            raise rbac.forbidden(attrs, decision.reason)

    async def _group_version(self, request: web.BaseRequest, group: str, version: str,
                             rest: list[str]) -> web.StreamResponse:
        if not self.registry.has_group_version(group, version):
            raise errors.page_not_found()
        # go-restful serves built-in group versions (its 404 is a Status); the rest falls
        # through to the CRD handler, whose 404 is the plain-text page.
        def no_route() -> errors.ApiError:
            builtin = any(not r.is_custom
                          for r in self.registry.in_group_version(group, version))
            return errors.no_route() if builtin else errors.page_not_found()

        if not rest:
            doc = discovery.api_resource_list(self.registry, group, version)
            if doc is None:
                raise no_route()
            return _json(doc)
        watch_path = rest[0] == "watch"
        if watch_path:
            rest = rest[1:]
        namespace: str | None = None
        if len(rest) >= 3 and rest[0] == "namespaces" and (
                self.registry.get(group, version, rest[2]) or len(rest) > 3):
            namespace, rest = rest[1], rest[2:]
        resource = self.registry.get(group, version, rest[0]) if rest else None
        if resource is None or len(rest) > 3:
            raise no_route()
        if namespace is not None and not resource.namespaced:
            raise no_route()
        name = rest[1] if len(rest) > 1 else ""
        subresource = rest[2] if len(rest) > 2 else ""
        if subresource == "token" and resource.storage == "serviceaccounts" and \
                request.method == "POST" and self.tokens is not None:
            sa = self.store.get("serviceaccounts", namespace or "", name)
            return _json(self.tokens.token_request(await _read(request), namespace or "", name,
                                                   sa.obj if sa else None), 201)
        if subresource and not (subresource == "status" and resource.has_status):
            if resource.is_custom:
                raise errors.not_found(resource.group, resource.plural, name)
            raise errors.no_route()
        if resource.namespaced and namespace is None and name:
            raise no_route()
        query = request.query
        if watch_path or query.get("watch") in ("1", "true", "True"):
            if name:
                return await self._watch(request, resource, namespace, name)
            if request.method != "GET":
                raise errors.method_not_allowed()
            return await self._watch(request, resource, namespace, None)
        ns = namespace or ""
        method = request.method
        options = _options(query)
        options.user_agent = request.headers.get("User-Agent", "")
        if not name:
            if method == "GET":
                return self._list(request, resource, namespace)
            if resource.namespaced and namespace is None:
                # Only list and watch span namespaces: the CRD handler passes other verbs on
                # to the 404 handler, go-restful has no such route for built-ins.
                raise no_route() if resource.is_custom else errors.method_not_allowed()
            if method == "POST":
                body = await _body(request, resource)
                return self._result(request, resource, self.handlers.create(
                    resource, ns, body, options))
            if method == "DELETE":
                return await self._delete_collection(request, resource, namespace, options)
            if method in ("PUT", "PATCH") and resource.is_custom:
                # handlers/namer.go errEmptyName: the CR handler needs a name for these verbs.
                raise errors.bad_request("name must be provided")
            raise errors.method_not_allowed()
        if subresource:
            if method == "GET":
                return self._result(request, resource,
                                    self.handlers.get(resource, ns, name))
            if method == "PUT":
                body = await _body(request, resource)
                return self._result(request, resource, self.handlers.update(
                    resource, ns, name, body, subresource, options))
            if method == "PATCH":
                return self._result(request, resource, self.handlers.patch(
                    resource, ns, name, await _read(request), _content_type(request),
                    subresource, options))
            if resource.is_custom:
                # crdHandler.serveStatus: only get, update and patch.
                raise errors.method_not_supported(resource.group, resource.plural,
                                                  _verb(method))
            raise errors.method_not_allowed()
        if method == "GET":
            return self._result(request, resource, self.handlers.get(resource, ns, name))
        if method == "PUT":
            body = await _body(request, resource)
            return self._result(request, resource, self.handlers.update(
                resource, ns, name, body, "", options))
        if method == "PATCH":
            return self._result(request, resource, self.handlers.patch(
                resource, ns, name, await _read(request), _content_type(request), "",
                options))
        if method == "DELETE":
            delete_options = await _delete_options(request)
            return self._result(request, resource, self.handlers.delete(
                resource, ns, name, delete_options, options))
        if resource.is_custom:
            raise errors.method_not_supported(resource.group, resource.plural, _verb(method))
        raise errors.method_not_allowed()

    # -- responses -----------------------------------------------------------------------

    def _result(self, request: web.BaseRequest, resource: Resource,
                result: Result) -> web.StreamResponse:
        headers = {"Warning": ", ".join(f'299 - "{_escape(w)}"' for w in result.warnings)} \
            if result.warnings else None
        body = result.body
        if _wants_table(request) and not (isinstance(body, dict) and body.get("kind") ==
                                           "Status"):
            obj = json.loads(body) if isinstance(body, bytes) else body
            body = encode(self._table(request, resource, [obj], None))
        elif isinstance(body, dict):
            body = encode(body)
        return web.Response(body=body, status=result.code, content_type=JSON, headers=headers)

    def _table(self, request: web.BaseRequest, resource: Resource,
               objects: list[dict[str, Any]], list_meta: dict[str, Any] | None
               ) -> dict[str, Any]:
        from mathctl.apiserver.endpoints import tables

        include = request.query.get("includeObject", "Metadata")
        columns = resource.printer_columns or tables.default_columns()
        try:
            if not resource.is_custom and not resource.printer_columns:
                from mathctl.apiserver.endpoints.printers import build_builtin_table

                built = build_builtin_table(resource.plural, objects, now=datetime.now(UTC),
                                            include_object=include, list_meta=list_meta)
                if built is not None:
                    return built
            return tables.build_table(objects, columns, now=datetime.now(UTC),
                                      include_object=include, list_meta=list_meta)
        except tables.TableError as exc:
            raise errors.bad_request(str(exc)) from None
        except Exception:
            # An odd object stored before validation existed must not break every list: the
            # rows fall back to NAME and AGE (kube's default table) and the log says why.
            log.exception("printing %s as a table failed; default columns used",
                          resource.plural)
            return tables.build_table(objects, tables.default_columns(), now=datetime.now(UTC),
                                      include_object=include, list_meta=list_meta)

    def _selected(self, request: web.BaseRequest, resource: Resource,
                  namespace: str | None) -> tuple[list[Entry], Any]:
        matcher = self._matcher(request, resource)
        entries = self.store.list(resource.storage, namespace)
        if matcher is not None:
            entries = [e for e in entries if matcher(e.obj)]
        return entries, matcher

    def _matcher(self, request: web.BaseRequest, resource: Resource) -> Any:
        label_text = request.query.get("labelSelector", "")
        field_text = request.query.get("fieldSelector", "")
        if not label_text and not field_text:
            return None
        from mathctl.apiserver.validation import selectors

        try:
            label = selectors.parse_label_selector(label_text) if label_text else None
            # Types with only the generic fields word the refusal differently (metav1).
            unsupported = (selectors.metav1_field_message
                           if not resource.is_custom and resource.field_selectors == META_FIELDS
                           else selectors.custom_resource_field_message)
            fields = (selectors.parse_field_selector(field_text, resource.field_selectors,
                                                     unsupported=unsupported)
                      if field_text else None)
        except selectors.SelectorError as exc:
            raise errors.bad_request(str(exc)) from None

        def matches(obj: dict[str, Any]) -> bool:
            if label is not None and not label.matches(
                    (obj.get("metadata") or {}).get("labels") or {}):
                return False
            return fields is None or fields.matches(obj)

        return matches

    def _list(self, request: web.BaseRequest, resource: Resource,
              namespace: str | None) -> web.StreamResponse:
        query = request.query
        listoptions.validate(query, watch=False)
        page = paging.list_page(self.store, self.hub, resource.storage, namespace,
                                self._matcher(request, resource), _int_param(query, "limit"),
                                query.get("continue", ""))
        entries, list_meta = page.entries, page.meta
        if _wants_table(request):
            from mathctl.apiserver.registry.conversion import view

            objs = [view(resource, e) for e in entries]
            return _json(self._table(request, resource, objs, list_meta))
        head = encode({"kind": resource.list_kind, "apiVersion": resource.api_version,
                       "metadata": list_meta})[:-1]
        body = head + b',"items":[' + b",".join(view_raw(resource, e) for e in entries) + b"]}"
        return web.Response(body=body, content_type=JSON)

    async def _delete_collection(self, request: web.BaseRequest, resource: Resource,
                                 namespace: str | None, options: Options) -> web.StreamResponse:
        entries, _ = self._selected(request, resource, namespace)
        delete_options = await _delete_options(request)
        items = self.handlers.delete_collection(resource, namespace, entries, delete_options,
                                                options)
        return _json({"kind": resource.list_kind, "apiVersion": resource.api_version,
                      "metadata": {"resourceVersion": str(self.store.rv)}, "items": items})

    # -- watch ---------------------------------------------------------------------------

    async def _watch(self, request: web.BaseRequest, resource: Resource,
                     namespace: str | None, name: str | None) -> web.StreamResponse:
        query = request.query
        listoptions.validate(query, watch=True)
        # The request's deadline counts from its start (kube: the request context's).
        deadline = asyncio.get_running_loop().time() + (
            _float_param(query, "timeoutSeconds") or DEFAULT_WATCH_SECONDS)
        matcher = self._matcher(request, resource)
        if name is not None:
            inner = matcher

            def matcher(obj: dict[str, Any]) -> bool:
                return bool(obj["metadata"]["name"] == name and (inner is None or inner(obj)))

        rv_text = query.get("resourceVersion", "")
        since: int | None
        if rv_text in ("", "0"):
            since = None
        else:
            try:
                since = int(rv_text)
            except ValueError:
                raise errors.bad_request(
                    f'invalid resource version: strconv.ParseUint: parsing "{rv_text}": '
                    "invalid syntax") from None
            if since > self.store.rv:
                # cacher waitUntilFreshAndBlock -> NewTooLargeResourceVersionError
                raise errors.ApiError(
                    504, "Timeout",
                    f"Too large resource version: {since}, current: {self.store.rv}",
                    {"causes": [{"reason": "ResourceVersionTooLarge",
                                 "message": "Too large resource version"}],
                     "retryAfterSeconds": 1})
        table = _wants_table(request)

        def render(entry: Entry) -> bytes:
            if table:
                from mathctl.apiserver.registry.conversion import view

                return encode(self._table(request, resource, [view(resource, entry)], None))
            return view_raw(resource, entry)

        # Objects render alike for every plain watcher of this resource: frames are shared.
        watcher = Watcher(resource.storage, namespace, matcher, render,
                          shared=None if table else (resource.group, resource.version))
        try:
            self.hub.open(watcher, since)
        except errors.ApiError as exc:
            # A version older than the history: 200, then one ERROR event (watch.go).
            response = web.StreamResponse(status=200, headers={"Content-Type": JSON})
            await response.prepare(request)
            await response.write(b'{"type":"ERROR","object":' + encode(exc.status()) + b"}\n")
            await response.write_eof()
            return response
        initial: list[bytes] = []
        if since is None:
            entries = self.store.list(resource.storage, namespace)
            initial = [b'{"type":"ADDED","object":' + render(e) + b"}\n"
                       for e in entries if matcher is None or matcher(e.obj)]
        bookmarks = query.get("allowWatchBookmarks") in ("1", "true", "True")
        response = web.StreamResponse(status=200, headers={"Content-Type": JSON})
        response.enable_chunked_encoding()
        transport = request.transport
        if transport is not None:
            watcher.on_stall = functools.partial(_reset, transport)
        try:
            await response.prepare(request)
            if initial:
                watcher.writing_since = time.monotonic()
                await response.write(b"".join(initial))
                watcher.writing_since = None
            await self._pump(response, watcher, resource, deadline, bookmarks, table)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.hub.close(watcher)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await response.write_eof()
        return response

    async def _pump(self, response: web.StreamResponse, watcher: Watcher, resource: Resource,
                    deadline: float, bookmarks: bool, table: bool) -> None:
        loop = asyncio.get_running_loop()
        next_bookmark = next_bookmark_time(loop.time(), deadline) if bookmarks else None
        while not watcher.closed:
            if loop.time() >= deadline:
                return
            wake = deadline if next_bookmark is None else min(deadline, next_bookmark)
            events = await watcher.next_events(wake)
            if events is None:
                if next_bookmark is not None and loop.time() >= next_bookmark:
                    await response.write(self._bookmark(resource, table))
                    next_bookmark = next_bookmark_time(loop.time(), deadline)
                continue
            watcher.writing_since = time.monotonic()
            await response.write(events)
            watcher.writing_since = None

    def _bookmark(self, resource: Resource, table: bool) -> bytes:
        meta = {"resourceVersion": str(self.store.rv)}
        if table:
            obj: dict[str, Any] = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
                                   "metadata": meta, "columnDefinitions": None, "rows": None}
        else:
            obj = {"kind": resource.kind, "apiVersion": resource.api_version, "metadata": meta}
        return b'{"type":"BOOKMARK","object":' + encode(obj) + b"}\n"


# -- request helpers ----------------------------------------------------------------------

def _reset(transport: asyncio.BaseTransport) -> None:
    """Drop a connection whose client stopped reading (a watcher closed for falling behind):
    the end of its stream could never reach it, so reset it and free what the kernel buffers
    for it (SO_LINGER 0) rather than leave the data queued behind a FIN."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()  # type: ignore[attr-defined]


def _json(obj: Any, status: int = 200) -> web.Response:
    return web.Response(body=encode(obj), status=status, content_type=JSON)


def _status_response(exc: errors.ApiError) -> web.Response:
    if isinstance(exc, errors.PageNotFound):
        return web.Response(status=404, text="404 page not found\n", content_type="text/plain",
                            charset="utf-8", headers={"X-Content-Type-Options": "nosniff"})
    return web.Response(body=encode(exc.status()), status=exc.code, content_type=JSON)


def _verb(method: str) -> str:
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete",
            "GET": "get"}.get(method, method.lower())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _content_type(request: web.BaseRequest) -> str:
    return request.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _wants_table(request: web.BaseRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return TABLE_KIND in accept and "g=meta.k8s.io" in accept


async def _read(request: web.BaseRequest) -> bytes:
    """The raw body, refused with 413 past kube's 3 MiB (handlers/rest.go limitedReadBody)."""
    if (request.content_length or 0) > decode.MAX_BODY_BYTES:
        raise decode.too_large()
    chunks, size = [], 0
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > decode.MAX_BODY_BYTES:
            raise decode.too_large()
        chunks.append(chunk)
    return b"".join(chunks)


async def _body(request: web.BaseRequest, resource: Resource) -> bytes:
    """The body of a create/update as JSON bytes (YAML is converted; others get 415)."""
    content_type = _content_type(request)
    body = await _read(request)
    if content_type in ("", JSON, "*/*", "application/yaml", "application/x-yaml"):
        return decode.body_json(body, content_type)
    accepted = [JSON, "application/yaml"]
    if not resource.is_custom:
        accepted.append("application/vnd.kubernetes.protobuf")
    raise errors.unsupported_media_type(accepted)


async def _delete_options(request: web.BaseRequest) -> dict[str, Any]:
    """DeleteOptions from the body, or else from the query (delete.go reads one or the other)."""
    body = await _read(request)
    if body.strip():
        try:
            options = decode.loads_json(body)
        except ValueError as exc:
            raise errors.bad_request(f"couldn't get version/kind; json parse error: {exc}") \
                from None
        if not isinstance(options, dict):
            raise errors.bad_request("decoded object cannot be converted to DeleteOptions")
    else:
        query = request.query
        options = {}
        if "propagationPolicy" in query:
            options["propagationPolicy"] = query["propagationPolicy"]
        if "orphanDependents" in query:
            options["orphanDependents"] = query["orphanDependents"] in ("true", "1")
        if "gracePeriodSeconds" in query:
            options["gracePeriodSeconds"] = _int_param(query, "gracePeriodSeconds")
    policy = options.get("propagationPolicy")
    if policy is not None and policy not in ("Orphan", "Background", "Foreground"):
        raise errors.invalid("meta.k8s.io", "DeleteOptions", "", [{
            "reason": "FieldValueNotSupported", "field": "propagationPolicy",
            "message": f'Unsupported value: "{policy}": supported values: "Foreground", '
                       '"Background", "Orphan", "nil"'}])
    if policy is not None and options.get("orphanDependents") is not None:
        raise errors.invalid("meta.k8s.io", "DeleteOptions", "", [{
            "reason": "FieldValueInvalid", "field": "propagationPolicy",
            "message": f'Invalid value: "{policy}": orphanDependents and deletionPropagation '
                       "cannot be both set"}])
    return options


def _options(query: Any) -> Options:
    field_validation = query.get("fieldValidation", "Warn") or "Warn"
    if field_validation not in ("Ignore", "Warn", "Strict"):
        raise errors.bad_request(
            f"fieldValidation must be one of Ignore, Warn, Strict; got {field_validation!r}")
    dry_run = query.getall("dryRun", [])
    if any(d != "All" for d in dry_run):
        raise errors.invalid("meta.k8s.io", "CreateOptions", "", [{
            "reason": "FieldValueNotSupported", "field": "dryRun",
            "message": f'Unsupported value: {json.dumps(dry_run)}: supported values: "All"'}])
    force = query.get("force")
    return Options(dry_run=bool(dry_run), field_validation=field_validation,
                   field_manager=query.get("fieldManager", ""),
                   force=None if force is None else force in ("true", "1", "True"))


def _int_param(query: Any, key: str) -> int | None:
    return listoptions.int_param(query, key)


def _float_param(query: Any, key: str) -> float | None:
    value = _int_param(query, key)
    return float(value) if value is not None else None
