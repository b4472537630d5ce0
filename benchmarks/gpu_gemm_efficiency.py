"""Measure, on a CUDA GPU, what the engine's short-step physics assumes: GEMM efficiency by size, the
throughput of transformer-shaped skinny GEMMs, and the fixed cost of a kernel.

Run on a lent device (never in CI, never in the tests), one command, JSON out:

    python benchmarks/gpu_gemm_efficiency.py --hardware H100 --out $OUT/gemm_h100.json

What it times (CUDA events; the median of `--repeats` runs after warm-up):

1. **Square GEMMs** m = n = k from 256 to 16,384 in bf16 (`torch.matmul`) and FP8
   (`torch._scaled_mm`, per-tensor scales, E4M3 inputs, bf16 output): the fraction of the
   registry's dense peak each reaches, against its time at peak (FLOPs / peak) — the axis of
   `Assumptions.gemm_efficiency` and `HardwareNode.gemm_efficiency`.
2. **Skinny GEMMs**: M tokens (1 to 4,096) through the weight matrices of Llama-3-8B and
   Llama-3-70B (one GPU's share at TP 1), in bf16 and FP8 — achieved TFLOP/s and the weights'
   streaming rate in GB/s.  The weights rotate over copies that together exceed four times the
   L2 cache, so every run reads them from HBM.
3. **The fixed per-kernel cost**: back-to-back launches of a one-element kernel, eager (the host's
   issue rate: `Assumptions.kernel_launch_s`) and replayed from a CUDA graph (the device's gap
   between kernels: `Assumptions.kernel_gap_s`).

The output records the date, the device's name, torch and CUDA versions and the peaks used.
A single GEMM or launch may set a default curve (said so in `Assumptions`); end-to-end
measurements only ever join the validation data.  `--device cpu` runs the fp32 path with small
sizes, to check the script without a GPU.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import itertools
import json
import statistics
import time
from typing import Any

SQUARE_SIZES = (256, 512, 1024, 2048, 4096, 8192, 16384)
TOKENS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
# (model, matrix, K = inputs, N = outputs): Llama-3 shapes [@dubey2024llama3]
SHAPES = (("Llama-3-8B", "qkv_proj", 4096, 6144), ("Llama-3-8B", "mlp_up", 4096, 28672),
          ("Llama-3-8B", "mlp_down", 14336, 4096), ("Llama-3-70B", "qkv_proj", 8192, 10240),
          ("Llama-3-70B", "mlp_up", 8192, 57344), ("Llama-3-70B", "mlp_down", 28672, 8192))


def timed(torch: Any, fn, repeats: int, device: str) -> float:
    """Median seconds of `fn()` over `repeats` runs after three warm-up runs."""
    for _ in range(3):
        fn()
    runs = []
    for _ in range(repeats):
        if device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            runs.append(start.elapsed_time(end) / 1e3)
        else:
            t0 = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def gemm(torch: Any, dtype: str, device: str):
    """`(make, run)`: `make(m, k, n)` returns the operands, `run(a, b)` multiplies them in `dtype`."""
    if dtype == "fp8":
        one = torch.ones((), device=device, dtype=torch.float32)

        def make_fp8(m, k, n):
            a = torch.randn(m, k, device=device).to(torch.float8_e4m3fn)
            b = torch.randn(n, k, device=device).to(torch.float8_e4m3fn).t()  # column-major, as cuBLASLt needs
            return a, b

        return make_fp8, lambda a, b: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    torch_dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dtype]

    def make(m, k, n):
        return torch.randn(m, k, device=device, dtype=torch_dtype), torch.randn(k, n, device=device, dtype=torch_dtype)

    return make, torch.matmul


def rotating(run, x, weights):
    """A call of `run(x, w)` that takes the next of `weights` each time (so none stays in L2)."""
    turn = itertools.count()
    return lambda: run(x, weights[next(turn) % len(weights)])


def square_gemms(torch, dtype, peak, sizes, repeats, device) -> list[dict]:
    make, run = gemm(torch, dtype, device)
    rows = []
    for s in sizes:
        a, b = make(s, s, s)
        seconds = timed(torch, functools.partial(run, a, b), repeats, device)
        flops = 2.0 * s**3
        rows.append({"dtype": dtype, "m": s, "n": s, "k": s, "seconds": seconds, "tflops": flops / seconds / 1e12,
                     "time_at_peak_s": flops / peak, "fraction_of_peak": flops / seconds / peak})
    return rows


def skinny_gemms(torch, dtype, peak, bandwidth, l2_bytes, tokens, shapes, repeats, device) -> list[dict]:
    make, run = gemm(torch, dtype, device)
    width = {"fp8": 1, "bf16": 2, "fp32": 4}[dtype]
    rows = []
    for model, matrix, k, n in shapes:
        weight_bytes = k * n * width
        copies = max(1, -(-4 * l2_bytes // weight_bytes))  # together more than 4 × L2: every run reads HBM
        weights = [make(1, k, n)[1] for _ in range(copies)]
        for m in tokens:
            x = make(m, k, 1)[0]
            try:
                seconds = timed(torch, rotating(run, x, weights), repeats, device)
            except RuntimeError as refused:  # a shape the library does not take (FP8 wants multiples of 16)
                rows.append({"dtype": dtype, "model": model, "matrix": matrix, "m": m, "k": k, "n": n,
                             "error": str(refused).splitlines()[0]})
                continue
            flops = 2.0 * m * k * n
            rows.append({"dtype": dtype, "model": model, "matrix": matrix, "m": m, "k": k, "n": n,
                         "seconds": seconds, "tflops": flops / seconds / 1e12, "fraction_of_peak": flops / seconds / peak,
                         "weight_gb_s": weight_bytes / seconds / 1e9, "fraction_of_bandwidth":
                         weight_bytes / seconds / bandwidth, "time_at_peak_s": flops / peak})
    return rows


def kernel_costs(torch, device, kernels: int = 2000) -> dict:
    """Seconds per kernel of `kernels` one-element additions: eager, and replayed from a CUDA graph."""
    x = torch.zeros(1, device=device)

    def stream():
        for _ in range(kernels):
            x.add_(1)

    eager = timed(torch, stream, 5, device) / kernels
    out = {"kernels": kernels, "eager_s_per_kernel": eager}
    if device == "cuda":
        graph = torch.cuda.CUDAGraph()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            stream()
        torch.cuda.current_stream().wait_stream(side)
        with torch.cuda.graph(graph):
            stream()
        out["graph_s_per_kernel"] = timed(torch, graph.replay, 5, device) / kernels
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hardware", default="H100", help="the registry entry whose peaks the fractions use")
    parser.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--out", required=True, help="where to write the JSON")
    args = parser.parse_args()

    import torch

    from mlsysim import Hardware

    hw = Hardware.get(args.hardware)
    gpu = args.device == "cuda"
    if gpu and not torch.cuda.is_available():
        raise SystemExit("no CUDA device: run on a lent GPU, or pass --device cpu to check the script")
    dtypes = ("bf16", "fp8") if gpu else ("fp32",)
    peaks = {d: hw.compute.flops_for("fp16" if d == "bf16" else d).to("flop/s").magnitude for d in dtypes}
    bandwidth = hw.si.memory_bandwidth
    l2 = torch.cuda.get_device_properties(0).L2_cache_size if gpu else 32 * 2**20
    sizes = SQUARE_SIZES if gpu else SQUARE_SIZES[:3]
    tokens = TOKENS if gpu else TOKENS[:4]
    shapes = SHAPES if gpu else tuple((m, w, k // 8, n // 8) for m, w, k, n in SHAPES[:2])
    result = {
        "date": datetime.date.today().isoformat(),
        "device": torch.cuda.get_device_name(0) if gpu else "cpu",
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "hardware": hw.name, "peak_flop_s": peaks, "memory_bandwidth_B_s": bandwidth, "l2_bytes": l2,
        "square": [row for d in dtypes for row in square_gemms(torch, d, peaks[d], sizes, args.repeats, args.device)],
        "skinny": [row for d in dtypes for row in skinny_gemms(torch, d, peaks[d], bandwidth, l2, tokens, shapes,
                                                              args.repeats, args.device)],
        "kernel": kernel_costs(torch, args.device),
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    for row in result["square"]:
        print(f"square {row['dtype']:5} {row['m']:>6}: {row['tflops']:8.1f} TFLOP/s, {row['fraction_of_peak']:.2f} of peak")
    print(f"kernel: {result['kernel']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
