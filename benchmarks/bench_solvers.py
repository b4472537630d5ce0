"""Microseconds per solve, measured with timeit (best of 5 repeats).

Run with ``make bench``.  Targets: ≤ 40 µs for Engine.solve and ServingModel.solve.
"""

from __future__ import annotations

import timeit
import warnings

from mlsysim import CompressionModel, Engine, Hardware, Models, PrecisionFallbackWarning, ServingModel

warnings.simplefilter("ignore", PrecisionFallbackWarning)


def per_call_us(fn, number: int = 2000) -> float:
    """Best-of-5 wall time of one call of ``fn``, in microseconds."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


CASES = {
    "Engine.solve (ResNet-50, A100, bs=1)": lambda: Engine.solve(Models.ResNet50, Hardware.A100, 1, "fp16", 0.5),
    "Engine.solve (Llama-3-8B, H100, bs=1)": lambda: Engine.solve(Models.Llama3_8B, Hardware.H100, 1, "fp16"),
    "Engine.solve (Llama-3-70B, H100, training)": lambda: Engine.solve(
        Models.Llama3_70B, Hardware.H100, 4, "bf16", mode="training"),
    "ServingModel.solve (Llama-3-8B, H100, 4K, bs=128)": lambda: ServingModel().solve(
        Models.Llama3_8B, Hardware.H100, seq_len=4096, batch_size=128),
    "CompressionModel.solve (Llama-3-8B, H100, int4)": lambda: CompressionModel().solve(
        Models.Llama3_8B, Hardware.H100, target_bitwidth=4),
}


def main() -> None:
    width = max(map(len, CASES))
    for name, fn in CASES.items():
        print(f"{name:<{width}}  {per_call_us(fn):8.1f} µs")


if __name__ == "__main__":
    main()
