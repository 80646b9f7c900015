"""Three ways to run the controllers, one code path: a notebook, a terminal, a pod.

Why it exists: kopf must not run on a Jupyter kernel's own event loop (``kopf.run()`` fails
there, ``await kopf.operator()`` blocks the cell, and kopf would grab the kernel's signals).
kopf's embedding recipe is a thread with its own loop, started with ``stop_flag`` and
``ready_flag``; :class:`Operator` wraps that recipe so a notebook cell can say
``op = Operator().start()`` … ``op.stop()``, re-run the cell safely (a fresh kopf registry
per start; a running operator for the same scope is stopped first, and you are told), and
look at a compact log (``op.log_tail()``, ``op.output``) instead of output printed from a
background thread.

The learner's own controllers run the same way: ``Operator(controllers="my_controllers.py")``
in a notebook, ``mathctl run --controllers my_controllers.py`` in a terminal
(:mod:`mathctl.controllers.learner` adapts them; the kinds they did not write run the package's).

The terminal (``mathctl run [-n NS | -A] [--resync S]``, :func:`cmd_run`) and a pod (the
same command in a container: in-cluster service-account credentials are used when
``KUBERNETES_SERVICE_HOST`` is set and no kubeconfig is given) use the same class. kopf users
can instead run ``kopf run -m mathctl.controllers.kopf_main``. Whatever the cluster — the
embedded server or any kubeconfig context — kopf logs in with the credentials of the same
official-client configuration the reconciles use (:mod:`mathctl.controllers.credentials`).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import itertools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, TextIO

import kopf
from kubernetes.client import ApiClient, Configuration, CustomObjectsApi
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.credentials import login_from
from mathctl.controllers.dispatcher import Dispatcher, Key, OwnerOf, Stats
from mathctl.controllers.events import EventRecorder
from mathctl.controllers.events import attach as record_events
from mathctl.controllers.learner import (
    RECONCILE_NAMES,
    LearnerCodeError,
    LearnerControllers,
    as_owner_of,
    load_controllers,
)
from mathctl.controllers.logbuffer import LogBuffer
from mathctl.controllers.objects import describe_error
from mathctl.controllers.operator import build_registry, configure_settings
from mathctl.controllers.outcome import Outcome
from mathctl.controllers.reconcile import KINDS, KindInfo
from mathctl.controllers.service_expose import SERVICE_EXPOSE_KIND

if TYPE_CHECKING:
    from mathctl.cluster import Cluster

SERVICE_ACCOUNT_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
_LOGGERS = ("kopf", "mathctl.controllers")
_counter = itertools.count(1)
_running: list[Operator] = []
_running_lock = threading.Lock()


STUCK_AFTER = 3
"""Failures in a row after which an error in the learner's code is not waited out."""


class OperatorError(RuntimeError):
    """The operator could not start, or stopped on its own; the message says why and what to do."""


class Operator:
    """The Number/Tuple/Fermat controllers running in a background thread of this process.

    ``cluster`` is a ``mathctl.cluster.Cluster`` or an official-client ``ApiClient``
    (default: ``mathctl.cluster.connect()``). Watch one ``namespace`` (default: ``default``)
    or, with ``all_namespaces=True``, all of them. ``resync`` seconds between full resyncs
    (``None``: never), ``workers`` reconciles at once.

    ``controllers`` runs the learner's own code: the path of their ``my_controllers.py``
    (loaded afresh now), a :class:`~mathctl.controllers.learner.LearnerControllers`, or a dict
    ``{"Number": reconcile_number, …}`` (with ``owner_of=``); a file is loaded again at every
    ``start()``, so a restart runs what the file holds now. Kinds they did not write run the
    package's model answers; their ``owner_of``, if any, maps child events to owners. Their
    functions run in the same worker threads as the package's, so ``resync()``, ``stats`` and
    the log work alike; :attr:`not_written` lists their stubs that are not filled in yet.
    """

    def __init__(
        self,
        cluster: Cluster | ApiClient | None = None,
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        resync: float | None = 30.0,
        workers: int = 4,
        service_expose: bool = False,
        verbose: bool = False,
        log_stream: TextIO | None = None,
        controllers: str | Path | LearnerControllers | Mapping[Any, Any] | None = None,
        owner_of: OwnerOf | None = None,
    ) -> None:
        if all_namespaces and namespace:
            raise ValueError("Pass either namespace=… or all_namespaces=True, not both.")
        self._controllers = (controllers, owner_of)
        self.learner = _learner_controllers(controllers, owner_of)
        if cluster is None:
            from mathctl.cluster import connect

            cluster = connect()
        source = cluster if isinstance(cluster, ApiClient) else cluster.api_client
        self.configuration: Configuration = source.configuration
        self.namespace = None if all_namespaces else (namespace or "default")
        self.resync_period = resync
        self.workers = workers
        # ServiceExpose (stage 80) is opt-in: it watches Ingresses and Services, which the
        # math kinds' least-privilege role does not grant.
        self.service_expose = service_expose
        self.kinds = self._kinds()
        self.verbose = verbose
        self.number = next(_counter)
        self._thread_name = f"mathctl-operator-{self.number}"
        self._reconcile_threads = f"mathctl-reconcile-{self.number}-"
        self.log = LogBuffer((self._thread_name, self._reconcile_threads), stream=log_stream)
        self._output: Any = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_flag = threading.Event()
        self._ready_flag = threading.Event()
        self._api: ApiClient | None = None
        self._events: EventRecorder | None = None
        self.dispatcher: Dispatcher | None = None
        self.error: BaseException | None = None
        self.started_at: float | None = None

    def _kinds(self) -> tuple[KindInfo, ...]:
        kinds = _with_learner(KINDS, self.learner)
        return (*kinds, SERVICE_EXPOSE_KIND) if self.service_expose else kinds

    # --- what a notebook cell uses ---------------------------------------------------------------

    @property
    def scope(self) -> str:
        return "all namespaces" if self.namespace is None else f"namespace {self.namespace!r}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 30.0) -> Operator:
        """Start the operator and wait until kopf reports it ready; returns ``self``."""
        if self.running:
            return self
        controllers, owner_of = self._controllers
        if isinstance(controllers, str | Path):  # the file as it is now: edits since count
            self.learner = _learner_controllers(controllers, owner_of)
            self.kinds = self._kinds()
        self._preflight()
        self._stop_others()
        self._attach_logging()
        self._stop_flag = threading.Event()
        self._ready_flag = threading.Event()
        self.error = None
        self._api = ApiClient(configuration=self.configuration)
        owner_of = self.learner.owner_of if self.learner is not None else None
        self.dispatcher = Dispatcher(self._api, workers=self.workers, resync=self.resync_period,
                                     kinds=self.kinds,
                                     thread_name=self._reconcile_threads,
                                     owner_of=as_owner_of(owner_of) if owner_of else None)
        self._events = record_events(self.dispatcher, self._api)
        self._thread = threading.Thread(target=self._main, name=self._thread_name, daemon=True)
        with _running_lock:
            _running.append(self)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._ready_flag.wait(0.05):
            if not self._thread.is_alive():
                self._cleanup()
                raise OperatorError(self._explain("stopped while starting"))
            if time.monotonic() > deadline:
                self.stop()
                raise OperatorError(self._explain(f"was not ready after {timeout:g} s"))
        self.started_at = time.time()
        if self.learner is not None:
            print(f"Running {self.learner.describe()}.")
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the operator and wait for its thread to end. Safe to call twice.

        Stopping within a moment of starting can take kopf up to 5 s: it gives its first
        discovery requests that long to finish before it cancels them."""
        thread = self._thread
        if thread is not None:
            self._stop_flag.set()
            thread.join(timeout)
            if thread.is_alive():
                raise OperatorError(
                    f"The operator for {self.scope} did not stop within {timeout:g} s; "
                    "restart the kernel if it keeps running.")
        self._cleanup()

    def log_tail(self, n: int = 10, *, timestamps: bool = True) -> str:
        """The last ``n`` log lines: one line per reconcile that wrote something, and errors."""
        return "\n".join(self.log.tail(n, timestamps=timestamps))

    @property
    def output(self) -> Any:
        """A widget showing new log lines live, the newest always in sight (display it in a
        cell); the live view's log box (:class:`mathctl.views.logbox.LogBox`), on its own."""
        if self._output is None:
            from mathctl.views.logbox import LogBox

            self._output = LogBox(self.log.tail(20))
            self.log.attach(self._output)
        return self._output.widget

    @property
    def controllers(self) -> str:
        """Whose code runs for which kind, e.g. ``Number: your reconcile_number
        (my_controllers.py); Tuple, Fermat: the package's model answer; …``."""
        if self.learner is None:
            return "Number, Tuple, Fermat: the package's model answers"
        return self.learner.describe()

    def learner_failures(self, namespace: str | None = None) -> dict[Key, LearnerCodeError]:
        """The keys (of ``namespace``, or all) whose last reconcile failed in the learner's code."""
        dispatcher = self.dispatcher
        if dispatcher is None:
            return {}
        return {key: exc for key, exc in list(dispatcher.failures.items())
                if isinstance(exc, LearnerCodeError)
                and (namespace is None or key.namespace == namespace)}

    def stuck(self, namespace: str | None = None, kinds: Iterable[str] | None = None,
              ) -> list[str]:
        """Sentences for the learner's code that keeps objects (of ``namespace`` and ``kinds``)
        from settling, whatever the wait: a stub at once, any other error once it failed
        :data:`STUCK_AFTER` times in a row."""
        dispatcher = self.dispatcher
        if dispatcher is None:
            return []
        wanted = None if kinds is None else set(kinds)
        return sorted({exc.summary for key, exc in self.learner_failures(namespace).items()
                       if (wanted is None or key.kind in wanted)
                       and (exc.not_written
                            or dispatcher.failures_in_a_row.get(key, 0) >= STUCK_AFTER)})

    @property
    def not_written(self) -> dict[str, str]:
        """``{function: sentence}`` for the learner's functions that raised
        ``NotImplementedError`` (an unfilled stub) on their last run."""
        return {exc.function: exc.summary for exc in self.learner_failures().values()
                if exc.not_written}

    @property
    def stats(self) -> Stats:
        """Events seen, reconciles run, writes made, conflicts retried, errors (since start)."""
        return self.dispatcher.stats if self.dispatcher is not None else Stats()

    def resync(self, timeout: float = 60.0) -> list[tuple[Key, Outcome]]:
        """Reconcile every known object now and return what each reconcile did."""
        loop, dispatcher = self._loop, self.dispatcher
        if not self.running or loop is None or dispatcher is None:
            raise OperatorError("The operator is not running; call start() first.")
        future = asyncio.run_coroutine_threadsafe(dispatcher.resync_and_wait(timeout), loop)
        return future.result(timeout + 5)

    def __enter__(self) -> Operator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        s = self.stats
        whose = "" if self.learner is None else f" ({self.learner.describe()})"
        return (f"<Operator {state}: {self.scope} on {self.configuration.host}{whose}; "
                f"{s.reconciles} reconciles, {s.writes} writes, {s.errors} errors>")

    def _preflight(self) -> None:
        """Fail now, with the fix, if nothing answers or the CRDs are missing — kopf itself
        would wait silently for both."""
        api = ApiClient(configuration=self.configuration)
        served: set[tuple[str, str]] = set()  # (group, plural)
        try:
            for group, version in sorted({(k.names.group, k.names.version) for k in self.kinds}):
                try:
                    found = CustomObjectsApi(api).get_api_resources(group, version,
                                                                    _request_timeout=10)
                except ApiException as exc:
                    if exc.status != 404:
                        raise OperatorError(f"The cluster at {self.configuration.host} refused "
                                            f"the discovery request: {describe_error(exc)}"
                                            ) from None
                    continue
                served |= {(group, r.name) for r in found.resources}
        except OperatorError:
            raise
        except Exception as exc:  # connection refused, TLS, DNS: the cluster is not there
            raise OperatorError(
                f"No cluster answers at {self.configuration.host} ({type(exc).__name__}). "
                "Start the embedded one with `mathctl up` (check with `mathctl status`), or "
                "point MATHCTL_CLUSTER/KUBECONFIG at a running cluster.") from None
        finally:
            api.close()
        missing = [k.names.crd_name for k in self.kinds
                   if (k.names.group, k.names.plural) not in served]
        if missing:
            raise OperatorError(
                f"The cluster at {self.configuration.host} does not serve "
                f"{', '.join(missing)}: the mathctl CRDs are not installed. Install "
                "them with `kubectl apply -f crds/` or, from Python, "
                "`mathctl.notebook.crds.apply_crds(mathctl.cluster.connect())`, then start "
                "the operator again.")

    # --- the operator thread ---------------------------------------------------------------------

    def _main(self) -> None:
        assert self.dispatcher is not None
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        if self.learner is not None:  # logged from this thread: the log buffer keeps it
            logging.getLogger("mathctl.controllers").info("running %s", self.learner.describe())
        settings = configure_settings(kopf.OperatorSettings(), embedded_in_process=True)
        registry = build_registry(
            self.dispatcher,
            login=login_from(self.configuration, default_namespace=self.namespace))
        try:
            loop.run_until_complete(kopf.operator(
                registry=registry,
                settings=settings,
                standalone=True,
                clusterwide=self.namespace is None,
                namespaces=[] if self.namespace is None else [self.namespace],
                ready_flag=self._ready_flag,
                stop_flag=self._stop_flag,
            ))
        except BaseException as exc:  # report it to start()/the log, never to the kernel
            self.error = exc
            logging.getLogger("mathctl.controllers").error("operator stopped: %r", exc)
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                self._loop = None

    # --- bookkeeping -----------------------------------------------------------------------------

    def _explain(self, what: str) -> str:
        cause = f" ({self.error!r})" if self.error else ""
        tail = self.log_tail(8) or "(no log lines)"
        return (f"The operator for {self.scope} on {self.configuration.host} {what}{cause}.\n"
                f"Last log lines:\n{tail}\n"
                "Is the cluster reachable and are the CRDs applied? "
                "Try `mathctl status` and `kubectl get crd`.")

    def _stop_others(self) -> None:
        with _running_lock:
            others = [op for op in _running if op is not self and op.running
                      and op.configuration.host == self.configuration.host
                      and (op.namespace is None or self.namespace is None
                           or op.namespace == self.namespace)]
        for other in others:
            other.stop()
            print(f"Stopped the operator already running for {other.scope} "
                  "(two operators for the same objects would fight over them).")

    def _attach_logging(self) -> None:
        level = logging.DEBUG if self.verbose else logging.INFO
        self.log.setLevel(level)
        for name in _LOGGERS:
            log = logging.getLogger(name)
            if log.getEffectiveLevel() > level:
                log.setLevel(level)
            if self.log not in log.handlers:
                log.addHandler(self.log)
        # kopf says "Handler … succeeded" at INFO for every single event: keep those out.
        if not self.verbose:
            logging.getLogger("kopf.objects").setLevel(logging.WARNING)

    def _cleanup(self) -> None:
        with _running_lock:
            if self in _running:
                _running.remove(self)
        for name in _LOGGERS:
            logging.getLogger(name).removeHandler(self.log)
        if self._events is not None:
            self._events.close()
            self._events = None
        if self._api is not None:
            self._api.close()
            self._api = None
        self._thread = None


def running_operators() -> list[Operator]:
    """The operators running in this process (a notebook kernel), oldest first."""
    with _running_lock:
        return [op for op in _running if op.running]


def _learner_controllers(controllers: str | Path | LearnerControllers | Mapping[Any, Any] | None,
                         owner_of: OwnerOf | None) -> LearnerControllers | None:
    if controllers is None:
        if owner_of is not None:
            return LearnerControllers.of({}, owner_of=owner_of)
        return None
    if isinstance(controllers, LearnerControllers):
        found = controllers
    elif isinstance(controllers, str | Path):
        found = load_controllers(controllers)
    elif isinstance(controllers, Mapping):
        found = LearnerControllers.of(controllers)
    else:
        raise TypeError("controllers= takes the path of your my_controllers.py, or a dict "
                        "{'Number': reconcile_number, …}, not " + type(controllers).__name__)
    if owner_of is not None:
        found = replace(found, owner_of=owner_of)
    if not found.reconcilers:
        raise LearnerCodeError(
            f"{found.source} defines none of {', '.join(RECONCILE_NAMES.values())}: write "
            "one in a cell that starts with %%my_controllers and run it (it saves the file), "
            "then start the operator again.")
    return found


def _with_learner(kinds: tuple[KindInfo, ...],
                  learner: LearnerControllers | None) -> tuple[KindInfo, ...]:
    """The package's kinds, with the learner's reconcile for those they wrote."""
    if learner is None:
        return kinds
    theirs = learner.adapted()
    return tuple(replace(k, reconcile=theirs[k.kind]) if k.kind in theirs else k
                 for k in kinds)


@atexit.register
def _stop_all_at_exit() -> None:
    for op in list(_running):
        op._stop_flag.set()


# --- the terminal and the pod ------------------------------------------------------------------


def api_client_from_environment() -> ApiClient:
    """In a pod with no kubeconfig: the service account; elsewhere ``mathctl.cluster.connect()``."""
    in_pod = "KUBERNETES_SERVICE_HOST" in os.environ
    chosen = "KUBECONFIG" in os.environ or "MATHCTL_CLUSTER" in os.environ
    if in_pod and not chosen:
        import kubernetes.config

        configuration = Configuration()
        kubernetes.config.load_incluster_config(client_configuration=configuration)
        return ApiClient(configuration=configuration)
    from mathctl.cluster import connect

    return connect().api_client


def default_namespace() -> str:
    """The pod's own namespace when in a pod, else the learner's namespace (the one the
    notebooks and ``mathctl get`` use: ``$MATHCTL_NAMESPACE`` or ``workshop-<user>``)."""
    from mathctl.cluster import learner_namespace

    try:
        return SERVICE_ACCOUNT_NAMESPACE.read_text().strip() or learner_namespace()
    except OSError:
        return learner_namespace()


def add_run_args(parser: argparse.ArgumentParser) -> None:
    """Options of ``mathctl run``."""
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", help="watch this namespace (default: "
                       "$MATHCTL_NAMESPACE or workshop-<user>, as the notebooks; in a pod, "
                       "the pod's own namespace)")
    scope.add_argument("-A", "--all-namespaces", action="store_true",
                       help="watch every namespace")
    parser.add_argument("--resync", type=float, default=30.0, metavar="SECONDS",
                        help="re-reconcile every known object this often (default: 30; 0: never)")
    parser.add_argument("--workers", type=int, default=4,
                        help="reconciles run at the same time (default: 4)")
    parser.add_argument("--service-expose", action="store_true",
                        help="also run the ServiceExpose controller (stage 80; it watches "
                        "Ingresses and Services)")
    parser.add_argument("--controllers", metavar="FILE",
                        help="run your own controllers from this file (the my_controllers.py "
                        "your notebooks saved); kinds it does not define run the package's")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every reconcile")


def cmd_run(args: argparse.Namespace) -> int:
    """``mathctl run``: run the controllers in the foreground until Ctrl-C or SIGTERM."""
    if args.resync < 0 or args.workers < 1:
        print("mathctl run: --resync must be >= 0 and --workers >= 1.", file=sys.stderr)
        return 2
    from kubernetes.config import ConfigException

    from mathctl.cluster import ClusterUnreachable

    learner = None
    if args.controllers:
        try:
            learner = _learner_controllers(args.controllers, None)
        except LearnerCodeError as exc:
            print(f"mathctl run: {exc.summary}", file=sys.stderr)
            return 2
    try:
        api = api_client_from_environment()
    except (ClusterUnreachable, ConfigException) as exc:
        print(f"mathctl run: {exc}", file=sys.stderr)
        return 1
    operator = Operator(
        api,
        namespace=None if args.all_namespaces else (args.namespace or default_namespace()),
        all_namespaces=args.all_namespaces,
        resync=args.resync or None,
        workers=args.workers,
        service_expose=args.service_expose,
        verbose=args.verbose,
        log_stream=sys.stderr,
        controllers=learner,
    )
    with _stop_on_signals() as stop_requested:
        try:
            operator.start()
        except OperatorError as exc:
            print(f"mathctl run: {exc}", file=sys.stderr)
            return 1
        print(f"mathctl run: watching {operator.scope} on {operator.configuration.host}; "
              "Ctrl-C to stop.", file=sys.stderr, flush=True)
        while not stop_requested.wait(0.5):
            if not operator.running:
                print(f"mathctl run: the operator stopped: {operator.error!r}", file=sys.stderr)
                operator.stop()
                return 1
    operator.stop()
    print("mathctl run: stopped.", file=sys.stderr)
    return 0


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
