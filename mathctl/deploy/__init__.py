"""Shipping the operator: the all-in-one install.yaml, the image's checks, RBAC from a real run.

Why it exists: the files in ``deploy/`` and the ``Dockerfile`` are only trustworthy if code
keeps them honest. This package generates ``deploy/install.yaml`` from its sources
(:mod:`~mathctl.deploy.install`), reads the Dockerfile the way the tests need
(:mod:`~mathctl.deploy.dockerfile`), turns RBAC rules and recorded requests into comparable
permission sets (:mod:`~mathctl.deploy.permissions`), and runs the operator exactly as its pod
would — its image's command, only its ServiceAccount's token — against an embedded API server
with RBAC on (:mod:`~mathctl.deploy.podrun`).

``python -m mathctl.deploy`` regenerates install.yaml; ``python -m mathctl.deploy rbac``
records a run and prints the ClusterRole rules it needs. Used by ``tests/deploy`` and the
README's "Deploying to a cluster".
"""
