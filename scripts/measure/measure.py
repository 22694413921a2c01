#!/usr/bin/env python3
"""Measure inference of ResNet-50 v1.5, ResNeXt101-32x4d and YOLOv3 on one GPU; write an atlas study.

    python3 scripts/measure/measure.py --out data/studies/h100-sxm-pytorch-2025-06-01
    python3 scripts/measure/measure.py --dry-run          # the planned grid; no GPU or PyTorch needed

See docs/measure.md. Needs PyTorch with CUDA and nvidia-ml-py (for power) to measure; nothing else.
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from atlas_measure.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
