"""Fixtures: a scale-1 fleet at a fixed as_of, its emulator, and boto3 clients answered by it."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import boto3
import botocore.validate
import pytest
from botocore.awsrequest import AWSResponse

from ecr_report.jobs.demo import DemoEmulator, DemoServiceError, build_fleet
from ecr_report.jobs.demo.paging import service_model

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)
PROD = ("111122223333", "us-east-1")
TOKYO = ("111122223333", "ap-northeast-1")
SANDBOX = ("444455556666", "us-east-1")


@pytest.fixture(scope="session")
def fleet():
    return build_fleet(scale=1, as_of=AS_OF)


@pytest.fixture(scope="session")
def emu(fleet):
    return DemoEmulator(fleet)


def validate_output(service: str, operation: str, response: dict) -> dict:
    """The check botocore's Stubber applies to a canned response."""
    shape = service_model(service).operation_model(operation).output_shape
    if shape is not None:
        botocore.validate.validate_parameters(response, shape)
    return response


def call(emu, service, operation, params, unit=PROD):
    """Call the emulator and validate the answer against botocore's output shape."""
    return validate_output(service, operation, emu.handle(service, operation, params, unit[0], unit[1]))


def attach(client, emu, account, region):
    """Answer every call of a real boto3 client from the emulator (Stubber-style hooks)."""
    def capture(params, model, context, **kwargs):
        context["demo_params"] = copy.deepcopy(params)

    def answer(model, params, context, **kwargs):
        service = model.service_model.service_name
        try:
            parsed = emu.handle(service, model.name, context.get("demo_params", {}), account, region)
            validate_output(service, model.name, parsed)
            status = 200
        except DemoServiceError as err:
            parsed, status = err.to_error_dict(), err.http_status
        return AWSResponse(params.get("url", "https://demo.invalid/"), status, {}, None), parsed

    client.meta.events.register_first("before-parameter-build.*.*", capture)
    client.meta.events.register_first("before-call.*.*", answer)
    return client


@pytest.fixture()
def client(emu):
    def make(service, unit=PROD):
        session = boto3.session.Session(aws_access_key_id="AKIADEMO111122223333", aws_secret_access_key="demo",
                                        region_name=unit[1])
        return attach(session.client(service, region_name=unit[1]), emu, unit[0], unit[1])
    return make
