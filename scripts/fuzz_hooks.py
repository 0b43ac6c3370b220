"""Schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS)."""

import schemathesis

# A tus PATCH body (application/offset+octet-stream) is raw bytes, as application/octet-stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
