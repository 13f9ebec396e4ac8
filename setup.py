"""For `scrapyd-deploy` only, which builds its egg with `python setup.py bdist_egg` and would otherwise write
a setup.py of its own here (and leave it). Everything (packages, package data, the `scrapy` settings entry
point Scrapyd needs) is declared in pyproject.toml; `pip install .` does not need this file."""

from setuptools import setup

setup()
