#!/usr/bin/env bash
# Checks every relative link in the repository's Markdown files (tracked, or
# new and not ignored; node_modules and target left out): the target must be
# a file or directory inside the repository, and a `#anchor` must name a
# heading of the target file (GitHub's heading ids) or an explicit
# <a id="…">/<a name="…">. Links to http(s), mailto and other schemes are not
# followed. Lists every broken link as file:line: link (reason) and exits 1
# if there is one.
#
#   scripts/check-docs.sh            all Markdown files
#   scripts/check-docs.sh FILE...    only these files (paths from the repository root)
#
# Needs bash, git and python3 only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if (($# > 0)); then
  printf '%s\n' "$@"
else
  git ls-files --cached --others --exclude-standard -- '*.md' '*.MD' '*.markdown'
fi | grep -Ev '(^|/)(node_modules|target)/' | sort -u | python3 -c '
import os, re, sys, unicodedata
from urllib.parse import unquote

root = os.path.realpath(".")
files = [line.strip() for line in sys.stdin if line.strip()]

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
ANCHOR_TAG = re.compile(r"<a\s+[^>]*?(?:id|name)\s*=\s*[\"\x27]([^\"\x27]+)[\"\x27]", re.I)
# [text](target "title") and ![alt](target); the target may be <...>.
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|\x27[^\x27]*\x27|\([^)]*\)))?\s*\)")
REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

def strip_code_spans(line):
    # Removes `code` spans (any number of backticks) so links inside them are ignored.
    out, i = [], 0
    while i < len(line):
        if line[i] == "`":
            j = i
            while j < len(line) and line[j] == "`":
                j += 1
            ticks = line[i:j]
            end = line.find(ticks, j)
            if end == -1:
                out.append(line[i:j]); i = j; continue
            out.append(" " * (end + len(ticks) - i)); i = end + len(ticks)
        else:
            out.append(line[i]); i += 1
    return "".join(out)

def slug(text):
    # GitHub: the heading'"'"'s text (markup removed), lower case, punctuation
    # dropped except "-" and "_", spaces to "-".
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("`", "")
    text = text.strip().lower()
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "-_ " or cat[0] in ("L", "N") or cat == "Mn":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")

def lines_outside_fences(path):
    fence = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = FENCE.match(line)
            if fence is None and m:
                fence = m.group(1)[0] * len(m.group(1)); continue
            if fence is not None:
                if line.strip().startswith(fence) and set(line.strip()) <= set(fence[0]):
                    fence = None
                continue
            yield number, line

anchors_cache = {}
def anchors(path):
    if path not in anchors_cache:
        ids, counts, previous = set(), {}, None
        for _, line in lines_outside_fences(path):
            text = None
            m = HEADING.match(line)
            if m:
                text = m.group(2)
            elif previous is not None and previous.strip() and SETEXT.match(line) and not HEADING.match(previous):
                text = previous.strip()
            if text is not None:
                base = slug(text)
                n = counts.get(base, 0)
                counts[base] = n + 1
                ids.add(base if n == 0 else f"{base}-{n}")
            for tag in ANCHOR_TAG.findall(line):
                ids.add(tag)
            previous = line
        anchors_cache[path] = ids
    return anchors_cache[path]

broken = []
checked = 0
for md in files:
    if not os.path.isfile(md):
        broken.append(f"{md}: the file does not exist"); continue
    base_dir = os.path.dirname(md)
    for number, raw in lines_outside_fences(md):
        line = strip_code_spans(raw)
        targets = [m.group(1) for m in INLINE.finditer(line)]
        m = REFDEF.match(line)
        if m:
            targets.append(m.group(1))
        for target in targets:
            target = target.strip()
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue
            checked += 1
            path_part, _, fragment = target.partition("#")
            path_part = unquote(path_part.split("?", 1)[0])
            if path_part:
                if path_part.startswith("/"):
                    resolved = os.path.join(root, path_part.lstrip("/"))
                else:
                    resolved = os.path.join(root, base_dir, path_part)
                resolved = os.path.realpath(resolved)
                if resolved != root and not resolved.startswith(root + os.sep):
                    broken.append(f"{md}:{number}: {target} (outside the repository)"); continue
                if not os.path.exists(resolved):
                    broken.append(f"{md}:{number}: {target} (no such file)"); continue
            else:
                resolved = os.path.join(root, md)
            if fragment:
                if os.path.isdir(resolved):
                    readme = os.path.join(resolved, "README.md")
                    resolved = readme if os.path.isfile(readme) else resolved
                if not resolved.lower().endswith((".md", ".markdown")) or not os.path.isfile(resolved):
                    continue  # anchors into code or images are not checked
                if unquote(fragment) not in anchors(resolved):
                    rel = os.path.relpath(resolved, root)
                    broken.append(f"{md}:{number}: {target} (no heading #{fragment} in {rel})")

for line in broken:
    print(line)
print(f"check-docs: {len(files)} Markdown files, {checked} relative links, {len(broken)} broken", file=sys.stderr)
sys.exit(1 if broken else 0)
'
