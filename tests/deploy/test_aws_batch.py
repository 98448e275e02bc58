"""deploy/aws-batch/: the job definitions are valid RegisterJobDefinition input and the submissions
valid SubmitJob input for botocore's Batch service model (types, required members, no unknown
member, and every enum value one the model lists), and they mean what the README says: the
commands parse with ecr-report's own parser, the array job's size is the shard count, the assemble
job depends on the whole array job (no N_TO_N) with the same run id, and the containers run as the
image's non-root user on a read-only root with /data on EFS.

The submissions are templates: they are checked as `submit.sh --print` renders them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from deploy_support import DEPLOY, ROOT, parse_cli, run_like_the_scheduler, signing_key_pem

BATCH = DEPLOY / "aws-batch"
RUN_ID = "20261207T080000Z"
SHARDS = 4


def batch_model():
    return botocore.session.get_session().get_service_model("batch")


def enum_errors(value, shape, path: str = "") -> list[str]:
    """Enum values the model does not list (ParamValidator checks types, not enums)."""
    if shape.type_name == "structure" and isinstance(value, dict):
        return [e for k, v in value.items() if k in shape.members
                for e in enum_errors(v, shape.members[k], f"{path}.{k}")]
    if shape.type_name == "list" and isinstance(value, list):
        return [e for i, v in enumerate(value) for e in enum_errors(v, shape.member, f"{path}[{i}]")]
    if shape.type_name == "map" and isinstance(value, dict):
        return [e for k, v in value.items() for e in enum_errors(v, shape.value, f"{path}[{k}]")]
    if getattr(shape, "enum", None) and value not in shape.enum:
        return [f"{path}: {value!r} not in {shape.enum}"]
    return []


def model_errors(operation: str, params: dict) -> str:
    shape = batch_model().operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    problems = [report.generate_report()] if report.has_errors() else []
    return "\n".join(problems + enum_errors(params, shape))


def submit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(["sh", str(BATCH / "submit.sh"), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def rendered(shards: int = SHARDS, run_id: str = RUN_ID, *first: str) -> dict[str, dict]:
    """The two SubmitJob inputs `submit.sh [first...] --print` prints, by command."""
    result = submit(*first, "--print", str(shards), run_id)
    assert result.returncode == 0, result.stderr
    docs, text, decoder = [], result.stdout.strip(), json.JSONDecoder()
    while text:
        doc, end = decoder.raw_decode(text)
        docs.append(doc)
        text = text[end:].strip()
    return {doc["containerOverrides"]["command"][0]: doc for doc in docs}


def definitions() -> dict[str, dict]:
    return {d["jobDefinitionName"]: d for d in
            (json.loads(p.read_text()) for p in sorted(BATCH.glob("job-definition-*.json")))}


def submissions() -> list[tuple[str, dict]]:
    jobs = rendered()
    return [("collect", jobs["collect"]), ("assemble", jobs["assemble"]),
            ("run", json.loads((BATCH / "submit-run.json").read_text()))]


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


@pytest.mark.parametrize("name", sorted(definitions()))
def test_job_definitions_are_valid_register_job_definition_input(name):
    assert model_errors("RegisterJobDefinition", definitions()[name]) == ""


@pytest.mark.parametrize("name,params", submissions(), ids=[n for n, _ in submissions()])
def test_submissions_are_valid_submit_job_input(name, params):
    assert model_errors("SubmitJob", params) == ""


def test_the_model_check_can_fail():
    bad = json.loads((BATCH / "job-definition-collect.json").read_text())
    bad["containerProperties"]["readOnlyRootFilesystem"] = True  # misspelt member
    assert "Unknown parameter" in model_errors("RegisterJobDefinition", bad)
    wrong_enum = dict(rendered()["assemble"], dependsOn=[{"jobId": "x", "type": "ALL"}])
    assert "not in" in model_errors("SubmitJob", wrong_enum)
    not_a_number = dict(rendered()["collect"], arrayProperties={"size": "4"})
    assert "Invalid type" in model_errors("SubmitJob", not_a_number)


@pytest.mark.parametrize("command", ["collect", "assemble"])
def test_sharded_commands_are_what_ecr_report_parses(command):
    args = parse_cli(rendered()[command]["containerOverrides"]["command"])
    assert args.command == command and args.run_id == RUN_ID and str(args.output) == "/data"


def test_an_s3_shard_area_needs_no_shared_file_system():
    """`--output s3://...`: the shards and assemble meet in S3; the run is assembled in /data."""
    jobs = rendered(SHARDS, RUN_ID, "--output", "s3://ops-bucket/ecr-report")
    for command in ("collect", "assemble"):
        args = parse_cli(jobs[command]["containerOverrides"]["command"])
        assert args.output == "s3://ops-bucket/ecr-report", command
        assert model_errors("SubmitJob", jobs[command]) == ""
    assert str(parse_cli(jobs["assemble"]["containerOverrides"]["command"]).run_root) == "/data"
    assert str(parse_cli(rendered()["assemble"]["containerOverrides"]["command"]).run_root) == "/data"
    for bad in ("data", "s3://", "s3://b/p&q", 's3://b/"x', "/a|b"):
        result = submit("--output", bad, "--print", "3")
        assert (result.returncode, result.stdout) == (2, ""), bad


def test_the_single_run_command_is_what_ecr_report_parses():
    args = parse_cli(json.loads((BATCH / "submit-run.json").read_text())["containerOverrides"]["command"])
    assert (args.command, args.deliver, str(args.output)) == ("run", True, "/data")


def test_one_child_per_shard_and_assemble_waits_for_the_whole_array_with_the_same_run_id():
    jobs = rendered(shards=7, run_id="20261207T080000Z-2")
    collect, assemble = jobs["collect"], jobs["assemble"]
    assert collect["arrayProperties"] == {"size": 7}
    assert option(collect["containerOverrides"]["command"], "--shard") == "7"  # K: AWS_BATCH_JOB_ARRAY_INDEX
    assert option(assemble["containerOverrides"]["command"], "--shards") == "7"
    assert assemble["dependsOn"] == [{"jobId": "COLLECT_JOB_ID"}]  # no type: all children, not N_TO_N
    assert "arrayProperties" not in assemble
    for job in (collect, assemble):
        assert option(job["containerOverrides"]["command"], "--run-id") == "20261207T080000Z-2"


def test_assemble_only_has_no_dependency():
    """The fallback after a shard failed for good: the submitted input, as the script builds it."""
    script = (BATCH / "submit.sh").read_text()
    assert re.search(r'assemble\)\n\s+submit "\$\(render submit-assemble\.json\)"', script)
    template = (BATCH / "submit-assemble.json").read_text()
    alone = json.loads(template.replace("__DEPENDS_ON__", "").replace("__RUN_ID__", RUN_ID).replace("__SHARDS__", "3"))
    assert alone["dependsOn"] == [] and model_errors("SubmitJob", alone) == ""


@pytest.mark.parametrize("args", [["1"], ["10001"], ["x"], [], ["2", "2026 12"], ["2", "20261207T080000Z-1"],
                                  ["--assemble-only"], ["--assemble-only", "3"]])
def test_submit_refuses_bad_arguments(args):
    result = submit("--print", *args) if args[:1] != ["--assemble-only"] else submit(*args)
    assert result.returncode == 2 and result.stdout == ""


def test_submit_passes_shellcheck():
    shellcheck = Path(sys.executable).with_name("shellcheck")
    result = subprocess.run([str(shellcheck), str(BATCH / "submit.sh")], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")


def test_submissions_name_registered_definitions_and_one_image():
    defined = definitions()
    for name, job in submissions():
        assert job["jobDefinition"] in defined, name
    assert rendered()["collect"]["jobDefinition"] == "ecr-report-collect"
    assert len({d["containerProperties"]["image"] for d in defined.values()}) == 1


def test_containers_are_non_root_read_only_with_data_on_efs():
    uid, gid = re.findall(r"^USER\s+(\d+):(\d+)\s*$", (ROOT / "Dockerfile").read_text(), re.M)[-1]
    for name, definition in definitions().items():
        props = definition["containerProperties"]
        assert props["user"] == f"{uid}:{gid}" and props["readonlyRootFilesystem"] is True, name
        volumes = {v["name"]: v for v in props["volumes"]}
        writable = {m["containerPath"] for m in props["mountPoints"] if not m["readOnly"]}
        assert writable == {"/data"}, name
        data = next(m for m in props["mountPoints"] if m["containerPath"] == "/data")
        efs = volumes[data["sourceVolume"]]["efsVolumeConfiguration"]
        assert efs["transitEncryption"] == "ENABLED" and efs["authorizationConfig"]["iam"] == "ENABLED", name


def test_mounts_match_the_commands_and_the_configuration(tmp_path):
    """The config file the commands name is on a mount; the report job also mounts the signing
    key where the shared configuration (deploy/kubernetes/base) names it, and gets the SMTP
    credentials from Secrets Manager as the variables jobs/deliver/email.py reads."""
    import yaml

    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.deliver.email import SMTP_PASSWORD_ENV, SMTP_USER_ENV

    defined = definitions()
    for name, job in submissions():
        command = job["containerOverrides"]["command"]
        mounted = {m["containerPath"] for m in defined[job["jobDefinition"]]["containerProperties"]["mountPoints"]}
        assert str(Path(option(command, "--config")).parent) in mounted, name
        assert option(command, "--output") in mounted, name
    configmap = yaml.safe_load((DEPLOY / "kubernetes" / "base" / "configmap.yaml").read_text())
    (tmp_path / "ecr-report.toml").write_text(configmap["data"]["ecr-report.toml"])
    config = load_config(tmp_path / "ecr-report.toml", env={})
    report = defined["ecr-report-report"]["containerProperties"]
    assert str(Path(config.archive.signing_key_file).parent) in {m["containerPath"] for m in report["mountPoints"]}
    assert {s["name"] for s in report["secrets"]} == {SMTP_USER_ENV, SMTP_PASSWORD_ENV}
    collect = defined["ecr-report-collect"]["containerProperties"]
    assert "secrets" not in collect  # shards never send mail; they do check the signing key (mounted)
    assert str(Path(config.archive.signing_key_file).parent) in {m["containerPath"] for m in collect["mountPoints"]}


def test_retries_stop_on_the_cli_exit_codes_that_retrying_cannot_fix():
    from ecr_report.jobs.cli import EXIT_BAD_INPUT, EXIT_DELIVERY_FAILED, EXIT_INCOMPLETE

    expected = {"ecr-report-collect": {EXIT_BAD_INPUT},
                "ecr-report-report": {EXIT_BAD_INPUT, EXIT_INCOMPLETE, EXIT_DELIVERY_FAILED}}
    for name, definition in definitions().items():
        rules = definition["retryStrategy"]["evaluateOnExit"]
        exits = {int(r["onExitCode"]) for r in rules if r["action"] == "EXIT"}
        assert exits == expected[name], name
        assert rules[-1] == {"onExitCode": "*", "action": "RETRY"}, name  # first match wins: last


def test_the_array_job_and_assemble_commands_make_a_run(tmp_path):
    """Each child knows its shard only from AWS_BATCH_JOB_ARRAY_INDEX and sees only its job
    definition's mounts (the configuration on /etc/ecr-report, the signing key where mounted);
    the assembled run is complete."""
    import yaml

    config = yaml.safe_load((DEPLOY / "kubernetes" / "base" / "configmap.yaml").read_text())["data"]
    on_efs = {"/etc/ecr-report": config, "/run/secrets/ecr-report": {"signing-key.pem": signing_key_pem()}}
    jobs = rendered(shards=2)  # the smallest array job
    defined = definitions()
    mounted = {cmd: {m["containerPath"]: on_efs[m["containerPath"]]
                     for m in defined[job["jobDefinition"]]["containerProperties"]["mountPoints"]
                     if m["containerPath"] != "/data"} for cmd, job in jobs.items()}
    run_dir, codes = run_like_the_scheduler({cmd: job["containerOverrides"]["command"] for cmd, job in jobs.items()},
                                            mounted, 2, "AWS_BATCH_JOB_ARRAY_INDEX", tmp_path)
    assert codes == [0, 0, 0] and run_dir.name == RUN_ID
    assert (run_dir / "manifest.sig").is_file() and (run_dir / "report.html").is_file()
