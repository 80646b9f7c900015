"""The Dockerfile reader: continuations, comments, build args, exec and shell forms."""

from __future__ import annotations

import pytest

from mathctl.deploy.dockerfile import Dockerfile, parse

TEXT = r"""
# a comment
ARG BASE=python:3.11.14-slim-bookworm
FROM ${BASE} AS build
RUN echo one \
 # a comment inside a continuation
 && echo two
COPY --chown=1:1 a.txt b/ /dest/
FROM $BASE
COPY --from=build /opt /opt
ENV A=1 \
    B="two words"
USER 10001:10001
EXPOSE 8080/tcp 9090
HEALTHCHECK --interval=5s CMD ["python", "-c", "print(1)"]
ENTRYPOINT ["kopf", "run"]
CMD --all-namespaces
"""


def test_parse_joins_continuations_and_drops_comments() -> None:
    instructions = parse(TEXT)
    run = next(i for i in instructions if i.keyword == "RUN")
    assert run.value.split() == ["echo", "one", "&&", "echo", "two"]
    assert run.line == 5
    assert [i.keyword for i in instructions][:3] == ["ARG", "FROM", "RUN"]


def test_facts() -> None:
    d = Dockerfile(parse(TEXT))
    assert d.base_images() == ["python:3.11.14-slim-bookworm"] * 2
    assert d.user() == "10001:10001"
    assert d.entrypoint() == ["kopf", "run"]
    assert d.cmd() == ["/bin/sh", "-c", "--all-namespaces"]
    assert d.healthcheck() == ["python", "-c", "print(1)"]
    assert d.env() == {"A": "1", "B": "two words"}
    assert d.exposed_ports() == [8080, 9090]
    assert d.copied_sources() == ["a.txt", "b/"]


def test_exec_form_must_be_a_string_array() -> None:
    d = Dockerfile(parse('ENTRYPOINT ["kopf", 1]\n'))
    with pytest.raises(ValueError, match="not a JSON string array"):
        d.entrypoint()
