"""The container image's Dockerfile (README "Deploying"): hadolint finds nothing, it installs what
the PDF needs (the same Debian packages `.ci/run` installs), ships every package folder the wheel
is built from, and its runtime settings let the product run as a non-root user on a read-only
root filesystem with only /data writable.

No container engine is available here, so the image itself is never built: the last test runs the
installed `ecr-report` with the Dockerfile's environment, as its user id, in a private mount
namespace where everything but the output directory is read-only."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).with_name("hadolint")
PDF_PACKAGE = re.compile(r"lib(pango|harfbuzz)|fonts-")
"""Of the Debian packages `.ci/run` installs, those the product's PDF needs (the rest, such as
poppler-utils, only the tests use)."""


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def runtime_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage (the image that runs)."""
    steps = instructions(DOCKERFILE.read_text())
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, args in runtime_stage():
        if word == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def only(word: str) -> str:
    found = [args for w, args in runtime_stage() if w == word]
    assert len(found) == 1, f"the runtime stage has {len(found)} {word} instructions"
    return found[0]


def test_hadolint_reports_nothing():
    result = subprocess.run([str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_hadolint_would_report_an_unpinned_package(tmp_path):
    """The lint above can fail: the same file with one apt pin removed does not pass."""
    unpinned = tmp_path / "Dockerfile"
    unpinned.write_text(DOCKERFILE.read_text().replace("fontconfig=2.14.1-4", "fontconfig"))
    result = subprocess.run([str(HADOLINT), "--no-color", str(unpinned)], capture_output=True, text=True)
    assert result.returncode != 0 and "DL3008" in result.stdout


def test_installs_the_packages_ci_installs_for_the_pdf():
    ci_packages = set(re.findall(r"need\+=\(([^)]*)\)", (ROOT / ".ci" / "run").read_text()))
    wanted = {name for group in ci_packages for name in group.split() if PDF_PACKAGE.match(name)}
    installs = " ".join(args for word, args in runtime_stage() if word == "RUN" and "apt-get install" in args)
    installed = {m.split("=")[0] for m in re.findall(r"\b([a-z0-9][a-z0-9.+-]*=[^\s]+)", installs)}
    assert wanted and wanted <= installed, f"missing from the image: {sorted(wanted - installed)}"
    assert "fontconfig" in installed  # jobs/publish.py asks fc-list for a Japanese font


def test_builder_copies_every_folder_the_wheel_is_built_from():
    setup = (ROOT / "setup.py").read_text()
    folders = set(re.search(r"FOLDERS = \(([^)]*)\)", setup).group(1).replace('"', "").replace(",", " ").split())
    copied = {args.split()[0] for word, args in instructions(DOCKERFILE.read_text()) if word == "COPY"}
    assert folders and folders <= copied
    ignore = (ROOT / ".dockerignore").read_text().split()
    for needed in (*folders, "pyproject.toml", "setup.py", "README.md"):
        assert f"!{needed}" in ignore or f"!{needed}/" in ignore, needed


def test_two_stages_and_the_runtime_installs_only_built_wheels():
    froms = [args for word, args in instructions(DOCKERFILE.read_text()) if word == "FROM"]
    assert len(froms) == 2 and froms[0].endswith("AS builder")
    pip = [args for word, args in runtime_stage() if word == "RUN" and "pip install" in args]
    assert len(pip) == 1 and "--no-index" in pip[0] and "from=builder" in pip[0]


def test_entrypoint_is_the_installed_command_and_runs_as_non_root():
    scripts = re.search(r"\[project\.scripts\]\s*\n(\S+)\s*=", (ROOT / "pyproject.toml").read_text()).group(1)
    assert json.loads(only("ENTRYPOINT")) == [scripts] == ["ecr-report"]
    user = only("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit() and int(gid) != 0


def test_everything_writable_is_under_the_data_volume():
    assert json.loads(only("VOLUME")) == ["/data"]
    env = image_env()
    assert only("WORKDIR") == "/data"
    for name in ("HOME", "TMPDIR", "XDG_CACHE_HOME"):
        assert env[name] == "/data" or env[name].startswith("/data/"), name
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"


@pytest.fixture
def data_dir():
    """A directory the image's user can reach (pytest's tmp_path sits in a root-only 0700 folder)."""
    path = Path(tempfile.mkdtemp(prefix="ecr-report-data-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _read_only_root_works() -> bool:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


READ_ONLY_ROOT = pytest.mark.skipif(not _read_only_root_works(), reason="needs root and mount namespaces "
                                    "(unshare) to make / read-only for one process")


def _others_can_reach(*paths: Path) -> bool:
    """Whether a user who is neither owner nor in the group can traverse to every path given."""
    return all(os.stat(folder).st_mode & 0o001 for path in paths for folder in path.resolve().parents)


def run_on_read_only_root(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`ecr-report ARGS` with the image's environment (/data read as `data`), as the image's user,
    in a private mount namespace where `data` is the only writable directory of the root fs."""
    uid, gid = only("USER").split(":")
    os.chown(data, int(uid), int(gid))
    env = {name: value.replace("/data", str(data), 1) for name, value in image_env().items()}
    env |= {"PATH": os.environ["PATH"], "ECR_REPORT__REPORT__LANGUAGE": "ja"}  # the Japanese font path too
    command = shlex.join([str(Path(sys.executable).with_name("ecr-report")), *args])
    where = shlex.quote(str(data))
    caps = "" if _others_can_reach(Path(sys.prefix), Path(__file__)) else (
        # A checkout under a root-only folder (mktemp -d is 0700): the image user could not even
        # start the installed program. Reading may bypass permissions; writing still may not, and
        # the root file system stays read-only, which is what these tests are about.
        "--inh-caps +dac_read_search --ambient-caps +dac_read_search ")
    script = (f"mount --bind {where} {where} && mount -o remount,bind,ro / && "
              f"cd {where} && exec setpriv --reuid {uid} --regid {gid} --clear-groups {caps}{command}")
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          env=env, capture_output=True, text=True, timeout=600)


@READ_ONLY_ROOT
def test_a_demo_run_succeeds_on_a_read_only_root_as_the_image_user(data_dir):
    """A write anywhere but /data (a cache in HOME, a temporary file, a .pyc) would fail with EROFS."""
    result = run_on_read_only_root(data_dir, "run", "--demo", "--output", str(data_dir))
    assert result.returncode == 0, result.stderr[-2000:]
    run_dir = Path(result.stdout.strip().splitlines()[-1])
    assert run_dir.parent == data_dir / "runs"
    assert (run_dir / "report.pdf").stat().st_size > 0 and (run_dir / "manifest.json").is_file()


@READ_ONLY_ROOT
def test_the_read_only_root_is_real(data_dir):
    """The check above can fail: output outside the writable directory is refused (the file
    system is read-only there), in one line and before anything is collected."""
    elsewhere = data_dir.parent / f"{data_dir.name}-elsewhere"
    try:
        elsewhere.mkdir(mode=0o777)
        elsewhere.chmod(0o777)
        result = run_on_read_only_root(data_dir, "run", "--demo", "--output", str(elsewhere))
        assert result.returncode == 2 and f"{elsewhere} is not writable" in result.stderr, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        assert not any(elsewhere.iterdir())
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
