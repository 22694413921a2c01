#!/usr/bin/env python3
"""Writes the figure fonts' subsets named in assets/fonts/subset.json (src/pipeline/figures/png.ts uses them).

Needs fontTools (Debian: apt-get install python3-fonttools). The subsets are committed, so builds and CI
do not need it. Every glyph, layout feature and name record of the ranges is kept, so a figure drawn
with a subset has the same pixels as with the full font (test/pipeline/output checks this).
"""
import json
import pathlib
import subprocess
import sys

fonts = pathlib.Path(__file__).resolve().parent.parent / "assets" / "fonts"
config = json.loads((fonts / "subset.json").read_text())
for font in config["fonts"]:
    subprocess.run(
        [sys.executable, "-m", "fontTools.subset", str(fonts / font["full"]),
         "--unicodes=" + ",".join(config["ranges"]), "--layout-features=*", "--glyph-names",
         "--name-IDs=*", "--name-languages=*", "--notdef-outline", "--output-file=" + str(fonts / font["subset"])],
        check=True,
    )
    print(f"{font['subset']}: {(fonts / font['subset']).stat().st_size} bytes")
