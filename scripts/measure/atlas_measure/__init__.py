"""The atlas measurement harness (docs/measure.md).

Everything in this package except ``torchnet`` and ``runner`` uses the Python standard library only,
so the grid planning, statistics, file writing and graph logic run (and are tested) on machines
without a GPU or PyTorch. ``torchnet`` and ``runner`` import torch inside their functions.
"""

__all__ = ["graph", "stats", "plan", "study", "envinfo", "torchnet", "runner", "cli"]
