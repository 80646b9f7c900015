"""``apply_crds(cluster)``: install (or update) the Number, Tuple and Fermat CRDs from ``crds/``.

Stage 20 teaches that a CRD is just an object you send to the API server, after which it
serves a new resource; every later stage starts by making sure the CRDs are there. This does
what ``kubectl apply -f crds/`` does for these files — create, or replace with the current
``resourceVersion`` — then waits until each CRD reports ``Established``, so the next cell can
create Numbers at once. Works the same on the embedded server and on minikube.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.cluster import wait_for
from mathctl.views.show import api_client_of

CRD_DIR = Path(__file__).resolve().parents[2] / "crds"


def crd_documents(directory: Path = CRD_DIR) -> list[dict[str, Any]]:
    """Every CustomResourceDefinition in ``directory/*.yaml``, in file-name order."""
    docs = []
    for path in sorted(directory.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc and doc.get("kind") == "CustomResourceDefinition":
                docs.append(doc)
    if not docs:
        raise FileNotFoundError(f"no CustomResourceDefinition found in {directory}/*.yaml; "
                                "run this from a mathctl checkout (the crds/ folder ships there)")
    return docs


def established(ext: client.ApiextensionsV1Api, name: str) -> bool:
    crd = ext.read_custom_resource_definition(name)
    return any(c.type == "Established" and c.status == "True"
               for c in (crd.status.conditions or []) if crd.status)


def apply_crds(cluster: Any, directory: Path = CRD_DIR, timeout: float = 30.0) -> list[str]:
    """Create or replace every CRD of ``directory``; return their names once Established."""
    ext = client.ApiextensionsV1Api(api_client_of(cluster))
    names = []
    for doc in crd_documents(directory):
        name = doc["metadata"]["name"]
        try:
            ext.create_custom_resource_definition(doc)
        except ApiException as err:
            if err.status != 409:
                raise
            current = ext.read_custom_resource_definition(name)
            doc = {**doc, "metadata": {**doc["metadata"],
                                       "resourceVersion": current.metadata.resource_version}}
            ext.replace_custom_resource_definition(name, doc)
        names.append(name)
    for name in names:
        wait_for(lambda n=name: established(ext, n), timeout=timeout,  # type: ignore[misc]
                 what=f"CRD {name} to be Established")
    return names
