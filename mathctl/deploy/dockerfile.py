"""Reading the Dockerfile: instructions, build args, and the command the container runs.

Why it exists: there is no Docker engine on the machines that build and test mathctl, so the
image cannot be built here. What can be checked is what the Dockerfile *says* — a pinned base,
a non-root user, the liveness port the Deployment probes, and an entrypoint whose module
exists — and the tests (``tests/deploy/test_image.py``) and the pod-like run of the operator
(:mod:`mathctl.deploy.podrun`, which runs exactly this entrypoint) need those facts parsed.
This is a small reader of the Dockerfile syntax the repository's Dockerfile uses: comments,
``\\`` line continuations, ``ARG`` defaults with ``${…}`` substitution in ``FROM``, and the
shell and JSON (exec) forms of ``ENTRYPOINT``/``CMD``.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from mathctl.deploy.install import ROOT

DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    """One instruction: ``keyword`` upper-cased, ``value`` the rest with continuations joined."""

    keyword: str
    value: str
    line: int

    def exec_form(self) -> list[str]:
        """The argument list of an exec-form (JSON) value; the shell form is ``sh -c``."""
        text = self.value.strip()
        if text.startswith("["):
            parsed = json.loads(text)
            if not isinstance(parsed, list) or not all(isinstance(a, str) for a in parsed):
                raise ValueError(f"line {self.line}: {self.keyword} is not a JSON string array")
            return parsed
        return ["/bin/sh", "-c", text]


def parse(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, comments and blank lines dropped."""
    found: list[Instruction] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue  # comments inside a continued instruction are skipped by Docker too
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, value = full.partition(" ")
        found.append(Instruction(keyword.upper(), value.strip(), start))
    return found


@dataclass(frozen=True)
class Dockerfile:
    """The facts the tests and the pod-like run need."""

    instructions: list[Instruction]

    @classmethod
    def read(cls, path: Path = DOCKERFILE) -> Dockerfile:
        return cls(parse(path.read_text(encoding="utf-8")))

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def final_stage(self) -> list[Instruction]:
        """The instructions from the last ``FROM`` on (what the image is made of)."""
        starts = [n for n, i in enumerate(self.instructions) if i.keyword == "FROM"]
        return self.instructions[starts[-1] if starts else 0:]

    def build_args(self) -> dict[str, str]:
        """``ARG name=default`` values."""
        args: dict[str, str] = {}
        for instruction in self.all("ARG"):
            name, _, default = instruction.value.partition("=")
            args[name.strip()] = default.strip().strip('"')
        return args

    def base_images(self) -> list[str]:
        """Every ``FROM`` image with build args substituted (stage names dropped)."""
        args = self.build_args()
        images = []
        for instruction in self.all("FROM"):
            image = instruction.value.split()[0]
            images.append(re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), ""), image))
        return images

    def _last(self, keyword: str) -> Instruction | None:
        found = [i for i in self.final_stage() if i.keyword == keyword]
        return found[-1] if found else None

    def user(self) -> str | None:
        instruction = self._last("USER")
        return instruction.value if instruction else None

    def entrypoint(self) -> list[str]:
        instruction = self._last("ENTRYPOINT")
        return instruction.exec_form() if instruction else []

    def cmd(self) -> list[str]:
        instruction = self._last("CMD")
        return instruction.exec_form() if instruction else []

    def healthcheck(self) -> list[str]:
        """The HEALTHCHECK's command (after its ``--options`` and ``CMD``)."""
        instruction = self._last("HEALTHCHECK")
        if instruction is None:
            return []
        words = instruction.value
        at = words.find("CMD")
        return Instruction("CMD", words[at + 3:].strip(), instruction.line).exec_form()

    def env(self) -> dict[str, str]:
        """``ENV key=value …`` of the final stage (values may reference earlier ones)."""
        values: dict[str, str] = {}
        for instruction in self.final_stage():
            if instruction.keyword != "ENV":
                continue
            for word in shlex.split(instruction.value):
                key, _, value = word.partition("=")
                values[key] = value
        return values

    def exposed_ports(self) -> list[int]:
        ports = []
        for instruction in self.final_stage():
            if instruction.keyword == "EXPOSE":
                ports.extend(int(p.split("/")[0]) for p in instruction.value.split())
        return ports

    def copied_sources(self) -> list[str]:
        """The build-context paths ``COPY`` reads (``--from`` copies excluded)."""
        sources = []
        for instruction in self.all("COPY"):
            words = instruction.value.split()
            if any(w.startswith("--from") for w in words):
                continue
            words = [w for w in words if not w.startswith("--")]
            sources.extend(words[:-1])
        return sources
