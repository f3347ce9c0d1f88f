"""JSON bodies with a size limit: DRF reads the request stream itself, past Django's
DATA_UPLOAD_MAX_MEMORY_SIZE, so the limit is applied here, before anything is parsed; a body
nested too deeply to parse is a 400 like any other malformed JSON."""

import io

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from claims.conf import claimbook_settings


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = claimbook_settings.MAX_API_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit:,} bytes; nothing was read or written.")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            # Python's json module gives up on deep nesting with RecursionError, not a decode error.
            raise ParseError(
                "JSON parse error - arrays or objects are nested too deeply; a claim's JSON is a few levels deep."
            ) from None
