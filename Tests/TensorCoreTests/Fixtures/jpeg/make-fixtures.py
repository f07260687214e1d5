#!/usr/bin/env python3
"""Writes the JPEG fixtures of JPEGTests: small JPEGs encoded by Pillow and Pillow's decode of each.

Run from anywhere (needs Pillow: pip install pillow):

    python3 Tests/TensorCoreTests/Fixtures/jpeg/make-fixtures.py

For each case NAME it writes NAME.jpg (the file under test) and NAME.png (Pillow's 8-bit decode of
NAME.jpg after ImageOps.exif_transpose, so EXIF orientation is applied). The crops come from
Stdlib/images/coffee-64.png (colour) and camera-64.png (gray). versions.txt records the Pillow
and libjpeg versions used.
"""
import pathlib

import PIL
from PIL import Image, ImageOps, features

HERE = pathlib.Path(__file__).resolve().parent
IMAGES = HERE.parents[3] / "Stdlib" / "images"


def exif(orientation):
    e = Image.Exif()
    e[0x0112] = orientation
    return e.tobytes()


def crop(name, mode, width, height):
    im = Image.open(IMAGES / name).convert(mode)
    return im.crop((5, 9, 5 + width, 9 + height))


# name: (source, mode, width, height, Pillow save options)
CASES = {
    "colour-420": ("coffee-64.png", "RGB", 47, 39, dict(quality=90, subsampling=2)),
    "colour-444": ("coffee-64.png", "RGB", 48, 40, dict(quality=90, subsampling=0)),
    "colour-422": ("coffee-64.png", "RGB", 48, 40, dict(quality=85, subsampling=1)),
    "gray": ("camera-64.png", "L", 48, 40, dict(quality=90)),
    "progressive": ("coffee-64.png", "RGB", 48, 40, dict(quality=90, subsampling=2, progressive=True)),
    "exif-6": ("coffee-64.png", "RGB", 48, 40, dict(quality=90, subsampling=2, exif=exif(6))),
    "gray-exif-8": ("camera-64.png", "L", 45, 38, dict(quality=80, exif=exif(8))),
}

for name, (source, mode, width, height, options) in CASES.items():
    jpg = HERE / f"{name}.jpg"
    crop(source, mode, width, height).save(jpg, "JPEG", **options)
    decoded = ImageOps.exif_transpose(Image.open(jpg))
    assert decoded.mode == mode, (name, decoded.mode)
    decoded.save(HERE / f"{name}.png", "PNG")
    print(f"{name}: {decoded.size[0]}x{decoded.size[1]} {mode}")

(HERE / "versions.txt").write_text(
    f"Pillow {PIL.__version__}, libjpeg-turbo {features.version('libjpeg_turbo')}, "
    f"libjpeg {features.version('jpg')}\n")
