"""deploy/kubernetes/: every manifest is valid against the Kubernetes schema (kubernetes-validate's
bundled schemas, strict: an unknown field fails), and means what the README says: the commands
parse with ecr-report's own parser, the configuration is one the product loads, the secrets it
names are mounted where it reads them, the shards of a run and its assemble Job share one run id,
and every pod runs as the image's non-root user on a read-only root with no capabilities.

The sharded Jobs are templates: they are validated as `run-sharded.sh --print` renders them."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from deploy_support import (
    DEPLOY,
    KUBERNETES_VERSION,
    ROOT,
    Container,
    parse_cli,
    run_like_the_scheduler,
    signing_key_pem,
)

KUBE = DEPLOY / "kubernetes"
SHARDED = KUBE / "sharded"
TEMPLATES = {"collect-job.yaml", "assemble-job.yaml"}
RUN_ID = "20261207T080000Z"
SHARDS = 4
REPORT_CONTAINER = "ecr-report"


def load_all(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def render_sharded(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("IMAGE", "NAMESPACE")}
    return subprocess.run(["sh", str(SHARDED / "run-sharded.sh"), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def rendered_jobs(shards: int = SHARDS, run_id: str = RUN_ID) -> dict[str, dict]:
    result = render_sharded("--print", str(shards), run_id)
    assert result.returncode == 0, result.stderr
    docs = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return {doc["spec"]["template"]["spec"]["containers"][0]["args"][0]: doc for doc in docs}


def static_resources() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(KUBE.rglob("*.yaml")):
        if path.name == "kustomization.yaml" or path.name in TEMPLATES:
            continue
        found += [(f"{path.relative_to(KUBE)}#{i}", doc) for i, doc in enumerate(load_all(path))]
    return found


def all_resources() -> list[tuple[str, dict]]:
    jobs = rendered_jobs()
    return static_resources() + [(f"sharded/{cmd}-job (rendered)", doc) for cmd, doc in sorted(jobs.items())]


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in all_resources() if doc["kind"] == kind}


def pod_specs() -> list[tuple[str, dict]]:
    """(resource, pod spec) of every CronJob and Job."""
    specs = []
    for where, doc in all_resources():
        if doc["kind"] == "CronJob":
            specs.append((where, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
        elif doc["kind"] == "Job":
            specs.append((where, doc["spec"]["template"]["spec"]))
    return specs


def report_pods() -> list[tuple[str, dict, dict]]:
    """(resource, pod spec, the ecr-report container) of every pod that runs the product."""
    return [(where, spec, c) for where, spec in pod_specs() for c in spec["containers"] if c["name"] == REPORT_CONTAINER]


def mounts(spec: dict, container: dict) -> dict[str, dict]:
    """mountPath -> the volume mounted there."""
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    return {m["mountPath"]: volumes[m["volumeName"] if "volumeName" in m else m["name"]]
            for m in container.get("volumeMounts", [])}


def option(args: list[str], name: str) -> str:
    """The value of `name` in a container's args (the parser's view is checked separately)."""
    return args[args.index(name) + 1]


def dockerfile_user() -> tuple[int, int]:
    users = re.findall(r"^USER\s+(\d+):(\d+)\s*$", (ROOT / "Dockerfile").read_text(), re.M)
    uid, gid = users[-1]
    return int(uid), int(gid)


@pytest.mark.parametrize("where,doc", all_resources(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_manifest_is_valid_against_the_kubernetes_schema(where, doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_can_fail():
    """A misspelt field (strict: no unknown fields) and a wrong type are both reported."""
    job = rendered_jobs()["collect"]
    misspelt = copy.deepcopy(job)
    misspelt["spec"]["completionmode"] = misspelt["spec"].pop("completionMode")
    wrong_type = copy.deepcopy(job)
    wrong_type["spec"]["completions"] = "four"
    for bad in (misspelt, wrong_type):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


def test_kustomizations_name_files_that_exist_in_one_namespace():
    for path in KUBE.rglob("kustomization.yaml"):
        k = yaml.safe_load(path.read_text())
        for resource in k.get("resources", []):
            target = path.parent / resource
            assert target.is_file() or (target / "kustomization.yaml").is_file(), f"{path}: {resource}"
            if target.is_file():
                for doc in load_all(target):
                    if doc["kind"] != "Namespace":
                        assert doc["metadata"]["namespace"] == k["namespace"], f"{target}: {doc['metadata']['name']}"
        for generator in k.get("configMapGenerator", []):
            for name in generator["files"]:
                assert (path.parent / name).is_file(), f"{path}: {name}"
    for doc in rendered_jobs().values():
        assert doc["metadata"]["namespace"] == "ecr-report"


def test_every_pod_is_non_root_read_only_and_without_capabilities():
    uid, gid = dockerfile_user()
    for where, spec in pod_specs():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["seccompProfile"]["type"] == "RuntimeDefault", where
        assert spec["restartPolicy"] == "Never", where
        for container in spec["containers"]:
            sc = container["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"] == {"drop": ["ALL"]}, where
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), where
            assert "memory" in container["resources"]["limits"], where
    for where, spec, _ in report_pods():
        pod = spec["securityContext"]
        assert (pod["runAsUser"], pod["runAsGroup"], pod["fsGroup"]) == (uid, gid, gid), where


def test_report_pods_write_only_to_the_data_volume_and_read_the_config_map():
    pvc = by_kind("PersistentVolumeClaim")
    configmaps = by_kind("ConfigMap")
    for where, spec, container in report_pods():
        mounted = mounts(spec, container)
        data = mounted[option(container["args"], "--output")]
        assert data["persistentVolumeClaim"]["claimName"] in pvc, where
        config = Path(option(container["args"], "--config"))
        config_dir, config_key = str(config.parent), config.name
        assert config_key in configmaps[mounted[config_dir]["configMap"]["name"]]["data"], where
        writable = {path for path, volume in mounted.items() if "persistentVolumeClaim" in volume}
        assert writable == {"/data"}, where


def test_container_args_are_what_ecr_report_parses():
    single = by_kind("CronJob")["ecr-report"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    args = parse_cli(single["args"])
    assert (args.command, args.deliver, str(args.output)) == ("run", True, "/data")


@pytest.mark.parametrize("command", ["collect", "assemble"])
def test_sharded_args_are_what_ecr_report_parses(command):
    container = rendered_jobs()[command]["spec"]["template"]["spec"]["containers"][0]
    args = parse_cli(container["args"])
    assert args.command == command and args.run_id == RUN_ID and str(args.output) == "/data"


def test_the_collect_job_is_indexed_one_pod_per_shard():
    jobs = rendered_jobs(shards=7)
    spec = jobs["collect"]["spec"]
    assert spec["completionMode"] == "Indexed"
    assert spec["completions"] == spec["parallelism"] == 7
    assert spec["backoffLimitPerIndex"] >= 1 and "maxFailedIndexes" not in spec  # every shard gets its turn
    assert option(spec["template"]["spec"]["containers"][0]["args"], "--shard") == "7"  # K: JOB_COMPLETION_INDEX
    assert option(jobs["assemble"]["spec"]["template"]["spec"]["containers"][0]["args"], "--shards") == "7"


def test_shards_and_assemble_share_the_run_id():
    jobs = rendered_jobs(run_id="20261207T080000Z-2")
    for command, job in jobs.items():
        assert option(job["spec"]["template"]["spec"]["containers"][0]["args"], "--run-id") == "20261207T080000Z-2"
        assert job["metadata"]["name"] == f"ecr-report-{command}-20261207t080000z-2"


def test_the_default_run_id_is_now_in_the_run_directory_format(tmp_path):
    from ecr_report.jobs.rundir import new_run_id

    result = render_sharded("--print", "2")
    assert result.returncode == 0, result.stderr
    args = yaml.safe_load_all(result.stdout).__next__()["spec"]["template"]["spec"]["containers"][0]["args"]
    run_id = option(args, "--run-id")
    started = datetime.strptime(run_id, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - started).total_seconds()) < 120
    assert datetime.strptime(new_run_id(datetime.now(timezone.utc), tmp_path), "%Y%m%dT%H%M%SZ")


RUN_ID_SAMPLES = ["20261207T080000Z", "20261207T080000Z-2", "20261207T080000Z-10", "20261207T080000Z-1",
                  "20261207T080000Z-02", "20261207T0800Z", "20261207t080000z", "latest", "20261207T080000Z-2-3"]


@pytest.mark.parametrize("run_id", RUN_ID_SAMPLES)
def test_run_sharded_accepts_exactly_the_run_ids_ecr_report_accepts(run_id):
    from ecr_report.jobs import rundir
    from ecr_report.jobs.errors import ConfigError

    if not hasattr(rundir, "run_id_instant"):
        pytest.skip("jobs/rundir.py has no run_id_instant yet (sharded runs)")
    try:
        rundir.run_id_instant(run_id)
        accepted = True
    except ConfigError:
        accepted = False
    assert (render_sharded("--print", "2", run_id).returncode == 0) == accepted


@pytest.mark.parametrize("args", [["0"], ["x"], [], ["2", "2026 12"], ["2", "id", "extra"], ["2", "20261207T080000Z-1"]])
def test_run_sharded_refuses_bad_arguments(args):
    result = render_sharded("--print", *args)
    assert result.returncode == 2 and result.stdout == ""


def test_run_sharded_passes_shellcheck():
    shellcheck = Path(sys.executable).with_name("shellcheck")
    result = subprocess.run([str(shellcheck), str(SHARDED / "run-sharded.sh")], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")


def test_one_image_everywhere():
    images = {c["image"] for _, _, c in report_pods()}
    driver = by_kind("CronJob")["ecr-report-sharded"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    images |= {e["value"] for e in driver["containers"][0]["env"] if e["name"] == "IMAGE"}
    assert len(images) == 1, images
    single = yaml.safe_load((KUBE / "single" / "kustomization.yaml").read_text())
    name, _, tag = images.pop().rpartition(":")
    assert single["images"] == [{"name": name, "newTag": tag}]


def test_the_configuration_loads_and_its_secret_files_are_mounted(tmp_path):
    from ecr_report.jobs.config import load_config

    toml = by_kind("ConfigMap")["ecr-report-config"]["data"]["ecr-report.toml"]
    (tmp_path / "ecr-report.toml").write_text(toml)
    config = load_config(tmp_path / "ecr-report.toml", env={})
    assert config.report.output_dir == "/data" and config.aws.organization is not None
    secret_files = {Path(config.email.smtp_password_file), Path(config.archive.signing_key_file)}
    delivering = [(w, s, c) for w, s, c in report_pods() if "--deliver" in c["args"]]
    assert len(delivering) == 2  # the single run and the assemble Job
    for where, spec, container in delivering:
        mounted = mounts(spec, container)
        for file in secret_files:
            secret = mounted[str(file.parent)]["secret"]
            assert file.name in {item["path"] for item in secret["items"]}, f"{where}: {file}"
            assert secret["defaultMode"] & 0o007 == 0, where  # not world-readable
    assert tomllib.loads(toml)  # and it is plain TOML, no templating


def test_collect_pods_get_the_signing_key_but_no_smtp_credentials():
    """collect checks the signing key before collecting (like run); it never sends mail."""
    spec = rendered_jobs()["collect"]["spec"]["template"]["spec"]
    items = [item["key"] for v in spec["volumes"] if "secret" in v for item in v["secret"]["items"]]
    assert items == ["signing-key.pem"]
    assert "env" not in spec["containers"][0]


def test_failure_policies_use_the_cli_exit_codes():
    from ecr_report.jobs.cli import EXIT_BAD_INPUT, EXIT_DELIVERY_FAILED, EXIT_INCOMPLETE

    final = {EXIT_BAD_INPUT, EXIT_INCOMPLETE, EXIT_DELIVERY_FAILED}
    single = by_kind("CronJob")["ecr-report"]["spec"]["jobTemplate"]["spec"]
    for where, spec in (("single", single), ("assemble", rendered_jobs()["assemble"]["spec"]),
                        ("collect", rendered_jobs()["collect"]["spec"])):
        rules = spec["podFailurePolicy"]["rules"]
        fail_job = {code for r in rules if r["action"] == "FailJob" for code in r["onExitCodes"]["values"]}
        assert fail_job == (final if where != "collect" else {EXIT_BAD_INPUT}), where
        assert all(r["onExitCodes"]["containerName"] == REPORT_CONTAINER for r in rules if "onExitCodes" in r)


def test_irsa_identity_for_report_pods_and_jobs_only_rights_for_the_driver():
    accounts = by_kind("ServiceAccount")
    arn = accounts["ecr-report"]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert re.fullmatch(r"arn:aws:iam::\d{12}:role/[\w+=,.@-]+", arn)
    assert "annotations" not in accounts["ecr-report-driver"]["metadata"]
    assert {spec["serviceAccountName"] for _, spec, _ in report_pods()} == {"ecr-report"}
    role = by_kind("Role")["ecr-report-driver"]
    assert role["rules"] == [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "get"]}]
    script = (SHARDED / "run-sharded.sh").read_text()
    assert set(re.findall(r'kubectl -n "\$namespace" (\w+)', script)) == {"create", "get"}
    binding = by_kind("RoleBinding")["ecr-report-driver"]
    assert binding["subjects"][0]["name"] == "ecr-report-driver" and binding["roleRef"]["name"] == role["metadata"]["name"]


def test_the_driver_runs_the_script_the_config_map_ships():
    driver = by_kind("CronJob")["ecr-report-sharded"]["spec"]["jobTemplate"]["spec"]
    spec = driver["template"]["spec"]
    container = spec["containers"][0]
    script = Path(container["command"][-1])
    volume = mounts(spec, container)[str(script.parent)]
    kustomization = yaml.safe_load((SHARDED / "kustomization.yaml").read_text())
    generated = {g["name"]: g["files"] for g in kustomization["configMapGenerator"]}
    assert script.name in generated[volume["configMap"]["name"]]
    assert set(generated[volume["configMap"]["name"]]) >= TEMPLATES
    assert int(container["args"][0]) >= 1 and driver["backoffLimit"] == 0
    assert spec["serviceAccountName"] == "ecr-report-driver"


def test_schedules_are_valid_crontab_lines():
    from ecr_report.jobs.cron import cron_trigger

    for name, cronjob in by_kind("CronJob").items():
        assert cronjob["spec"]["concurrencyPolicy"] == "Forbid", name
        cron_trigger(cronjob["spec"]["schedule"], "UTC")


def pod_files(spec: dict, container: dict) -> dict[str, dict[str, str]]:
    """What the container sees besides /data: the ConfigMap's files and the Secret's items (test
    values: a fresh Ed25519 key, a dummy SMTP password)."""
    secrets = {"signing-key.pem": signing_key_pem(), "smtp-password": "not-a-real-password"}
    configmaps = by_kind("ConfigMap")
    files = {}
    for path, volume in mounts(spec, container).items():
        if "configMap" in volume:
            files[path] = dict(configmaps[volume["configMap"]["name"]]["data"])
        elif "secret" in volume:
            files[path] = {item["path"]: secrets[item["key"]] for item in volume["secret"]["items"]}
    return files


def test_the_indexed_job_and_assemble_commands_make_a_run(tmp_path):
    """Each pod knows its shard only from JOB_COMPLETION_INDEX and sees only its own mounts (the
    ConfigMap's configuration, its Secret items); the assembled run is complete."""
    jobs = rendered_jobs(shards=3)
    pods = {cmd: (job["spec"]["template"]["spec"], job["spec"]["template"]["spec"]["containers"][0])
            for cmd, job in jobs.items()}
    run_dir, codes = run_like_the_scheduler({cmd: c["args"] for cmd, (_, c) in pods.items()},
                                            {cmd: pod_files(*pod) for cmd, pod in pods.items()},
                                            3, "JOB_COMPLETION_INDEX", tmp_path)
    assert codes == [0, 0, 0, 0] and run_dir.name == RUN_ID
    assert (run_dir / "manifest.sig").is_file() and (run_dir / "report.html").is_file()


def test_the_single_cronjob_command_makes_a_signed_run(tmp_path):
    """The CronJob's container with its mounts (configuration, Secret items) writes a signed run."""
    spec = by_kind("CronJob")["ecr-report"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = spec["containers"][0]
    files = pod_files(spec, container)
    done = Container(tmp_path / "root", set(files)).run(container["args"], files)
    assert done.returncode == 0, done.stderr[-2000:]
    run_dir = Path(done.stdout.strip().splitlines()[-1])
    assert run_dir.parent == tmp_path / "root" / "data" / "runs"
    assert (run_dir / "manifest.sig").is_file() and (run_dir / "report.html").is_file()
