#!/usr/bin/env python3
"""mdbook preprocessor: the book's links to code work in the rendered book.

The chapters link to the files they explain with paths relative to the
Markdown file, such as `../../runtime/src/runtime/tick.rs`. Read on a
forge, that link opens the file. Rendered by mdbook it would point outside
the book and 404, because mdbook only copies what is in docs/src.

So at build time (`mdbook build` and `mdbook serve` both run this, see
`[preprocessor.code-pages]` in book.toml) this script:

1. finds every link from a chapter to a file or folder outside docs/src;
2. adds one page per linked file, at `code/<path from the repo root>.md`,
   showing the whole file as it is on disk, and one index page per linked
   folder, listing its files (each of which also gets a page);
3. rewrites those links, in the rendered copy only, to point at the pages;
4. strips the indentation every line of a code block shares: a method
   included with `{{#include file.rs:anchor}}` keeps the four spaces of its
   `impl` block otherwise (mdbook does not dedent anchored includes).

The pages live in memory, inside the book mdbook renders: nothing is
written to docs/src, so there is no generated folder to keep current or
to ignore, and the Markdown in git keeps its forge-friendly links. The
pages sit under an "Appendix: source files" entry at the end of the
sidebar, folded (book.toml's `[output.html.fold]`).

Protocol (mdbook 0.5): `code-pages.py supports <renderer>` exits 0 when
the renderer is supported; otherwise stdin holds `[context, book]` as JSON
and stdout gets the book back.
"""

import json
import os
import posixpath
import re
import sys

# Where the generated pages go, inside the book's src folder.
PAGES = "code"

# A Markdown link or image target: ](target) or ](target "title").
LINK = re.compile(r"\]\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")

LANGUAGES = {
    ".rs": "rust,ignore",
    ".toml": "toml",
    ".json": "json",
    ".md": "markdown",
    ".sh": "bash",
    ".py": "python",
    ".yml": "yaml",
    ".yaml": "yaml",
}


def chapters(items):
    """Every chapter of the book, depth first."""
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if chapter:
            yield chapter
            yield from chapters(chapter["sub_items"])


def outside_target(chapter_dir, target, src, root):
    """The repo-relative path a link names when it leaves docs/src, or None."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return None
    path = target.split("#", 1)[0]
    if not path:
        return None
    absolute = os.path.normpath(os.path.join(src, chapter_dir, path))
    if absolute == src or absolute.startswith(src + os.sep):
        return None  # a chapter or an asset: mdbook handles it
    if not absolute.startswith(root + os.sep) or not os.path.exists(absolute):
        return None  # .ci/check-doc-links reports those
    relative = os.path.relpath(absolute, root).replace(os.sep, "/")
    return relative + ("/" if os.path.isdir(absolute) else "")


def page_path(repo_path):
    """Where the page for a file or folder goes, relative to docs/src."""
    if repo_path.endswith("/"):
        return f"{PAGES}/{repo_path}index.md"
    return f"{PAGES}/{repo_path}.md"


def link_from(page, to):
    """A relative link from one page of the book to another."""
    return posixpath.relpath(to, posixpath.dirname(page) or ".")


def rewrite_links(chapter, src, root, linked):
    """Points the chapter's links to outside files at their pages, outside
    fenced code blocks; records who links to what in `linked`."""
    chapter_dir = posixpath.dirname(chapter["path"] or "")
    out = []
    fence = None
    for line in chapter["content"].split("\n"):
        opening = re.match(r"^\s*(`{3,}|~{3,})", line)
        if opening:
            mark = opening.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
            out.append(line)
            continue
        if fence is None:

            def replace(match):
                target, title = match.group(1), match.group(2)
                repo_path = outside_target(chapter_dir, target, src, root)
                if repo_path is None:
                    return match.group(0)
                linked.setdefault(repo_path, set()).add((chapter["name"], chapter["path"]))
                fragment = "#" + target.split("#", 1)[1] if "#" in target else ""
                return f"]({link_from(chapter['path'], page_path(repo_path))}{fragment}{title})"

            line = LINK.sub(replace, line)
        out.append(line)
    chapter["content"] = "\n".join(out)


def dedent_code_blocks(chapter):
    """Removes the indentation all lines of a fenced code block share,
    beyond the fence's own (a block inside a list item keeps that)."""
    lines = chapter["content"].split("\n")
    start = None
    for number, line in enumerate(lines):
        opening = re.match(r"^(\s*)(`{3,}|~{3,})", line)
        if not opening:
            continue
        if start is None:
            start = (number, opening.group(1), opening.group(2))
            continue
        begin, fence_indent, mark = start
        if opening.group(2)[0] != mark[0] or len(opening.group(2)) < len(mark):
            continue
        body = range(begin + 1, number)
        widths = [len(lines[i]) - len(lines[i].lstrip(" ")) for i in body if lines[i].strip()]
        extra = min(widths, default=0) - len(fence_indent)
        if extra > 0:
            for i in body:
                lines[i] = fence_indent + lines[i][len(fence_indent) + extra :] if lines[i].strip() else ""
        start = None
    chapter["content"] = "\n".join(lines)


def fenced(text, language):
    """`text` in a code fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}\n"


def backlinks(page, chapters_linking):
    if not chapters_linking:
        return ""
    names = ", ".join(
        f"[{name}]({link_from(page, path)})" for name, path in sorted(chapters_linking, key=lambda c: c[1])
    )
    return f"Explained in: {names}.\n\n"


def file_page(repo_path, root, chapters_linking):
    page = page_path(repo_path)
    with open(os.path.join(root, repo_path), encoding="utf-8", errors="replace") as source:
        text = source.read()
    language = LANGUAGES.get(os.path.splitext(repo_path)[1], "text")
    content = (
        f"# `{repo_path}`\n\n"
        + backlinks(page, chapters_linking)
        + "The whole file, as it was when this book was built.\n\n"
        + fenced(text, language)
    )
    return chapter_item(repo_path, page, content)


def folder_page(repo_path, root, files, chapters_linking):
    page = page_path(repo_path)
    entries = "".join(f"- [`{posixpath.basename(f)}`]({link_from(page, page_path(f))})\n" for f in files)
    content = f"# `{repo_path}`\n\n" + backlinks(page, chapters_linking) + entries
    return chapter_item(repo_path, page, content)


def chapter_item(name, path, content, sub_items=()):
    return {
        "Chapter": {
            "name": name,
            "content": content,
            "number": None,
            "sub_items": list(sub_items),
            "path": path,
            "source_path": None,
            "parent_names": [],
        }
    }


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0 if sys.argv[2:3] == ["html"] else 1)

    context, book = json.load(sys.stdin)
    book_root = context["root"]
    src = os.path.normpath(os.path.join(book_root, context["config"]["book"].get("src", "src")))
    root = os.path.normpath(os.path.join(book_root, ".."))

    linked = {}
    for chapter in chapters(book["items"]):
        if chapter.get("path"):
            rewrite_links(chapter, src, root, linked)
            dedent_code_blocks(chapter)

    # A linked folder lists its files, and each of them gets a page.
    files = {path for path in linked if not path.endswith("/")}
    folders = {}
    for folder in sorted(path for path in linked if path.endswith("/")):
        inside = sorted(
            folder + name
            for name in os.listdir(os.path.join(root, folder))
            if os.path.isfile(os.path.join(root, folder, name)) and not name.startswith(".")
        )
        folders[folder] = inside
        files.update(inside)

    pages = [folder_page(f, root, folders[f], linked.get(f)) for f in sorted(folders)]
    pages += [file_page(f, root, linked.get(f)) for f in sorted(files)]
    index_entries = "".join(f"- [`{f}`]({link_from(PAGES + '/index.md', page_path(f))})\n" for f in sorted(files))
    index = chapter_item(
        "Appendix: source files",
        f"{PAGES}/index.md",
        "# Appendix: source files\n\n"
        "Every file the chapters link to, whole, as it was when this book was "
        "built. In the repository the same links open the files themselves.\n\n" + index_entries,
        pages,
    )
    book["items"].append(index)
    json.dump(book, sys.stdout)


if __name__ == "__main__":
    main()
