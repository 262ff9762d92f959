"""Helpers that exist to make one chapter's point, one module per chapter slug.

``adamcode.chapters.momentum`` holds the helpers of the chapter ``momentum``, and so on (``-`` in a
slug is ``_`` in the module name). What a reader imports into their own code (optimizers, problems,
datasets, symbolic, run, plotting) lives in ``adamcode`` itself; these modules are the chapters'
tools: rate maps, conversions, comparisons, measurements.
"""
