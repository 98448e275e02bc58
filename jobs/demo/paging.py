"""Pagination as botocore paginators expect it: opaque ``nextToken`` in/out, ``maxResults``
bounds read from botocore's service model, O(page size) slicing of a precomputed sequence.

A token encodes the offset and a fingerprint of the request's other parameters, so a token
replayed with different filters is rejected like AWS does.
"""

from __future__ import annotations

import base64
import json
import threading
import zlib

import botocore.session

from .errors import DemoServiceError

_LOCK = threading.Lock()
_MODELS: dict[str, object] = {}
_SESSION = None

# Error code AWS uses for a bad token / out-of-range page size, per service.
BAD_PARAM = {"ecr": "InvalidParameterException", "inspector2": "ValidationException",
             "ec2": "InvalidParameterValue", "ecs": "InvalidParameterException",
             "cloudwatch": "InvalidParameterValue", "sts": "ValidationError",
             "organizations": "InvalidInputException"}


def service_model(service: str):
    """botocore's service model (loaded once per process, thread-safe)."""
    global _SESSION
    model = _MODELS.get(service)
    if model is None:
        with _LOCK:
            model = _MODELS.get(service)
            if model is None:
                if _SESSION is None:
                    _SESSION = botocore.session.get_session()
                model = _SESSION.get_service_model(service)
                _MODELS[service] = model
    return model


BOUNDS = {
    ("ec2", "DescribeVpcs", "MaxResults"): (5, 1000),
    ("ec2", "DescribeNatGateways", "MaxResults"): (5, 1000),
    ("ec2", "DescribeVpcEndpoints", "MaxResults"): (1, 1000),
    ("ecs", "ListTaskDefinitions", "maxResults"): (1, 1000),
    ("ecr", "ListPullTimeUpdateExclusions", "maxResults"): (1, 1000),
    ("ecr", "DescribeRepositories", "maxResults"): (1, 1000),
    ("ecr", "DescribeRepositoryCreationTemplates", "maxResults"): (1, 1000),
    ("ecr", "DescribePullThroughCacheRules", "maxResults"): (1, 1000),
    ("ecr", "DescribeImages", "maxResults"): (1, 1000),
    ("ecr", "DescribeImageScanFindings", "maxResults"): (1, 1000),
    ("ecr", "GetLifecyclePolicyPreview", "maxResults"): (1, 100),
    ("inspector2", "ListCoverage", "maxResults"): (1, 200),
    ("inspector2", "ListFindingAggregations", "maxResults"): (1, 100),
    ("inspector2", "ListUsageTotals", "maxResults"): (1, 500),
    ("organizations", "ListAccounts", "MaxResults"): (1, 20),
    ("organizations", "ListAccountsForParent", "MaxResults"): (1, 20),
    ("organizations", "ListOrganizationalUnitsForParent", "MaxResults"): (1, 20),
}
"""`model_bounds` of the members the handlers page by, as botocore's models have them
(tests/demo/test_boto3_paging.py checks each against the model): loading a model for them
was a second copy of the models the clients load (~0.3 s of CPU, the EC2 model most of it)."""


def bounds(service: str, operation: str, key: str) -> tuple[int, int]:
    """``(min, max)`` of an integer request member (e.g. ``maxResults``): `BOUNDS`, else the model."""
    known = BOUNDS.get((service, operation, key))
    return known if known is not None else model_bounds(service, operation, key)


def model_bounds(service: str, operation: str, key: str) -> tuple[int, int]:
    """``(min, max)`` of an integer request member from botocore's model."""
    shape = service_model(service).operation_model(operation).input_shape.members[key]
    return int(shape.metadata.get("min", 1)), int(shape.metadata.get("max", 1000))


def fingerprint(params: dict, token_key: str, limit_key: str) -> int:
    rest = {k: v for k, v in params.items() if k not in (token_key, limit_key)}
    return zlib.crc32(json.dumps(rest, sort_keys=True, default=str).encode())


def encode_token(offset: int, fp: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fp]).encode()).decode().rstrip("=")


def decode_token(service: str, token: str, fp: int) -> int:
    try:
        pad = "=" * (-len(token) % 4)
        offset, got = json.loads(base64.urlsafe_b64decode(token + pad))
        if got != fp or not isinstance(offset, int) or offset < 0:
            raise ValueError
        return offset
    except Exception:  # noqa: BLE001 - any malformed token is the caller's error
        raise DemoServiceError(BAD_PARAM.get(service, "ValidationException"),
                               "The specified nextToken is invalid or does not match the request.") from None


def page_size(service: str, operation: str, params: dict, limit_key: str = "maxResults",
              default: int | None = None) -> int:
    """Validated page size: ``params[limit_key]`` within the model bounds, else ``default``."""
    lo, hi = bounds(service, operation, limit_key)
    value = params.get(limit_key)
    if value is None:
        return default if default is not None else min(100, hi)
    if not isinstance(value, int) or value < lo or value > hi:
        raise DemoServiceError("ValidationException" if service != "ec2" else "InvalidParameterValue",
                               f"1 validation error detected: Value '{value}' at '{limit_key}' failed to satisfy "
                               f"constraint: Member must have value between {lo} and {hi}")
    return value


def paginate(service: str, operation: str, params: dict, items, *, token_key: str = "nextToken",
             limit_key: str = "maxResults", default: int | None = None, out_token_key: str | None = None):
    """Return ``(page_items, response_token_fragment)`` for a sequence ``items``.

    ``items`` must support ``len`` and slicing (a list or tuple); only the page is touched.
    The fragment is ``{}`` on the last page, else ``{out_token_key: token}``.
    """
    size = page_size(service, operation, params, limit_key, default)
    fp = fingerprint(params, token_key, limit_key)
    token = params.get(token_key)
    start = decode_token(service, token, fp) if token else 0
    end = start + size
    page = items[start:end]
    extra = {out_token_key or token_key: encode_token(end, fp)} if end < len(items) else {}
    return page, extra
