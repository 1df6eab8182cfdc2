"""`GET /api/v1/docs`: the API reference as one self-contained HTML page, built from the
OpenAPI schema the app serves at /api/v1/openapi.json.

FastAPI's own page loads Swagger UI's scripts from a CDN, so on the offline machines this
product runs on it is blank. This page needs nothing from outside: each endpoint with its
method, summary, parameters, request body and responses, and each schema with its fields.
Every text is escaped.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")
_STYLE = """
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  max-width: 980px; margin: 24px auto; padding: 0 16px; color: #1f2d3d; line-height: 1.6; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #d6deea; }
.op { border: 1px solid #d6deea; border-radius: 8px; margin: 12px 0; padding: 8px 12px; }
.method { font-weight: 700; text-transform: uppercase; margin-right: 8px; color: #1565c0; }
code, pre { background: #f4f6fa; border-radius: 4px; padding: 1px 4px; font-size: 13px; }
pre { padding: 8px; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #d6deea;
  padding: 3px 8px; text-align: left; vertical-align: top; }
"""


def docs_html(schema: dict[str, Any]) -> str:
    """The whole page for an OpenAPI schema."""
    info = schema.get("info", {})
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{escape(str(info.get('title', 'API')))}</title><style>{_STYLE}</style></head>",
        f"<body><h1>{escape(str(info.get('title', 'API')))} v{escape(str(info.get('version', '')))}</h1>",
        f"<pre>{escape(str(info.get('description', '')))}</pre>",
        "<p>OpenAPI schema: <a href='openapi.json'>openapi.json</a></p><h2>Endpoints</h2>",
    ]
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                parts.append(_operation(method, path, item[method]))
    parts.append("<h2>Schemas</h2>")
    for name, model in schema.get("components", {}).get("schemas", {}).items():
        parts.append(_schema(name, model))
    parts.append("</body></html>")
    return "".join(parts)


def _operation(method: str, path: str, operation: dict[str, Any]) -> str:
    rows = [
        f"<div class='op' id='{escape(method)}-{escape(path)}'>",
        f"<div><span class='method'>{escape(method)}</span><code>{escape(path)}</code> "
        f"{escape(str(operation.get('summary', '')))}</div>",
    ]
    if operation.get("description"):
        rows.append(f"<pre>{escape(str(operation['description']))}</pre>")
    parameters = operation.get("parameters", [])
    if parameters:
        rows.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about</th></tr>")
        for parameter in parameters:
            rows.append(
                f"<tr><td>{escape(str(parameter.get('name')))}"
                f"{' *' if parameter.get('required') else ''}</td>"
                f"<td>{escape(str(parameter.get('in')))}</td>"
                f"<td>{escape(_type(parameter.get('schema', {})))}</td>"
                f"<td>{escape(str(parameter.get('description', '')))}</td></tr>"
            )
        rows.append("</table>")
    body = operation.get("requestBody", {}).get("content", {})
    for media, content in body.items():
        rows.append(
            f"<div>body ({escape(media)}): {escape(_type(content.get('schema', {})))}</div>"
        )
    answers = ", ".join(
        f"{code} {_type(r.get('content', {}).get('application/json', {}).get('schema', {}))}"
        for code, r in operation.get("responses", {}).items()
    )
    rows.append(f"<div>responses: {escape(answers)}</div></div>")
    return "".join(rows)


def _schema(name: str, model: dict[str, Any]) -> str:
    required = set(model.get("required", []))
    rows = [f"<h3 id='{escape(name)}'>{escape(name)}</h3>"]
    if model.get("description"):
        rows.append(f"<p>{escape(str(model['description']))}</p>")
    properties = model.get("properties", {})
    if properties:
        rows.append("<table><tr><th>field</th><th>type</th></tr>")
        for field, spec in properties.items():
            mark = " *" if field in required else ""
            rows.append(f"<tr><td>{escape(field)}{mark}</td><td>{escape(_type(spec))}</td></tr>")
        rows.append("</table>")
    return "".join(rows)


def _type(spec: dict[str, Any]) -> str:
    """A short readable type: a referenced schema's name, list[...], one of several, enums."""
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " | ".join(_type(s) for s in spec["anyOf"])
    if "enum" in spec:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in spec["enum"])
    if spec.get("type") == "array":
        return f"list[{_type(spec.get('items', {}))}]"
    return str(spec.get("type", "any"))
