"""The weekly email of a Japanese run (report.language = "ja", kept in the snapshot settings):
subject, plain-text and HTML bodies in Japanese from the report's catalog, the same figures as
summary.json; an English run's email is untouched."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ecr_report.jobs.config import Config, EmailConfig, ReportConfig
from ecr_report.jobs.deliver.email import build_message, report_language

CFG = EmailConfig(transport="smtp", smtp_host="127.0.0.1", smtp_port=25, starttls=False,
                  sender="ecr-report@example.com", recipients=("cfo@example.com",))
DATE = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
#: English sentences of the email that a Japanese email must not show.
ENGLISH = ("Weekly ECR report", "repositories scanned", "failing control checks", "As of",
           "Repositories scanned", "Images scanned", "per month", "not computed yet",
           "The full report", "Sent automatically", "API call(s) failed", "account(s)",
           "Scan coverage:", "Compliance by control", "DEMO DATA", "scan coverage, cost")


@pytest.fixture(scope="module")
def ja_run(tmp_path_factory) -> Path:
    from ecr_report.jobs.run import run

    outcome = run(Config(report=ReportConfig(language="ja", pdf=False)),
                  output=tmp_path_factory.mktemp("ja-email"), demo=True, now=DATE)
    return outcome.run_dir


def _parts(message) -> tuple[str, str, str]:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    plain = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return str(parsed["Subject"]), plain, html


def test_the_language_comes_from_the_snapshot(ja_run, finished_run, tmp_path):
    assert report_language(ja_run) == "ja"
    assert report_language(finished_run) == "en"
    assert report_language(tmp_path) == "en"  # no snapshot: English


def test_a_japanese_run_sends_a_japanese_email(ja_run):
    subject, plain, html = _parts(build_message(ja_run, CFG, date=DATE))
    summary = json.loads((ja_run / "summary.json").read_text(encoding="utf-8"))
    cov = summary["coverage"]
    failing = summary["compliance"]["controls_failing"]
    assert subject == (f"[デモ] ECR レポート 2026年12月1日: スキャン済みリポジトリ "
                       f"{cov['repositories_scanned']}/{cov['repositories_total']}、"
                       f"不合格のコントロールチェック {failing} 件")
    assert '<html lang="ja">' in html
    for body in (plain, html):
        assert "週次 ECR レポート" in body and "基準日時 2026年12月1日 00:00 UTC" in body
        assert "デモデータ(エミュレートされたフリート)" in body
        assert f"{cov['repositories_total']} 件中 {cov['repositories_scanned']} 件" in body
        assert "スキャン済みリポジトリ" in body and "不合格のコントロールチェック" in body
        assert "ecr-report verify" in body
        for english in ENGLISH:
            assert english not in body, english
    assert re.search(r'alt="スキャン範囲: [^"]+をスキャン済み"', html)
    assert re.search(r'alt="コントロール別のコンプライアンス: ECR\.1 合格 \d+、不合格 \d+', html)


def test_a_japanese_email_with_collection_errors(ja_run, tmp_path):
    import shutil

    run_dir = tmp_path / ja_run.name
    shutil.copytree(ja_run, run_dir)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    summary["demo"] = False
    summary["completeness"]["errors"] = [{"operation": "ecr.ListImages"}, {"operation": "ecr.X"}]
    summary["sections_not_computed"] = ["lifecycle"]
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    subject, plain, html = _parts(build_message(run_dir, CFG, date=DATE))
    assert subject.startswith("[データ不完全] ECR レポート 2026年12月1日: ")
    for body in (plain, html):
        assert "2 件の API 呼び出しが失敗しました。" in body
        assert "ライフサイクルで現在回収可能" in body and "未計算" in body
        for english in ENGLISH:
            assert english not in body, english


def test_an_english_run_keeps_its_english_email(finished_run):
    subject, plain, html = _parts(build_message(finished_run, CFG, date=DATE))
    assert subject.startswith("[DEMO] ECR report 2026-11-30: ") and subject.endswith("failing control checks")
    assert '<html lang="en">' in html
    for body in (plain, html):
        assert "Weekly ECR report" in body and "Sent automatically by ecr-report" in body
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", body)


def test_japanese_email_charts_are_drawn_with_japanese_words_and_font(ja_run):
    from ecr_report.reports.render import email_charts as charts

    summary = json.loads((ja_run / "summary.json").read_text(encoding="utf-8"))
    english, japanese = charts.headline_charts(summary), charts.headline_charts(summary, "ja")
    assert [c.cid for c in english] == [c.cid for c in japanese] == ["coverage", "compliance"]
    assert japanese[0].title == "スキャン範囲" and english[0].title == "Scan coverage"
    assert "スキャン" in japanese[0].alt and "合格" in japanese[1].alt
    assert all(ja.png != en.png for ja, en in zip(japanese, english))
    font = charts.font(13, "ja")
    assert font.path == charts.japanese_font_file(), "no Japanese font: kana would print as boxes"
    assert font.getmask("スキャン").getbbox() is not None
