"""Chinese for Gradio's own strings, whatever language the visitor's browser is set to.

Gradio translates its built-in labels (赞/踩, 点击上传, …) from the browser's language, so an
English browser got English tooltips and toasts. Three measures make the page Chinese:
- `ChineseLocaleMiddleware` puts a small script at the top of every HTML page that reports
  zh-CN as the browser language before Gradio's own code starts;
- `translations()` fills the keys Gradio's zh-CN table lacks (复制 on the copy button);
- the same script renames the few labels Gradio hard-codes in English (Liked/Disliked,
  shown once a vote is chosen) as they appear, and puts Chinese in front of the English
  error toasts its browser code writes (a file over the size limit).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import gradio as gr

LOCALE = "zh-CN"
# Gradio keys missing from its zh-CN table; dotted keys take precedence over nested ones.
_MISSING_KEYS = {
    "chatbot.copy_message": "复制",
    "chatbot.copied_message": "已复制",
    "chatbot.copy_all": "复制全部对话",
    "chatbot.retry": "重试",
    "common.loading": "加载中",
    "common.complete": "完成",
}
# Labels Gradio writes literally (not through its translation table).
HARD_CODED_LABELS = {
    "Liked": "已赞（再点一次取消）",
    "Disliked": "已踩（再点一次取消）",
    "Feedback": "反馈",
    "Loading...": "加载中…",
    "More tabs": "更多标签页",
    "chatbot conversation": "对话",
    "Close": "关闭",
}
# Titles of the toasts Gradio's browser code raises by itself (server-side ones get ours).
TOAST_TITLES = {"Error": "错误", "Warning": "注意", "Info": "提示", "Success": "完成"}
# Screen-reader labels Gradio builds as "<English prefix><message text>".
HARD_CODED_PREFIXES = {"user's message: ": "提问：", "bot's message: ": "回答："}
# Error toasts Gradio's browser code writes in English: they get the Chinese in front,
# bilingual like the product's own errors.
HARD_CODED_ERRORS = {
    "File(s) exceed the maximum allowed size": "文件超过大小上限，未上传",
    "Invalid file type": "不支持的文件类型",
    "Connection errored out": "与服务器的连接中断，请刷新页面",
    "Could not resolve app config": "无法加载页面配置，请刷新页面",
}

_LABEL_ATTRIBUTES = ("aria-label", "title", "placeholder")
_SCRIPT = """<script>(function () {
  var langs = ["zh-CN", "zh"];
  try {
    Object.defineProperty(Navigator.prototype, "language",
      {get: function () { return langs[0]; }, configurable: true});
    Object.defineProperty(Navigator.prototype, "languages",
      {get: function () { return langs; }, configurable: true});
  } catch (e) {}
  document.documentElement.lang = langs[0];
  var labels = %(labels)s, prefixes = %(prefixes)s, errors = %(errors)s;
  var attributes = %(attributes)s;
  var titles = %(titles)s;
  function bilingual(text) {
    var value = text.nodeValue || "", parent = text.parentElement;
    if (parent && parent.closest(".toast-title-row, .toast-title")
        && Object.prototype.hasOwnProperty.call(titles, value.trim())) {
      text.nodeValue = titles[value.trim()];
      return;
    }
    for (var english in errors) {
      if (value.trim().indexOf(english) === 0) {
        text.nodeValue = errors[english] + " / " + value.trim();
        return;
      }
    }
  }
  function chinese(value) {
    if (Object.prototype.hasOwnProperty.call(labels, value)) return labels[value];
    for (var prefix in prefixes) {
      if (value.indexOf(prefix) === 0) return prefixes[prefix] + value.slice(prefix.length);
    }
    return value;
  }
  function rename(node) {
    if (node.nodeType === 3) { bilingual(node); return; }
    if (node.nodeType !== 1) return;
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var text; (text = walker.nextNode()); ) bilingual(text);
    var named = node.querySelectorAll("[aria-label],[title],[placeholder]");
    var all = [node].concat(Array.prototype.slice.call(named));
    all.forEach(function (el) {
      attributes.forEach(function (name) {
        var value = el.getAttribute(name), renamed = value && chinese(value);
        if (renamed && renamed !== value) el.setAttribute(name, renamed);
      });
    });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === "attributes") rename(change.target);
      else if (change.type === "characterData") bilingual(change.target);
      else change.addedNodes.forEach(rename);
    });
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                        attributes: true, attributeFilter: attributes});
})();</script>"""


def head_script() -> str:
    """The script injected at the top of <head> (browser language + hard-coded labels)."""
    return _SCRIPT % {
        "labels": json.dumps(HARD_CODED_LABELS, ensure_ascii=False),
        "prefixes": json.dumps(HARD_CODED_PREFIXES, ensure_ascii=False),
        "errors": json.dumps(HARD_CODED_ERRORS, ensure_ascii=False),
        "titles": json.dumps(TOAST_TITLES, ensure_ascii=False),
        "attributes": json.dumps(list(_LABEL_ATTRIBUTES)),
    }


def translations() -> gr.I18n:
    """Gradio's missing zh-CN keys, also under "en" in case a browser slips past the script."""
    return gr.I18n(**{LOCALE: dict(_MISSING_KEYS), "zh": dict(_MISSING_KEYS), "en": {}})


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ChineseLocaleMiddleware:
    """ASGI middleware: inserts `head_script()` right after <head> in HTML responses."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.script = head_script().encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                sent = dict(message.get("headers") or [])
                if sent.get(b"content-type", b"").startswith(b"text/html"):
                    start = message
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body).replace(b"<head>", b"<head>" + self.script, 1)
            headers = [
                (name, str(len(html)).encode() if name == b"content-length" else value)
                for name, value in start.get("headers") or []
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, capture)
