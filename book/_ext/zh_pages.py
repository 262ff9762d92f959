"""Chinese presentation of the Chinese pages.

Sphinx has one ``language`` per build, so the labels it generates (figure and exercise
captions, admonition titles) would be English on the Chinese pages too. For every page under
``book/zh/`` this extension marks the page as Chinese (``<html lang="zh-CN">``) and puts
Chinese words into those generated labels. Equation numbers need no words; cross-references
in the Chinese text are written as {numref}`图 %s <label>`.
"""
from __future__ import annotations

import re

LABELS = [
    (re.compile(r'<span class="caption-number">Fig\. (\d+) </span>'), r'<span class="caption-number">图 \1 </span>'),
    (re.compile(r'<span class="caption-number">Table (\d+) </span>'), r'<span class="caption-number">表 \1 </span>'),
    (re.compile(r'<span class="caption-number">Exercise (\d+) </span>'), r'<span class="caption-number">练习 \1 </span>'),
    (re.compile(r'Solution to(<a class="reference internal" href="[^"]*">) Exercise (\d+)</a>'), r'\1练习 \2</a> 的解答'),
    (re.compile(r'<span class="std std-numref">Fig\. (\d+)</span>'), r'<span class="std std-numref">图 \1</span>'),
    (re.compile(r'<span class="std std-numref">Exercise (\d+)</span>'), r'<span class="std std-numref">练习 \1</span>'),
]
ADMONITIONS = {"Note": "注意", "Warning": "警告", "Tip": "提示", "Hint": "提示", "Important": "重要",
               "See also": "另请参阅", "Attention": "注意", "Caution": "小心", "Danger": "危险", "Error": "错误"}


def is_chinese(pagename: str) -> bool:
    return pagename.startswith("book/zh/")


def localise(body: str) -> str:
    for pattern, replacement in LABELS:
        body = pattern.sub(replacement, body)
    for english, chinese in ADMONITIONS.items():
        body = body.replace(f'<p class="admonition-title">{english}</p>', f'<p class="admonition-title">{chinese}</p>')
    return body


def on_page(app, pagename, templatename, context, doctree):
    if is_chinese(pagename):
        context["language"] = "zh-CN"
        if "body" in context:
            context["body"] = localise(context["body"])


def setup(app):
    app.connect("html-page-context", on_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
