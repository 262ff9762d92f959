"""Chinese presentation of the Chinese pages.

Sphinx has one ``language`` per build, so the labels it generates (figure and exercise
captions, admonition titles) would be English on the Chinese pages too. For every page under
``book/zh/`` this extension marks the page as Chinese (``<html lang="zh-CN">``) and puts
Chinese words into those generated labels. Equation numbers need no words; cross-references
in the Chinese text are written as {numref}`图 %s <label>`. When the build has finished, the
theme's own words on the Chinese pages (the page contents, search box, previous/next, the
buttons' tooltips) are put into Chinese too, in the written HTML files.
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


# The theme's interface words (sphinx-book-theme / pydata-sphinx-theme), as text or as attribute values.
THEME_WORDS = {
    "Contents": "目录", "Skip to main content": "跳到正文", "Back to top": "回到顶部",
    "Search this book...": "搜索本书……", "Search": "搜索", "previous": "上一页", "next": "下一页",
    "previous page": "上一页", "next page": "下一页", "On this page": "本页内容",
    "Download this page": "下载本页", "Download source file": "下载源文件（.ipynb / .md）",
    "Print to PDF": "打印为 PDF", "Fullscreen mode": "全屏模式", "Source repository": "源代码仓库",
    "Color mode": "颜色模式", "Light": "浅色", "Dark": "深色", "System Settings": "跟随系统",
    "Toggle primary sidebar": "显示或隐藏目录栏", "Toggle secondary sidebar": "显示或隐藏本页目录",
    "Site navigation": "全书导航", "Link to this heading": "链接到本节", "Link to this equation": "链接到此公式",
    "Link to this image": "链接到此图", "Link to this table": "链接到此表", "Link to this code": "链接到此代码",
}
TEXT = re.compile(r"(>\s*(?:<i [^>]*></i>\s*)?)(%s)(\s*<)" % "|".join(
    re.escape(w) for w in sorted(THEME_WORDS, key=len, reverse=True)))
ATTRIBUTE = re.compile(r'\b(title|aria-label|placeholder|data-bs-title)="([^"]*)"')
AUTHOR = re.compile(r">\s*By ([^<]+?)\s*<")


PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)   # code and outputs are never touched


def localise_theme(html: str) -> str:
    def words(part: str) -> str:
        part = TEXT.sub(lambda m: m.group(1) + THEME_WORDS[m.group(2)] + m.group(3), part)
        part = ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{THEME_WORDS.get(m.group(2), m.group(2))}"', part)
        return AUTHOR.sub(lambda m: f">作者：{m.group(1)}<", part)
    return "".join(part if part.startswith("<pre") else words(part) for part in PRE.split(html))


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


def on_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for docname in app.env.found_docs:
        if is_chinese(docname):
            path = app.builder.outdir / f"{docname}.html"
            if path.exists():
                path.write_text(localise_theme(path.read_text(encoding="utf-8")), encoding="utf-8")


def setup(app):
    app.connect("html-page-context", on_page)
    app.connect("build-finished", on_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
