"""`--images-in-use FILE` and `pull_through.images_in_use_file` reach the analysis settings."""

from __future__ import annotations

import pytest

from ecr_report.jobs.cli import build_parser
from ecr_report.jobs.config import Config, ConfigError
from ecr_report.jobs.settings import analysis_settings
from ecr_report.reports.pull_through.config import PullThroughConfig


def test_the_file_is_read_and_split_on_whitespace(tmp_path):
    refs = tmp_path / "images.txt"
    refs.write_text("nginx:1.27 quay.io/a/b:1\n  nginx:1.27\tghcr.io/c/d@sha256:" + "0" * 64 + "\n")
    config = Config(pull_through=PullThroughConfig(images_in_use_file=str(refs), layer_reuse_fraction=0.5))
    settings = analysis_settings(config)["pull_through"]
    assert settings["images_in_use"] == ["nginx:1.27", "quay.io/a/b:1", "nginx:1.27", "ghcr.io/c/d@sha256:" + "0" * 64]
    assert settings["layer_reuse_fraction"] == 0.5 and settings["metrics_days"] == 30


def test_a_missing_file_is_a_config_error(tmp_path):
    config = Config(pull_through=PullThroughConfig(images_in_use_file=str(tmp_path / "nope.txt")))
    with pytest.raises(ConfigError, match="pull_through.images_in_use_file"):
        analysis_settings(config)


def test_run_accepts_images_in_use():
    args = build_parser().parse_args(["run", "--demo", "--images-in-use", "pods.txt"])
    assert str(args.images_in_use) == "pods.txt"
    assert build_parser().parse_args(["run"]).images_in_use is None
