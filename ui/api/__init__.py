"""The HTTP API under /api/v1 (JSON, SSE and OpenAI-compatible chat), served beside the UI."""
