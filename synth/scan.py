"""Synthetic scans: a rendered report PDF printed and scanned again — rasterised at a given dpi, turned a
little, speckled with noise and saved as JPEG, as county offices publish their stamped reports.

    pages = scan_pages(render_pdf_bytes, random.Random(1), dpi=200)   # JPEG bytes per page
    pdf = images_to_pdf(pages)                                        # an image-only PDF of them
"""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def degrade(page: Image.Image, rng: random.Random, max_angle: float = 0.8, noise: float = 12.0,
            quality: int = 75) -> bytes:
    """Rotate by up to ±max_angle degrees, add grey noise and a little blur, then JPEG-compress."""
    angle = rng.uniform(-max_angle, max_angle)
    turned = page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    pixels = np.asarray(turned, dtype=np.float32)
    seeded = np.random.default_rng(rng.getrandbits(32))
    pixels = pixels + seeded.normal(0.0, noise, pixels.shape)
    speckles = seeded.random(pixels.shape) < 0.0005  # dust
    pixels[speckles] = 0
    noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.4))
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def scan_pages(pdf: bytes, rng: random.Random, dpi: int = 200, **degrade_args: float) -> list[bytes]:
    return [degrade(page, rng, **degrade_args) for page in rasterise(pdf, dpi)]


def images_to_pdf(pages: list[bytes], dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer) holding the scanned pages, as a scanner's 'save as PDF' writes."""
    images = [Image.open(io.BytesIO(p)).convert("L") for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return buf.getvalue()
