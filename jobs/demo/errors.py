"""The one exception the demo emulator raises: an AWS service error with code and HTTP status."""

from __future__ import annotations


class DemoServiceError(Exception):
    """An AWS-style error response (``Error.Code``, ``Error.Message``, HTTP status).

    The integrator turns it into the error a real botocore client raises
    (``botocore.exceptions.ClientError`` or the service's modelled exception).
    """

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status

    def to_error_dict(self) -> dict:
        """The parsed ``Error`` block botocore would produce for this error."""
        return {"Error": {"Code": self.code, "Message": self.message},
                "ResponseMetadata": {"HTTPStatusCode": self.http_status}}
