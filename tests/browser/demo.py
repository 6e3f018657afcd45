"""What `make run`'s demo prints and writes: the demo deputy's and the demo project's pages,
as their QR codes under var/demo encode them (decoded with zxing-cpp, as a phone would)."""

import re
from pathlib import Path

import zxingcpp
from PIL import Image

PROJECT_LINE = re.compile(r"项目码 (\S+) 公开页面 .*: (\S+)；")
DEPUTY_LINE = re.compile(r"代表码 (\S+) 群众页面 .*: (\S+)$")


def printed(platform, pattern: re.Pattern[str]) -> tuple[str, str]:
    for line in platform.output:
        match = pattern.search(line.rstrip("\n"))
        if match:
            return match.group(1), match.group(2)
    raise AssertionError("not printed:\n" + "".join(platform.output))


def demo_folder(platform) -> Path:
    return Path(platform.env["DATA_DIR"]).parent / "demo"


def scanned(png: Path) -> str:
    (decoded,) = zxingcpp.read_barcodes(Image.open(png))
    return decoded.text


def demo_project_url(platform) -> tuple[str, str]:
    """(code, URL) of the demo project, the URL read off its QR code."""
    code, _ = printed(platform, PROJECT_LINE)
    return code, scanned(demo_folder(platform) / f"project-{code}-qr.png")


def demo_deputy_url(platform) -> tuple[str, str]:
    code, _ = printed(platform, DEPUTY_LINE)
    return code, scanned(demo_folder(platform) / "qr.png")
