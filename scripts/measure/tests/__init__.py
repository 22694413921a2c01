"""Unit tests of the harness; they need neither a GPU nor PyTorch (test_torchnet is skipped without it).

    python3 -m unittest discover -s scripts/measure -p "test_*.py"
"""
import sys

sys.dont_write_bytecode = True
