"""`ecr-report lifecycle preview|lint`: exit codes, stdout/stderr contract (design.md)."""

import argparse
import json
import os
import subprocess
import sys

import pytest

from ecr_report.jobs.lifecycle_cmd import add_lifecycle_parser

from ecr_lifecycle_support import policy, rule

GOOD = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
IMAGES = {"imageDetails": [
    {"repositoryName": "web", "imageDigest": "sha256:a", "imageTags": ["v1"], "imagePushedAt": "2025-01-01T00:00:00Z", "imageSizeInBytes": 10},
    {"repositoryName": "web", "imageDigest": "sha256:b", "imageTags": ["v2"], "imagePushedAt": "2025-02-01T00:00:00Z", "imageSizeInBytes": 20},
]}


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="ecr-report")
    add_lifecycle_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)
    return write


def test_preview_prints_json(files, capsys):
    code, out, err = run(["lifecycle", "preview", "--policy", files("p.json", GOOD), "--images", files("i.json", IMAGES), "--as-of", "2025-06-30T00:00:00Z"], capsys)
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert [r["imageDigest"] for r in doc["previewResults"]] == ["sha256:a"]
    assert doc["reclaimableBytes"]["expiringNaive"] == 10


def test_preview_epoch_as_of_and_default_now(files, capsys):
    code, out, _ = run(["lifecycle", "preview", "--policy", files("p.json", GOOD), "--images", files("i.json", IMAGES), "--as-of", "1751241600"], capsys)
    assert code == 0 and json.loads(out)["summary"]["expiringImageTotalCount"] == 1
    code, out, _ = run(["lifecycle", "preview", "--policy", files("p.json", GOOD), "--images", files("i.json", IMAGES)], capsys)
    assert code == 0


@pytest.mark.parametrize(
    "policy_text, images, as_of, expect",
    [
        (policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1), rule(2, tagStatus="tagged", countType="imageCountMoreThan", countNumber=1)), IMAGES, None, 'rule 2 (priority 2): tagStatus "tagged" requires tagPatternList or tagPrefixList'),
        ("{oops" + " " * 100, IMAGES, None, "not valid JSON"),
        (GOOD, "{oops", None, "not valid JSON"),
        (GOOD, {"nothing": []}, None, "imageDetails"),
        (GOOD, IMAGES, "next tuesday", "--as-of"),
        (None, IMAGES, None, "cannot read"),
        (GOOD, '{"imageDetails": [{"imageDigest": "sha256:\\ud800", "imagePushedAt": "2025-01-01T00:00:00Z"}]}',
         None, "lone UTF-16 surrogate"),
    ],
)
def test_preview_bad_input_exit_2_one_line(files, capsys, tmp_path, policy_text, images, as_of, expect):
    ppath = files("p.json", policy_text) if policy_text is not None else str(tmp_path / "missing.json")
    argv = ["lifecycle", "preview", "--policy", ppath, "--images", files("i.json", images)]
    if as_of:
        argv += ["--as-of", as_of]
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expect in err and "Traceback" not in err


def test_lint_errors_exit_2_one_per_line(files, capsys):
    bad = policy(rule(1, tagStatus="tagged", countType="imageCountMoreThan", countNumber=0))
    code, out, err = run(["lifecycle", "lint", "--policy", files("p.json", bad)], capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error: rule 1 (priority 1): ") for line in lines)


def test_lint_warnings_exit_0(files, capsys):
    text = policy(rule(1, tagStatus="tagged", tagPatternList=["a*", "b*"], countType="imageCountMoreThan", countNumber=1), rule(2, "transition", tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90))
    code, out, err = run(["lifecycle", "lint", "--policy", files("p.json", text), "--images", files("i.json", IMAGES), "--as-of", "2025-03-01T00:00:00Z", "--no-pull-time-exclusions"], capsys)
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert any("AND, not OR" in line for line in lines)
    assert any("pull-time update exclusion" in line for line in lines)
    assert any("expires or archives nothing" in line for line in lines)
    assert all(line.startswith("warning: ") for line in lines)


def test_lint_clean_policy_prints_nothing(files, capsys):
    code, out, err = run(["lifecycle", "lint", "--policy", files("p.json", GOOD)], capsys)
    assert (code, out, err) == (0, "", "")


def test_missing_required_option_is_usage_error(capsys):
    parser = argparse.ArgumentParser(prog="ecr-report")
    add_lifecycle_parser(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["lifecycle", "preview", "--policy", "p.json"])
    assert info.value.code == 2


@pytest.mark.parametrize("doc", [
    {"reclaimableBytes": 10, "share": 1e-05, "big": [1e16, -3e-7], "digest": "sha256:4e5a"},
    {"tag": "v1e5", "at": 1700000000.5, "name": "caf\u00e9", "nested": [{"x": 2.0}]},
    {"share": 1e-05},  # orjson writes 0.00001: no exponent in its bytes to look for
    {"results": [{"bytes": 10, "fraction": 0.25}], "tiny": [[2.5e-7]], "huge": {"x": 1e16}},
    {"unknown": float("nan"), "rows": [{"limit": float("inf")}]},  # orjson writes null
])
def test_the_fast_json_writer_gives_json_dumps_bytes(doc):
    # orjson writes small exponent floats (1e-05 as 0.00001), NaN, infinities and non-ASCII
    # differently from json: those go to json.
    from ecr_report.jobs.lifecycle_cmd import _dumps

    assert _dumps(doc) == json.dumps(doc, indent=2)


@pytest.mark.parametrize("description", ["keep one", "caf\u00e9 \u2014 keep one"])
def test_preview_stdout_bytes_are_json_dumps_bytes(tmp_path, description):
    """A real process, so the interpreter's own stdout: ASCII output goes to its byte stream,
    anything else through the text layer; both must give json.dumps(indent=2)'s bytes."""
    from ecr_report.reports.lifecycle import images_from_describe, preview

    text = json.dumps({"rules": [{**rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1),
                                  "description": description}]}, ensure_ascii=False)
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    (tmp_path / "i.json").write_text(json.dumps(IMAGES), encoding="utf-8")
    argv = ["lifecycle", "preview", "--policy", str(tmp_path / "p.json"), "--images", str(tmp_path / "i.json"),
            "--as-of", "2025-06-30T00:00:00Z"]
    out = tmp_path / "out.json"
    with open(out, "wb") as fh:
        done = subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", *argv], stdout=fh, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = json.dumps(preview(text, images_from_describe(IMAGES), "2025-06-30T00:00:00Z"), indent=2) + "\n"
    assert out.read_bytes() == expected.encode("utf-8")


def test_a_reader_that_stops_early_ends_the_preview_quietly(tmp_path):
    """`lifecycle preview ... | head`: the output goes out in one write, so the closed pipe
    ends the command without a traceback (as it did when the output went through the text layer)."""
    details = [{"repositoryName": "web", "imageDigest": f"sha256:{i:064x}", "imageTags": [f"v{i}"],
                "imagePushedAt": f"2025-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}+00:00", "imageSizeInBytes": i}
               for i in range(2000)]
    (tmp_path / "p.json").write_text(GOOD, encoding="utf-8")
    (tmp_path / "i.json").write_text(json.dumps({"imageDetails": details}), encoding="utf-8")
    argv = [sys.executable, "-m", "ecr_report.jobs.cli", "lifecycle", "preview", "--policy", str(tmp_path / "p.json"),
            "--images", str(tmp_path / "i.json"), "--as-of", "2025-06-30T00:00:00Z"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(100).startswith(b"{")
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""
