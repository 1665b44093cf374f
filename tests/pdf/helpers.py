"""Reading rendered PDFs back with poppler-utils and zbar (pdftotext, pdffonts, pdftoppm,
zbarimg), as a person or a scanner would."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import deque
from pathlib import Path

import pytest
from PIL import Image

TOOLS = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "zbarimg")


def require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:  # never skip: `make system-deps` installs them
        pytest.fail(f"missing system tools {missing}; run `make system-deps`")


def _run(args: list[str], pdf: bytes, suffix: str = ".pdf") -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(pdf)
        out = subprocess.run([*args, str(path)], check=True, capture_output=True, text=True)
    return out.stdout


def norm(text: str) -> str:
    """NFC, whitespace runs collapsed to one space (a wrapped line reads as one)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
        subprocess.run([*args, str(src), str(Path(tmp) / "out.txt")], check=True)
        return (Path(tmp) / "out.txt").read_text(encoding="utf-8")


def pdf_words(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """Every word with its page (1-based) and box (xMin, yMin, xMax, yMax; y grows down)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(src),
                        str(Path(tmp) / "out.html")], check=True)
        html = (Path(tmp) / "out.html").read_text(encoding="utf-8")
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                      r'yMax="([\d.]+)">(.*?)</word>', line)
        if m:
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            text = (m.group(5).replace("&amp;", "&").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&quot;", '"'))
            words.append((page, x0, y0, x1, y1, unicodedata.normalize("NFC", text)))
    return words


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """Rows of `pdffonts`: name, type, emb, sub, uni."""
    out = _run(["pdffonts"], pdf)
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if not parts:
            continue
        # name type... encoding emb sub uni object ID: read from the right
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = _run(["pdfinfo", "-enc", "UTF-8"], pdf)
    info = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def render_png(pdf: bytes, dpi: int, directory: Path, *, page: int = 1) -> Path:
    src = directory / "page.pdf"
    src.write_bytes(pdf)
    stem = directory / f"page-{page}-{dpi}"
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(src), str(stem)], check=True)
    return stem.with_suffix(".png")


def decode_qr(png: Path) -> str:
    out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True,
                         check=False)  # rc 4 = no code found: reported below
    assert out.returncode == 0, f"zbarimg found no code (rc {out.returncode}): {out.stderr}"
    return out.stdout.rstrip("\n")


def count_blobs(png: Path, rgb: tuple[int, int, int], *, tolerance: int = 24,
                min_pixels: int = 20) -> int:
    """Connected areas (4-neighbour) of pixels within ``tolerance`` of ``rgb`` on every
    channel, ignoring specks under ``min_pixels``: e.g. the gold stars on a page."""
    img = Image.open(png).convert("RGB")
    width, height = img.size
    px = img.load()
    r0, g0, b0 = rgb
    match = [[False] * width for _ in range(height)]
    for y in range(height):
        row = match[y]
        for x in range(width):
            r, g, b = px[x, y]
            if abs(r - r0) <= tolerance and abs(g - g0) <= tolerance and abs(b - b0) <= tolerance:
                row[x] = True
    seen = [[False] * width for _ in range(height)]
    blobs = 0
    for y in range(height):
        for x in range(width):
            if not match[y][x] or seen[y][x]:
                continue
            size, queue = 0, deque([(x, y)])
            seen[y][x] = True
            while queue:
                cx, cy = queue.popleft()
                size += 1
                for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                    if 0 <= nx < width and 0 <= ny < height and match[ny][nx] \
                            and not seen[ny][nx]:
                        seen[ny][nx] = True
                        queue.append((nx, ny))
            if size >= min_pixels:
                blobs += 1
    return blobs
