"""Named modelling assumptions: every default the engine uses, in one frozen object.

`Assumptions()` holds the defaults; each field says where its value comes from.
Every solver takes `assumptions=` (default `DEFAULTS`), and a variant is
`dataclasses.replace(DEFAULTS, overlap="max")` or `DEFAULTS.replace(seq_len=4096)`.
The math and Accuracy pages print `Assumptions.table`.

Size-dependent efficiencies are `EfficiencyCurve` tables: the fraction of
peak an operator of a given size reaches, interpolated linearly between the
tabulated points (the source applies them as steps; interpolation keeps sweeps smooth).

Example:
    >>> from mlsysim.core.assumptions import Assumptions
    >>> a = Assumptions()
    >>> round(a.gemm_efficiency(1e-3), 2), round(a.memory_efficiency(1e9), 2)
    (0.74, 0.9)
    >>> a.replace(overlap="max").overlap
    'max'
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterator
from typing import Any, Literal

from . import validate
from .errors import InvalidArgumentError, UnknownNameError

Overlap = Literal["sum", "max"]
DeviceClass = Literal["gpu", "tpu", "npu", "dataflow", "mcu"]
DEVICE_CLASSES: tuple[str, ...] = ("gpu", "tpu", "npu", "dataflow", "mcu")
KERNEL_SHAPES: tuple[str, ...] = ("depthwise", "pointwise", "conv", "gemm")
"""The operator shapes a kernel library's efficiency table covers (`Assumptions.cmsis_nn_efficiency`)."""
SHARDINGS: tuple[str, ...] = ("none", "zero1", "zero2", "zero3", "fsdp")
RECOMPUTES: tuple[str, ...] = ("none", "selective", "full")
DP_ALGORITHMS: tuple[str, ...] = ("ring", "hierarchical")
ACTIVITIES: tuple[str, ...] = ("training", "prefill", "decode", "idle")  # what sets an accelerator's power draw
# the parts whose failures interrupt a job; the first three are counted per part, the others per node
FAILURE_COMPONENTS: tuple[str, ...] = ("accelerator", "nic", "network", "host", "software")


@dataclasses.dataclass(frozen=True)
class EfficiencyCurve:
    """Achieved fraction of peak as a function of an operator's size; call it with a size.

    `points` are `(size, fraction)` pairs with increasing sizes, the size in
    `unit` (flop for compute, byte for memory traffic, s for a matmul's time at peak).  Between points the
    fraction is interpolated linearly; beyond the last point it stays flat.

    Attributes:
        points: `(size, fraction)` pairs, sizes increasing, fractions in (0, 1].
        unit: the unit of the sizes ("flop", "byte" or "s").
        source: the bibliography key of the measurements.

    Example:
        >>> from mlsysim import Assumptions, EfficiencyCurve
        >>> c = EfficiencyCurve(((0.0, 0.1), (1e9, 0.6)), "flop", "isaev2023calculon")
        >>> c(5e8), c.ceiling
        (0.35, 0.6)
        >>> round(Assumptions().memory_efficiency(1e9), 2)  # a 1 GB transfer streams at 90 % of peak
        0.9
    """

    points: tuple[tuple[float, float], ...]
    unit: str
    source: str

    def __post_init__(self) -> None:
        sizes = [p[0] for p in self.points]
        if not self.points or sizes != sorted(sizes) or any(not 0 < f <= 1 for _, f in self.points):
            raise InvalidArgumentError("points", self.points, "(size, fraction) pairs, sizes increasing, fractions in (0, 1]")
        object.__setattr__(self, "_sizes", tuple(sizes))
        object.__setattr__(self, "_fractions", tuple(p[1] for p in self.points))

    def __call__(self, size: float) -> float:
        sizes: tuple[float, ...] = self._sizes  # type: ignore[attr-defined]
        fractions: tuple[float, ...] = self._fractions  # type: ignore[attr-defined]
        i = bisect.bisect_right(sizes, size)
        if i == 0:
            return fractions[0]
        if i == len(sizes):
            return fractions[-1]
        x0, x1, y0, y1 = sizes[i - 1], sizes[i], fractions[i - 1], fractions[i]
        return y0 + (y1 - y0) * (size - x0) / (x1 - x0)

    @property
    def ceiling(self) -> float:
        """The fraction the largest operators reach."""
        return max(self._fractions)  # type: ignore[attr-defined]


def _number_in(value: Any, low: float, low_closed: bool, high: float, high_closed: bool) -> bool:
    """Whether `value` is a real number (not a bool) between `low` and `high`, each end closed or open."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return (low <= value if low_closed else low < value) and (value <= high if high_closed else value < high)


def _note(doc: str, source: str, unit: str = "") -> dict[str, str]:
    return {"doc": doc, "source": source, "unit": unit}


@dataclasses.dataclass(frozen=True)
class Assumptions:
    """Every default the engine uses, in one frozen object: each field has a value, a unit, a source and a
    meaning (`Assumptions.describe(name)`).

    Every solver takes `assumptions=` (default `Assumptions()`); where a solver's argument is None, its
    value comes from the field its documentation names.  Override any of them:
    `Assumptions(overlap="max", cuda_graphs=True)`, or `Assumptions().replace(seq_len=4096)`.  The table
    below lists every field with its default.

    Example:
        >>> from mlsysim import Assumptions, Engine, Hardware, Models
        >>> a = Assumptions(overlap="max", cuda_graphs=True)
        >>> a.overlap, a.replace(seq_len=4096).seq_len
        ('max', 4096)
        >>> Engine.solve(Models.Llama3_8B, Hardware.H100, assumptions=a).latency < Engine.solve(
        ...     Models.Llama3_8B, Hardware.H100).latency
        True
        >>> from mlsysim import show
        >>> show.table(["assumption", "default", "set in", "meaning (source)"],
        ...            [(name, value, unit, f"{Assumptions.describe(name)} ({source})")
        ...             for name, value, unit, source in Assumptions().table()])
        assumption ...
    """

    # --- Time from cost: efficiency, per-kernel cost, overlap -------------------------------
    gemm_efficiency: EfficiencyCurve = dataclasses.field(
        default=EfficiencyCurve(((6.9e-6, 0.38), (55e-6, 0.71), (440e-6, 0.73), (3.5e-3, 0.81), (28e-3, 0.82)),
                                "s", "azure2024aibenchmarkingguide"),
        metadata=_note("fraction of the dense peak a matrix multiply reaches, by its time at peak (FLOPs / peak "
                       "FLOP/s): cuBLASLt square GEMMs of 1,024 to 16,384 measured on an A100 in fp16; a device "
                       "with its own measured curve (HardwareNode.gemm_efficiency) uses that instead",
                       "azure2024aibenchmarkingguide"))
    vector_efficiency: EfficiencyCurve = dataclasses.field(
        default=EfficiencyCurve(((0.0, 0.1), (1e9, 0.5), (16e9, 0.95)), "flop", "isaev2023calculon"),
        metadata=_note("fraction of the peak an elementwise or reduction operator reaches, by FLOP count "
                       "(Calculon's vector table)", "isaev2023calculon"))
    cmsis_nn_efficiency: tuple[tuple[str, float], ...] = dataclasses.field(
        default=(("depthwise", 0.05), ("pointwise", 0.268), ("conv", 0.13), ("gemm", 0.188)),
        metadata=_note("fraction of an Arm Cortex-M core's int8 peak (two 16-bit multiply-accumulates per cycle) "
                       "that CMSIS-NN kernels reach, by operator shape, on a device whose kernel_library is "
                       "'cmsis-nn' (in place of the GEMM curve): the median over the layers of each shape of a "
                       "MobileNetV1 0.25 at 160x160 (UINT8) profiled layer by layer on an STM32H743 (Cortex-M7, "
                       "400 MHz): depthwise 3x3 0.100 MAC/cycle, pointwise 1x1 0.535, the im2col 3x3 "
                       "convolution 0.259, fully connected (and any other matrix product) 0.375",
                       "capotondi2019mobilenetstm32"))
    memory_efficiency: EfficiencyCurve = dataclasses.field(
        default=EfficiencyCurve(((0.0, 0.3), (1e6, 0.6), (10e6, 0.75), (100e6, 0.9)), "byte", "isaev2023calculon"),
        metadata=_note("fraction of peak memory bandwidth a transfer of a given size reaches "
                       "(Calculon's HBM table: short transfers do not reach streaming bandwidth)", "isaev2023calculon"))
    kernel_launch_s: tuple[tuple[str, float], ...] = dataclasses.field(
        default=(("gpu", 3.8e-6), ("tpu", 0.0), ("npu", 0.0), ("dataflow", 0.0), ("mcu", 0.0)),
        metadata=_note("host time to issue one kernel eagerly, per device class: a stream of short kernels runs no "
                       "faster than one per launch (2.9 µs kernels launched back to back take 3.8 µs each); 0 where "
                       "no measurement is known", "nvidia2019cudagraphs", "s"))
    kernel_gap_s: tuple[tuple[str, float], ...] = dataclasses.field(
        default=(("gpu", 0.5e-6), ("tpu", 0.0), ("npu", 0.0), ("dataflow", 0.0), ("mcu", 0.0)),
        metadata=_note("idle time the device spends between two back-to-back kernels, per device class (2.9 µs "
                       "kernels replayed from a CUDA graph take 3.4 µs each)", "nvidia2019cudagraphs", "s"))
    cuda_graphs: bool = dataclasses.field(
        default=False, metadata=_note("whether kernels are replayed from captured graphs (lower fixed cost)",
                                      "nvidia2019cudagraphs"))
    overlap: Overlap = dataclasses.field(
        default="sum", metadata=_note("how an operator's compute and memory time combine: 'sum' (no overlap, as "
                                      "Calculon's no_overlap mode) or 'max' (the classic roofline)", "isaev2023calculon"))
    flat_memory_efficiency: float = dataclasses.field(
        default=0.8, metadata=_note("fraction of peak bandwidth every transfer reaches when a solve is given a flat "
                                    "compute efficiency (the first release's one-number model; BabelStream reaches "
                                    "0.83-0.89 of peak on A100/H100)", "azure2024aibenchmarkingguide"))
    flash_attention: bool = dataclasses.field(
        default=True, metadata=_note("attention runs as one fused kernel that never writes the score matrix",
                                     "dao2022flashattention"))
    grouped_kv_reads: bool = dataclasses.field(
        default=True,
        metadata=_note("a decode step's attention reads each key/value head once for all the query heads that share "
                       "it (a kernel aware of grouped-query attention, such as TensorRT-LLM's XQA); False reads it once "
                       "per query head, as a kernel with one thread block per query head does (TensorRT-LLM's masked "
                       "multi-head attention before XQA, which NVIDIA reports gives Llama-70B 2.4x more throughput on "
                       "one H200 at 128/2048 tokens)", "nvidia2024xqa"))
    flash_backward_factor: float = dataclasses.field(
        default=2.5, metadata=_note("backward FLOPs of fused attention over its forward FLOPs (it recomputes the "
                                    "scores)", "dao2023flashattention2"))
    fused_attention_forward_efficiency: float = dataclasses.field(
        default=0.93,
        metadata=_note("fraction of a GEMM's efficiency of the same duration that a fused attention kernel's forward "
                       "pass reaches (softmax and masking run between its two matrix multiplies): FlashAttention-3 "
                       "on one H100 SXM (bf16, head dim 128, 16k tokens, causal) reaches 616 TFLOP/s, 0.62 of the "
                       "989 TFLOP/s peak, where a cuBLASLt GEMM of the same duration (1.1 ms at peak) reaches 0.67",
                       "shah2024flashattention3"))
    fused_attention_backward_efficiency: float = dataclasses.field(
        default=0.81,
        metadata=_note("the same for the backward pass, counted as 2.5 forward passes: 561 TFLOP/s, 0.57 of peak, "
                       "where a GEMM of the same duration (5.6 ms at peak) reaches 0.70", "shah2024flashattention3"))
    moe_imbalance: float = dataclasses.field(
        default=1.25, metadata=_note("tokens the busiest expert-parallel GPU processes over the mean (routing is "
                                     "never perfectly balanced): the capacity factor Switch Transformers train with",
                                     "fedus2022switch"))
    logits_bytes_per_value: float = dataclasses.field(
        default=4.0, metadata=_note("bytes per logit written by the LM head (fp32 logits)", "shoeybi2019megatron", "B"))

    # --- Workload shape ----------------------------------------------------------------------
    precision: str = dataclasses.field(
        default="fp16", metadata=_note("numeric format (a shorthand expanded by role) of an inference, serving, "
                                       "synthesis or sensitivity solve when not told: fp16, the format serving "
                                       "benchmarks report as their baseline", "nvidia2023trtllmh100"))
    training_precision: str = dataclasses.field(
        default="bf16", metadata=_note("numeric format of a distributed training solve when not told: bf16 mixed "
                                       "precision, as Llama 3 was trained", "dubey2024llama3"))
    compression_baseline_precision: str = dataclasses.field(
        default="fp32", metadata=_note("format a compression solve measures its savings against when not told: the "
                                       "fp32 weights models are trained and published in", "gholami2021survey"))
    pruning_sparsity: float = dataclasses.field(
        default=0.5, metadata=_note("fraction of weights a pruning solve removes when not told (50 %: the sparsity "
                                    "unstructured magnitude pruning reaches with little accuracy loss)",
                                    "hoefler2021sparsity"))
    distillation_size_ratio: float = dataclasses.field(
        default=0.6, metadata=_note("student over teacher parameters of a distillation solve when not told "
                                    "(DistilBERT keeps 60 % of BERT)", "sanh2019distilbert"))
    batch_size: int = dataclasses.field(
        default=1, metadata=_note("samples (sequences) per step of an inference, serving, synthesis or forward "
                                  "solve when not told: one request, the latency case (MLPerf's single-stream "
                                  "scenario)", "mlcommons2023inferencev30", "sample"))
    tensor_parallel: int = dataclasses.field(
        default=1, metadata=_note("tensor-parallel degree of a distributed solve when not told (1: no tensor "
                                  "parallelism; a network-roofline solve on a node defaults to all its GPUs)",
                                  "narayanan2021megatron", "GPU"))
    pipeline_parallel: int = dataclasses.field(
        default=1, metadata=_note("pipeline stages of a distributed solve when not told (1: no pipeline)",
                                  "narayanan2021megatron", "stage"))
    plans_ranked: int = dataclasses.field(
        default=20, metadata=_note("parallelism plans a search returns, best first, when not told (an assumption: "
                                   "enough to see the runners-up behind the best split)", "narayanan2021megatron",
                                   "plan"))
    seq_len: int = dataclasses.field(
        default=2048, metadata=_note("tokens of context per sequence when a transformer solve is not told",
                                     "brown2020gpt3", "token"))
    optimizer: str = dataclasses.field(
        default="adam", metadata=_note("optimizer whose state a training step keeps", "kingma2015adam"))
    backward_compute_share: float = dataclasses.field(
        default=2 / 3, metadata=_note("share of a training step's FLOPs in the backward pass (backward = 2 × "
                                      "forward)", "kaplan2020scaling"))

    # --- Serving requests ----------------------------------------------------------------------
    serving_memory_reserve: float = dataclasses.field(
        default=0.10, metadata=_note("fraction of each GPU's memory a serving engine leaves to its runtime (CUDA "
                                     "context, allocator, graphs) rather than to weights and KV cache: vLLM's "
                                     "gpu_memory_utilization defaults to 0.9", "vllm2024engineargs"))
    kv_block_tokens: int = dataclasses.field(
        default=16, metadata=_note("tokens per block of a paged KV cache: a request wastes on average half a block "
                                   "(vLLM's default block size is 16 tokens)", "kwon2023pagedattention", "token"))
    request_input_tokens: int = dataclasses.field(
        default=1024, metadata=_note("prompt tokens per request when a tail-latency or batching solve is not told "
                                     "(an assumption: a prompt of about a thousand tokens, the order of the prompts "
                                     "in Azure's production conversation trace)", "patel2024splitwise", "token"))
    request_output_tokens: int = dataclasses.field(
        default=256, metadata=_note("generated tokens per request when a tail-latency or batching solve is not told "
                                    "(an assumption: a chat-length answer; production traces generate fewer tokens "
                                    "than they read)", "patel2024splitwise", "token"))
    replica_concurrency: int = dataclasses.field(
        default=32, metadata=_note("requests a serving replica runs at once under continuous (iteration-level) "
                                   "batching when a tail-latency solve is not told (an assumption: no single "
                                   "published figure; the engine's batching optimizer finds the best one)",
                                   "yu2022orca", "request"))
    kv_transfer_fabric: str = dataclasses.field(
        default="InfiniBand_NDR", metadata=_note("the network a disaggregated deployment moves each prompt's KV cache "
                                                 "over, from a prefill to a decode replica, when not told (a name in "
                                                 "Systems.Fabrics): one 400 Gb/s NDR port per GPU, as a DGX H100 "
                                                 "has; each GPU sends its own shard; checked when a disaggregated solve "
                                                 "uses it", "nvidia2023dgxh100"))
    batch_candidates: str = dataclasses.field(
        default="1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512",
        metadata=_note("continuous-batching concurrencies the batching optimizer tries, comma-separated (an "
                       "assumption: powers of two with 1.5× steps from 16 up to 512)", "yu2022orca", "request"))

    # --- Fleets --------------------------------------------------------------------------------
    global_batch: int = dataclasses.field(
        default=1024, metadata=_note("sequences per optimizer step when a distributed solve is not told (2 M "
                                     "tokens at 2,048 each, between GPT-3's 3.2 M and smaller runs)", "brown2020gpt3",
                                     "sequence"))
    micro_batch: int = dataclasses.field(
        default=1, metadata=_note("sequences per microbatch under pipeline parallelism", "narayanan2021megatron",
                                  "sequence"))
    fabric_latency_s: float = dataclasses.field(
        default=5e-6, metadata=_note("small-message latency α of an InfiniBand/RoCE hop through a fat tree",
                                     "nvidia2023connectx7", "s"))
    intra_node_latency_s: float = dataclasses.field(
        default=2e-6, metadata=_note("small-message latency α over NVLink/NVSwitch", "nvidia2022h100", "s"))
    tp_allreduce_base_s: float = dataclasses.field(
        default=4.3e-6, metadata=_note("fixed latency of a small tensor-parallel all-reduce inside an NVSwitch node "
                                       "(a microbenchmark fit: 5.6 µs measured for 2 H100s with NCCL NVLS and CUDA "
                                       "graphs, less one rank's step)", "nccl2024nvlslatency", "s"))
    tp_allreduce_per_rank_s: float = dataclasses.field(
        default=1.3e-6, metadata=_note("added latency of a small all-reduce per further rank (a microbenchmark fit: "
                                       "13.3-14.7 µs measured for 8 H100s with one-shot all-reduce kernels on "
                                       "16-128 KB, the message of a decode step)", "helion2025oneshot", "s"))
    sequence_parallel: bool = dataclasses.field(
        default=False, metadata=_note("tensor-parallel training shards the norms and dropouts over the sequence, "
                                      "turning each all-reduce into a reduce-scatter and an all-gather (opt-in in "
                                      "Megatron-LM, `--sequence-parallel`)", "korthikanti2022reducing"))
    optimizer_sharding: str = dataclasses.field(
        default="zero1", metadata=_note("how a distributed training solve shards the optimizer state over data-"
                                        "parallel replicas when not told: ZeRO stage 1, Megatron-LM's distributed "
                                        "optimizer", "rajbhandari2020zero"))
    recompute: str = dataclasses.field(
        default="selective", metadata=_note("activation recomputation of a distributed training solve when not told: "
                                            "selective (only the attention scores are recomputed)",
                                            "korthikanti2022reducing"))
    dp_algorithm: str = dataclasses.field(
        default="hierarchical", metadata=_note("data-parallel all-reduce of a distributed training solve when not "
                                               "told: hierarchical (reduce inside each node over NVLink, then across "
                                               "nodes) rather than one flat ring", "thakur2005collectives"))
    pipeline_schedule: str = dataclasses.field(
        default="1f1b", metadata=_note("pipeline schedule of a distributed training solve when not told: 1F1B, "
                                       "Megatron-LM's default (interleaving is opt-in with virtual stages)",
                                       "narayanan2021megatron"))
    virtual_stages: int = dataclasses.field(
        default=1, metadata=_note("model chunks per GPU of an interleaved pipeline when not told (1: not "
                                  "interleaved)", "narayanan2021megatron", "chunk"))
    context_parallel: int = dataclasses.field(
        default=1, metadata=_note("GPUs that split each sequence (context parallelism, ring attention) in a "
                                  "distributed training solve when not told (1: none; Llama 3 used 16 at 131k "
                                  "tokens)", "dubey2024llama3", "GPU"))
    tp_comm_overlap: bool = dataclasses.field(
        default=False, metadata=_note("tensor-parallel all-gathers and reduce-scatters run under the neighbouring "
                                      "GEMMs (Megatron-Core's opt-in --tp-comm-overlap; off by default)",
                                      "nvidia2024megatronlm"))
    cp_comm_overlap: bool = dataclasses.field(
        default=True, metadata=_note("context parallelism's key/value exchange runs under the attention it feeds "
                                     "(ring attention passes blocks while computing; an all-gather before the "
                                     "attention, as Llama 3 ran it, leaves it exposed: False)",
                                     "liu2023ringattention"))
    training_memory_reserve: float = dataclasses.field(
        default=0.10, metadata=_note("fraction of each GPU's memory a training plan leaves to the CUDA context, "
                                     "communication buffers and allocator fragmentation (an assumption: ZeRO "
                                     "reports fragmentation running out of memory with over 30 % still free in "
                                     "extreme cases; we keep the 10 % serving engines keep)", "rajbhandari2020zero"))
    dp_overlap: float = dataclasses.field(
        default=1.0, metadata=_note("fraction of the backward pass the data-parallel gradient all-reduce can hide "
                                    "behind", "narayanan2021megatron"))
    mfu: float = dataclasses.field(
        default=0.4, metadata=_note("model FLOP utilization of a large training run (Llama 3 405B: 38-43 %)",
                                    "dubey2024llama3"))
    serving_utilization: float = dataclasses.field(
        default=0.5, metadata=_note("utilization that sets a serving fleet's power draw when a placement, forward "
                                    "evaluation or sweep is not told (an assumption: the top of the 10-50 % band in "
                                    "which servers spend most of their time)", "barroso2018datacenter"))
    deployment_precisions: str = dataclasses.field(
        default="fp16, fp8, int4", metadata=_note("precisions a deployment search tries when not told, comma-"
                                                  "separated (an assumption: the formats serving engines ship for "
                                                  "H100-class GPUs: 16-bit, FP8, and 4-bit weights)",
                                                  "nvidia2023trtllmh100"))
    serving_region: str = dataclasses.field(
        default="US_Avg", metadata=_note("grid a deployment search prices energy on when not told (an assumption: "
                                         "the US average)", "eia2024electricity"))
    deployment_days: float = dataclasses.field(
        default=365.0, metadata=_note("period a forward evaluation prices a deployment over when not told (an "
                                      "assumption: one year, the period a TCO is usually quoted for)",
                                      "barroso2018datacenter", "day"))
    sensitivity_step: float = dataclasses.field(
        default=0.01, metadata=_note("relative step h of the central differences behind a sensitivity solve (an "
                                     "assumption: 1 % is far above round-off yet small enough to rarely cross a "
                                     "roofline's corner)", "press2007numerical"))

    # --- Power, money, reliability --------------------------------------------------------------
    grid: str = dataclasses.field(
        default="US_Avg", metadata=_note("the grid (a name in Infra.Grids) a fleet with no region draws from: the "
                                         "U.S. average mix and price", "eia2024electricity"))
    facility: str = dataclasses.field(
        default="IndustryAverage", metadata=_note("the facility class (a name in Infra.Facilities) a solver puts a "
                                                  "fleet in when given a bare grid: the survey's average facility, "
                                                  "so two grids compare like with like", "uptime2023survey"))
    fleet_activity: str = dataclasses.field(
        default="training", metadata=_note("what a fleet's accelerators do while busy when an energy or cost solve "
                                           "is not told (one of training, prefill, decode, idle)", "dubey2024llama3"))
    fleet_utilization: float = dataclasses.field(
        default=1.0, metadata=_note("fraction of a duration a training fleet is busy when not told (the duration "
                                    "is the job's; Llama 3 kept more than 90 % of it effective)", "dubey2024llama3"))
    accelerator_power_fractions: tuple[tuple[str, float], ...] = dataclasses.field(
        default=(("training", 1.0), ("prefill", 1.0), ("decode", 0.54), ("idle", 0.11)),
        metadata=_note("accelerator power over its TDP by what it does: compute-bound work (training, prompt "
                       "prefill) runs at the power limit, memory-bound decoding well below it, idle near a tenth "
                       "(SplitwiseSim's H100 model: 700 W prompt, 380 W token, 75 W idle of 700 W; its A100 model "
                       "is 400, 250 and 63 W of 400 W)", "splitwisesim2024"))
    node_training_power_fraction: float = dataclasses.field(
        default=0.76, metadata=_note("a GPU node's whole-system power during compute-intensive training over its "
                                     "rated maximum (8-GPU H100 node measured at 76 % of 10.2 kW); the host's share "
                                     "(CPUs, memory, NICs, fans) is what is left after the accelerators, and it "
                                     "draws the same in every activity", "newkirk2025calibrated"))
    node_power_per_accelerator_tdp: float = dataclasses.field(
        default=10.2 / (8 * 0.7), metadata=_note("whole-node power over accelerator TDP when a node gives no figure "
                                                 "(DGX H100: 10.2 kW for 8 × 700 W)", "nvidia2023dgxh100"))
    server_cost_overhead: float = dataclasses.field(
        default=1.64, metadata=_note("price of a server over its accelerators' single-unit prices when a node gives "
                                     "no price of its own: CPUs, memory, NICs, storage and chassis (the average of "
                                     "servers and GPUs priced in the same database; 1.3 to 2.1)",
                                     "cottier2024rising"))
    embodied_carbon_kg_per_accelerator: float = dataclasses.field(
        default=150.0, metadata=_note("manufacturing emissions of one accelerator (an A100 80 GB, as BLOOM's "
                                      "footprint counts it)", "luccioni2023bloom", "kg"))
    embodied_carbon_kg_per_host: float = dataclasses.field(
        default=2500.0, metadata=_note("manufacturing emissions of a server without its accelerators (an HPE Apollo "
                                       "6500, as BLOOM's footprint counts it)", "luccioni2023bloom", "kg"))
    embodied_lifetime_years: float = dataclasses.field(
        default=6.0, metadata=_note("years over which hardware's embodied emissions are spread (BLOOM's replacement "
                                    "rate)", "luccioni2023bloom", "year"))
    embodied_usage_fraction: float = dataclasses.field(
        default=0.85, metadata=_note("share of its lifetime hardware is in use, so the share of embodied emissions "
                                     "each hour of use carries (Jean Zay's average usage)", "luccioni2023bloom"))
    facility_capex_per_watt: float = dataclasses.field(
        default=10.0, metadata=_note("datacenter construction cost per watt of critical IT power",
                                     "barroso2018datacenter", "USD/W"))
    network_capex_fraction: float = dataclasses.field(
        default=0.15, metadata=_note("cluster network as a fraction of node cost (an assumption: vendors publish "
                                     "no list prices)", "barroso2018datacenter"))
    maintenance_fraction_per_year: float = dataclasses.field(
        default=0.05, metadata=_note("yearly hardware maintenance as a fraction of hardware cost",
                                     "barroso2018datacenter", "1/year"))
    lifetime_years: float = dataclasses.field(
        default=4.0, metadata=_note("straight-line depreciation period of accelerator servers",
                                    "barroso2018datacenter", "year"))
    component_failures_per_1000_days: tuple[tuple[str, float], ...] = dataclasses.field(
        default=(
            # Llama 3's 54-day snapshot on 16,384 H100s in 2,048 eight-GPU servers, one NIC per GPU: Table 5's
            # 419 unexpected interruptions by root cause, over the component-days each kind of part was exposed
            ("accelerator", 268 / (16_384 * 54) * 1000),  # GPU, HBM3, SRAM, system processor, SDC, thermal
            ("nic", 7 / (16_384 * 54) * 1000),  # NIC
            ("network", 35 / (16_384 * 54) * 1000),  # switch and cable: one link per NIC
            ("host", 46 / (2_048 * 54) * 1000),  # host maintenance, SSD, power supply, chassis, IO board, CPU, DRAM
            ("software", 63 / (2_048 * 54) * 1000),  # software bug, dependency, NCCL watchdog timeout
        ),
        metadata=_note("unexpected job interruptions per 1,000 component-days by component (accelerators, NICs and "
                       "their network links counted per part, host and software per node), from the root causes of "
                       "Llama 3's 54-day interruption table; an 8-GPU, 8-NIC node sums to 3.79", "dubey2024llama3",
                       "1/(1000 day)"))
    checkpoint_write_bandwidth_per_node_bytes_per_s: float = dataclasses.field(
        default=2e12 / 2_048, metadata=_note("write bandwidth to the checkpoint store per node of a job when a "
                                             "reliability solve is not told: Llama 3's storage sustains 2 TB/s for "
                                             "its 2,048-node job (7 TB/s at peak)", "dubey2024llama3", "B/s"))
    asynchronous_checkpointing: bool = dataclasses.field(
        default=False, metadata=_note("whether training pauses only to copy its state to host memory and writes it "
                                      "to storage in the background (MegaScale's two-stage checkpoint); off, a save "
                                      "blocks training until the write ends, as Megatron-LM's does by default",
                                      "jiang2024megascale"))
    storage_bandwidth_bytes_per_s: float = dataclasses.field(
        default=7e9, metadata=_note("sequential read rate of one PCIe 4.0 NVMe drive feeding a node",
                                    "samsung2020pm1733", "B/s"))
    host_link_bandwidth_bytes_per_s: float = dataclasses.field(
        default=63e9, metadata=_note("host-to-accelerator link feeding input data: PCIe 5.0 x16, per direction",
                                     "pcisig2019pcie5", "B/s"))
    checkpoint_time_s: float = dataclasses.field(
        default=60.0, metadata=_note("time to write one checkpoint when a reliability solve is given neither a "
                                     "model nor a state size to derive it from (an assumption: one minute for a "
                                     "sharded write to a parallel file system; it is the δ of Young's interval)",
                                     "young1974", "s"))
    restart_time_s: float = dataclasses.field(
        default=600.0, metadata=_note("time to detect a failure, replace the node and reload the last checkpoint "
                                      "when a reliability solve is not told: ten minutes, within the 5–20 minutes "
                                      "Meta's RSC clusters restart in and MegaScale's under ten minutes to detect "
                                      "and diagnose (the restart time R of Daly's model)", "kokolis2025reliability",
                                      "s"))

    def __post_init__(self) -> None:
        from ..formulas.parallel import SCHEDULES
        from .precision import Precisions  # precision imports formulas, which must not import this module first

        self._check_types()
        choices = {"overlap": ("sum", "max"), "optimizer_sharding": SHARDINGS, "recompute": RECOMPUTES,
                   "dp_algorithm": DP_ALGORITHMS, "pipeline_schedule": SCHEDULES}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise UnknownNameError(name, str(getattr(self, name)), allowed)
        from ..infra.registry import Facilities, Grids  # infra imports core, which must not import it first

        for name, catalog in (("grid", Grids), ("facility", Facilities), ("serving_region", Grids)):
            if getattr(self, name) not in catalog:
                raise UnknownNameError(name, str(getattr(self, name)), list(catalog.names()))
        for name in ("precision", "training_precision", "compression_baseline_precision"):
            Precisions.from_shorthand(getattr(self, name))
        for name in self.deployment_precisions.split(","):
            Precisions.from_shorthand(name.strip())
        for name in ("serving_memory_reserve", "pruning_sparsity", "training_memory_reserve"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise InvalidArgumentError(name, getattr(self, name), "a fraction in [0, 1)")
        if self.moe_imbalance < 1.0:  # finite and a number: _check_types
            raise InvalidArgumentError("moe_imbalance", self.moe_imbalance, "a finite ratio of at least 1")
        if self.fleet_activity not in ACTIVITIES:
            raise UnknownNameError("fleet_activity", str(self.fleet_activity), ACTIVITIES)
        powers = dict(self.accelerator_power_fractions)
        if set(powers) != set(ACTIVITIES) or not all(0.0 < v <= 1.0 for v in powers.values()):
            raise InvalidArgumentError("accelerator_power_fractions", self.accelerator_power_fractions,
                                       f"one fraction of TDP in (0, 1] for each of {', '.join(ACTIVITIES)}")
        rates = dict(self.component_failures_per_1000_days)
        if set(rates) != set(FAILURE_COMPONENTS):  # each rate finite and non-negative: _check_types
            raise InvalidArgumentError("component_failures_per_1000_days", self.component_failures_per_1000_days,
                                       f"one finite, non-negative rate for each of {', '.join(FAILURE_COMPONENTS)}")
        inf = float("inf")
        for names, low, low_closed, high, high_closed, expected in (
            (("checkpoint_write_bandwidth_per_node_bytes_per_s", "checkpoint_time_s"), 0.0, False, inf, False,
             "a positive, finite number"),
            (("restart_time_s",), 0.0, True, inf, False, "a finite number, positive (a restart may take no time)"),
            (("embodied_carbon_kg_per_accelerator", "embodied_carbon_kg_per_host"), 0.0, True, inf, False,
             "a finite, non-negative number"),
            (("embodied_lifetime_years",), 0.0, False, inf, False, "a positive lifetime"),
            (("server_cost_overhead",), 1.0, True, inf, False, "at least 1 (a server costs at least its accelerators)"),
            (("fleet_utilization", "node_training_power_fraction", "embodied_usage_fraction",
              "fused_attention_forward_efficiency", "fused_attention_backward_efficiency"), 0.0, False, 1.0, True,
             "a fraction in (0, 1]"),
        ):
            for name in names:
                if not _number_in(getattr(self, name), low, low_closed, high, high_closed):
                    raise InvalidArgumentError(name, getattr(self, name), expected)
        if not 0.0 < self.distillation_size_ratio < 1.0:
            raise InvalidArgumentError("distillation_size_ratio", self.distillation_size_ratio, "a fraction in (0, 1)")
        shapes = dict(self.cmsis_nn_efficiency)
        if set(shapes) != set(KERNEL_SHAPES) or not all(0.0 < v <= 1.0 for v in shapes.values()):
            raise InvalidArgumentError("cmsis_nn_efficiency", self.cmsis_nn_efficiency,
                                       f"one fraction in (0, 1] for each of {', '.join(KERNEL_SHAPES)}")
        object.__setattr__(self, "_cmsis_nn", shapes)
        for name in ("kernel_launch_s", "kernel_gap_s"):
            table = dict(getattr(self, name))
            if set(table) != set(DEVICE_CLASSES):  # each time finite and non-negative: _check_types
                raise InvalidArgumentError(name, getattr(self, name),
                                           f"one non-negative time in seconds for each of {', '.join(DEVICE_CLASSES)}")
        object.__setattr__(self, "_per_kernel", (dict(self.kernel_launch_s), dict(self.kernel_gap_s)))

    def _check_types(self) -> None:
        """Every field holds what its annotation says, within the ranges `core.validate` documents: whole numbers
        from 1 to a billion, floats finite, non-negative and at most 1e30, flags booleans, names strings,
        tables `(name, number)` pairs.  NumPy scalars are stored as the Python numbers they are."""
        for f in dataclasses.fields(self):
            value, kind = getattr(self, f.name), str(f.type)
            if kind == "int":
                object.__setattr__(self, f.name, validate.positive_int(f.name, value))
            elif kind == "float":
                object.__setattr__(self, f.name, validate.positive_number(f.name, value, allow_zero=True))
            elif kind == "bool" and not isinstance(value, bool):
                raise InvalidArgumentError(f.name, value, "True or False")
            elif kind in ("str", "Overlap") and not isinstance(value, str):
                raise InvalidArgumentError(f.name, value, "a name (a string)")
            elif kind.startswith("tuple[tuple[str, float]"):
                pairs = validate.items(f.name, value, "(name, number) pairs")
                if not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in pairs):
                    raise InvalidArgumentError(f.name, value, "(name, number) pairs, e.g. (('gpu', 3.8e-6),)")
                object.__setattr__(self, f.name, tuple((k, validate.positive_number(f"{f.name}[{k!r}]", v, allow_zero=True))
                                                       for k, v in pairs))
            elif kind == "EfficiencyCurve" and not isinstance(value, EfficiencyCurve):
                raise InvalidArgumentError(f.name, value, "an EfficiencyCurve of (size, fraction) points")
        batches = [part.strip() for part in self.batch_candidates.split(",")]
        validate.positive_ints("batch_candidates", [int(b) if b.isdigit() else b for b in batches])

    def curves(self, device: Any) -> tuple[EfficiencyCurve, EfficiencyCurve]:
        """`(gemm, memory)` efficiency curves for `device`: its own measured curves where the zoo has them
        (`HardwareNode.gemm_efficiency` / `memory_efficiency`), else these assumptions'.

        Args:
            device (HardwareNode): the device.
        """
        return (device.gemm_efficiency or self.gemm_efficiency, device.memory_efficiency or self.memory_efficiency)

    def shape_efficiency(self, device: Any) -> dict[str, float] | None:
        """Efficiency by operator shape ("depthwise", "pointwise", "conv", "gemm") of `device`'s kernel library,
        or None for a device whose matrix products follow the GEMM curve.

        Args:
            device (HardwareNode): the device.

        Example:
            >>> from mlsysim import Assumptions, Hardware
            >>> Assumptions().shape_efficiency(Hardware.MCXN947)["depthwise"], Assumptions().shape_efficiency(Hardware.H100)
            (0.05, None)
        """
        return self._cmsis_nn if device.kernel_library == "cmsis-nn" else None  # type: ignore[attr-defined]

    def kernel_costs(self, device_class: str) -> tuple[float, float]:
        """`(launch, gap)` seconds per kernel on a `device_class` device; a captured graph has no launch cost.

        One operator of `k` kernels with `body` seconds of work takes
        `max(k × launch, k × gap + body)`: the host cannot issue faster than one kernel per launch,
        and the device idles `gap` between kernels [@nvidia2019cudagraphs].

        Args:
            device_class: "gpu", "tpu", "npu", "dataflow" or "mcu".
        """
        launch, gap = self._per_kernel  # type: ignore[attr-defined]
        return (0.0 if self.cuda_graphs else launch[device_class]), gap[device_class]

    def replace(self, **changes: Any) -> Assumptions:
        """A copy with `changes` applied (validated like a new one).

        Args:
            **changes (Any): fields and their new values.

        Raises:
            UnknownNameError: a name that is not a field.
        """
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise UnknownNameError("assumption", sorted(unknown)[0], [f.name for f in dataclasses.fields(self)])
        return dataclasses.replace(self, **changes)

    def rows(self) -> Iterator[tuple[str, str, str, str]]:
        """`(name, value, unit, source)` for every assumption, in declaration order, the value as text that reads
        well: times, sizes and rates with the prefix that suits them and their unit (`5 µs`, `976.6 MB/s`,
        `28 ms: 82%`), counts with thousands separators, rates per part to three significant figures; `unit` is
        the field's unit where the value does not show one (a field set in seconds or bytes says so in its name:
        `fabric_latency_s`)."""
        for f in dataclasses.fields(self):
            value, unit = getattr(self, f.name), f.metadata.get("unit", "")
            if isinstance(value, EfficiencyCurve):
                shown = ", ".join(f"{_scaled(s, value.unit)}: {v:.0%}" for s, v in value.points)
            elif isinstance(value, tuple) and unit == "s":  # per device class: "gpu 3.8 µs, tpu 0"
                shown, unit = ", ".join(f"{k} {_scaled(v, unit) if v else 0}" for k, v in value), ""
            elif isinstance(value, tuple):
                shown = ", ".join(f"{k} {v:.3g}" for k, v in value)
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                shown = str(value)
            elif unit in ("s", "B", "B/s"):
                shown, unit = _scaled(value, unit), ""
            else:
                shown = f"{value:,.4g}"
            yield f.name, shown, unit, f.metadata.get("source", "")

    def table(self) -> list[tuple[str, str, str, str]]:
        """The assumptions as rows `(name, value, unit, source)` for a page or a terminal (`show.table`), as
        `rows` gives them.

        Example:
            >>> from mlsysim import Assumptions
            >>> dict((n, v) for n, v, _, _ in Assumptions().table())["fabric_latency_s"]
            '5 µs'
        """
        return list(self.rows())

    @staticmethod
    def describe(name: str) -> str:
        """What the assumption `name` means, and where its value comes from.

        Args:
            name: a field of `Assumptions`.

        Raises:
            UnknownNameError: a name that is not a field.
        """
        for f in dataclasses.fields(Assumptions):
            if f.name == name:
                return f.metadata["doc"]
        raise UnknownNameError("assumption", name, [f.name for f in dataclasses.fields(Assumptions)])


_PREFIXES = {"s": ((1.0, ""), (1e-3, "m"), (1e-6, "µ")),
             "B": ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, "")),
             "flop": ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""))}


def _scaled(value: float, unit: str) -> str:
    """`value` (in `unit`: s, byte or B, B/s, flop) with the largest prefix it reaches: `5e-06, "s"` → `5 µs`."""
    base = {"byte": "B", "B/s": "B"}.get(unit, unit)
    shown_unit = {"flop": "FLOP", "byte": "B"}.get(unit, unit)
    if not value:
        return f"0 {shown_unit}"
    factor, prefix = next(((f, p) for f, p in _PREFIXES[base] if value >= f), _PREFIXES[base][-1])
    return f"{value / factor:,.4g} {prefix}{shown_unit}"


DEFAULTS = Assumptions()
"""The engine's defaults."""


def resolve(assumptions: Assumptions | None) -> Assumptions:
    """`assumptions` checked, or `DEFAULTS` when None."""
    if assumptions is None:
        return DEFAULTS
    if not isinstance(assumptions, Assumptions):
        raise InvalidArgumentError("assumptions", type(assumptions).__name__, "an mlsysim.Assumptions, e.g. "
                                   "Assumptions(overlap='max')")
    return assumptions


# Module-level names kept for code written against the first release; each is a field of DEFAULTS.
DEFAULT_SEQ_LEN = DEFAULTS.seq_len
DEFAULT_OPTIMIZER = DEFAULTS.optimizer
DEFAULT_GLOBAL_BATCH = DEFAULTS.global_batch
DEFAULT_MICRO_BATCH = DEFAULTS.micro_batch
DEFAULT_FABRIC_LATENCY_S = DEFAULTS.fabric_latency_s
DEFAULT_INTRA_NODE_LATENCY_S = DEFAULTS.intra_node_latency_s
DEFAULT_DP_OVERLAP = DEFAULTS.dp_overlap
DEFAULT_MFU = DEFAULTS.mfu
NODE_POWER_PER_ACCELERATOR_TDP = DEFAULTS.node_power_per_accelerator_tdp
FACILITY_CAPEX_PER_WATT = DEFAULTS.facility_capex_per_watt
NETWORK_CAPEX_FRACTION = DEFAULTS.network_capex_fraction
MAINTENANCE_FRACTION_PER_YEAR = DEFAULTS.maintenance_fraction_per_year
DEFAULT_LIFETIME_YEARS = DEFAULTS.lifetime_years
DEFAULT_STORAGE_BW_BYTES = DEFAULTS.storage_bandwidth_bytes_per_s
DEFAULT_MEMORY_EFFICIENCY = DEFAULTS.flat_memory_efficiency
