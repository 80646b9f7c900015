# The mathctl operator: the Number/Tuple/Fermat controllers as a pod runs them.
#
#   docker build -t mathctl:dev .          # or: minikube image build -t mathctl:dev .
#   kubectl apply -k deploy/overlays/workshop
#
# Two stages: the first builds a virtualenv with only the operator's runtime dependencies
# (deploy/image/requirements.txt — no JupyterLab) and mathctl itself (--no-deps); the second
# copies that virtualenv onto a clean base and runs as an unprivileged user. The base is
# pinned to a full Python patch release and Debian release; pin its digest too
# (python:3.11.14-slim-bookworm@sha256:…) when you mirror it into your own registry.
# tests/deploy/test_image.py checks this file against deploy/base/deployment.yaml.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/mathctl
COPY deploy/image/requirements.txt /tmp/requirements.txt
RUN /opt/mathctl/bin/pip install --requirement /tmp/requirements.txt
COPY pyproject.toml README.md /src/
COPY mathctl /src/mathctl
RUN /opt/mathctl/bin/pip install --no-deps /src \
 && /opt/mathctl/bin/python -m compileall -q /opt/mathctl

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="mathctl operator" \
      org.opencontainers.image.description="Number/Tuple/Fermat controllers (kopf + the official kubernetes client)" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /opt/mathctl /opt/mathctl
ENV PATH=/opt/mathctl/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=20s --timeout=5s --start-period=10s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["kopf", "run", "--module=mathctl.controllers.kopf_main", "--standalone", "--liveness=http://0.0.0.0:8080/healthz"]
CMD ["--all-namespaces"]
