"""The controllers for people who know kopf: ``kopf run -m mathctl.controllers.kopf_main``.

Why it exists: ``mathctl run`` is the workshop's front door, but engineers who already use
kopf expect ``kopf run`` with its usual flags (``-n NS`` / ``-A``, ``--verbose``,
``--liveness``). This module registers the very same handlers as the notebook and
``mathctl run`` do (:func:`mathctl.controllers.operator.build_registry`), on kopf's global
registry, which is fine here: the module is imported once per process. The cluster is the
one ``mathctl.cluster.connect()`` picks (``MATHCTL_CLUSTER`` / ``KUBECONFIG``), or the pod's
service account when running in a cluster; kopf logs in with the same credentials.

``MATHCTL_RESYNC`` (seconds, default 30; ``0`` = never) and ``MATHCTL_WORKERS`` (default 4)
tune the dispatcher; ``MATHCTL_SERVICE_EXPOSE=1`` also runs the ServiceExpose controller (its
role then needs Ingresses and Services too).
"""

from __future__ import annotations

import os
from typing import Any

import kopf

from mathctl.controllers.credentials import login_from
from mathctl.controllers.dispatcher import Dispatcher
from mathctl.controllers.events import attach as record_events
from mathctl.controllers.operator import build_registry, configure_settings
from mathctl.controllers.reconcile import KINDS
from mathctl.controllers.runner import api_client_from_environment
from mathctl.controllers.service_expose import SERVICE_EXPOSE_KIND

_resync = float(os.environ.get("MATHCTL_RESYNC", "30"))
api = api_client_from_environment()
_expose = os.environ.get("MATHCTL_SERVICE_EXPOSE") == "1"
dispatcher = Dispatcher(api, workers=int(os.environ.get("MATHCTL_WORKERS", "4")),
                        resync=_resync or None,
                        kinds=(*KINDS, SERVICE_EXPOSE_KIND) if _expose else KINDS)
record_events(dispatcher, api)
build_registry(dispatcher, registry=kopf.get_default_registry(),
               login=login_from(api.configuration))


@kopf.on.startup(id="mathctl-settings")
def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
    # kopf run is a process of its own (a pod): keep kopf's SIGKILL safety net on exit.
    configure_settings(settings, embedded_in_process=False)
