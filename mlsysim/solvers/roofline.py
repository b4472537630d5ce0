"""Single-device performance: the roofline for inference and for a training step.

``Engine.solve(model, hardware, batch_size, precision, efficiency)`` answers
"how long does one step take on one device, and what bounds it?".

* **Inference, CNN** — one forward pass of ``batch_size`` samples. Memory
  traffic is the weights once plus every layer output written and read back
  once per sample (no cross-layer fusion, no cache residency).
* **Inference, transformer** — one decode step: each of ``batch_size``
  sequences, holding ``seq_len`` tokens of KV cache, produces one token.
  Traffic is the weights plus the whole KV cache.
* **Training** — forward + backward + optimizer step over ``batch_size``
  samples (× ``seq_len`` tokens for a transformer), on one device with the
  full model: weights, gradients and optimizer state all resident.

Latency = max(T_compute, T_memory) + dispatch tax; compute and memory
overlap perfectly, which is the roofline's optimism.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from .. import formulas
from ..core import validate
from ..core.assumptions import DEFAULT_EFFICIENCY, DEFAULT_MEMORY_EFFICIENCY, DEFAULT_OPTIMIZER, DEFAULT_SEQ_LEN
from ..core.errors import InvalidArgumentError, UnknownNameError
from ..core.precision import BYTES_PER_VALUE, check_precision, default_kv_precision
from ..core.units import BYTES_LADDER, ENERGY_LADDER, quantity, readable, si
from ..hardware.types import HardwareNode, fallback_note
from ..models.types import CNNWorkload, TransformerWorkload, Workload
from .result import Result

Mode = Literal["inference", "training"]


@dataclasses.dataclass(frozen=True)
class SingleNodeResult(Result):
    """One step of one workload on one device.

    Latencies are in ms; ``throughput`` is samples/s for CNNs and tokens/s
    for transformers; ``energy`` is TDP × latency (None when TDP is unknown).
    """

    model: str
    hardware: str
    mode: str
    batch_size: int
    precision: str
    compute_precision: str
    latency: object
    latency_compute: object
    latency_memory: object
    bottleneck: str
    throughput: object
    arithmetic_intensity: object
    ridge_point: object
    flops: object
    bytes_moved: object
    memory_footprint: object
    memory_capacity: object
    feasible: bool
    energy: object
    reason: str = ""
    notes: tuple[str, ...] = dataclasses.field(default=(), repr=False)


class SingleNodeModel:
    """The roofline solver for one device (also reachable as ``Engine.solve``)."""

    def solve(
        self,
        model: Workload,
        hardware: HardwareNode,
        batch_size: int = 1,
        precision: str = "fp16",
        efficiency: float = DEFAULT_EFFICIENCY,
        *,
        mode: Mode = "inference",
        seq_len: int | None = None,
        memory_efficiency: float = DEFAULT_MEMORY_EFFICIENCY,
        dispatch_tax=None,
        optimizer: str = DEFAULT_OPTIMIZER,
    ) -> SingleNodeResult:
        """Roofline latency, bottleneck, throughput, memory and energy of one step.

        Args:
            model: a workload from ``Models`` (transformer or CNN).
            hardware: a device from ``Hardware``.
            batch_size: samples (sequences) per step, ≥ 1.
            precision: storage precision of weights and activations
                ("fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4", …).
            efficiency: fraction of the dense peak FLOP/s achieved, in (0, 1].
            mode: "inference" (a forward pass; a decode step for transformers)
                or "training" (forward + backward + optimizer step).
            seq_len: context tokens per sequence (transformers; default 2048).
            memory_efficiency: fraction of peak memory bandwidth achieved.
            dispatch_tax: fixed per-step overhead (a time Quantity); defaults
                to the hardware's ``dispatch_tax`` (0 when it has none).
            optimizer: "adam" or "sgd" (training memory).

        Example:
            >>> r = Engine.solve(Models.Llama3_8B, Hardware.H100, batch_size=1)
            >>> r.bottleneck
            'Memory'
        """
        validate.instance("model", model, Workload, "a workload such as Models.Llama3_8B")
        validate.instance("hardware", hardware, HardwareNode, "a device such as Hardware.H100")
        batch = validate.positive_int("batch_size", batch_size)
        prec = check_precision(precision)
        eff = validate.fraction("efficiency", efficiency)
        mem_eff = validate.fraction("memory_efficiency", memory_efficiency)
        if mode not in ("inference", "training"):
            raise UnknownNameError("mode", str(mode), ["inference", "training"])
        if optimizer not in formulas.OPTIMIZER_STATE_BYTES:
            raise UnknownNameError("optimizer", str(optimizer), formulas.OPTIMIZER_STATE_BYTES)
        tax = hardware._dispatch_tax if dispatch_tax is None else validate.quantity_in(
            "dispatch_tax", dispatch_tax, "s", "0.5 ms", allow_zero=True)
        rate, used, native = hardware.resolve_compute(prec)
        b = BYTES_PER_VALUE[prec]

        if isinstance(model, TransformerWorkload):
            seq = _seq_len(model, seq_len)
            work = _transformer_step(model, batch, seq, prec, mode, optimizer)
        else:
            if seq_len is not None:
                raise InvalidArgumentError("seq_len", seq_len, "None for a CNN (it has no sequence)")
            work = _cnn_step(model, batch, b, mode, optimizer)
        flops, bytes_moved, weights_state, activations, samples, unit = work

        t_compute = formulas.compute_time(flops, rate, eff)
        t_memory = formulas.memory_time(bytes_moved, hardware.memory._bandwidth, mem_eff)
        latency = formulas.roofline_latency(t_compute, t_memory, tax)
        feasible, reason = _fits(hardware, weights_state, activations)
        notes = () if native else (fallback_note(hardware, prec, used, rate),)
        return SingleNodeResult(
            model=model.name,
            hardware=hardware.name,
            mode=mode,
            batch_size=batch,
            precision=prec,
            compute_precision=used,
            latency=quantity(latency * 1e3, "ms"),
            latency_compute=quantity(t_compute * 1e3, "ms"),
            latency_memory=quantity(t_memory * 1e3, "ms"),
            bottleneck="Compute" if t_compute >= t_memory else "Memory",
            throughput=quantity(samples / latency, unit),
            arithmetic_intensity=quantity(formulas.arithmetic_intensity(flops, bytes_moved), "flop/B"),
            ridge_point=quantity(rate * eff / (hardware.memory._bandwidth * mem_eff), "flop/B"),
            flops=quantity(flops / 1e9, "GFLOP"),
            bytes_moved=readable(bytes_moved, BYTES_LADDER),
            memory_footprint=readable(weights_state + activations, BYTES_LADDER),
            memory_capacity=readable(hardware.memory._capacity, BYTES_LADDER),
            feasible=feasible,
            energy=None if hardware._tdp is None else readable(formulas.energy(hardware._tdp, latency), ENERGY_LADDER),
            reason=reason,
            notes=notes,
        )


def _seq_len(model: TransformerWorkload, seq_len) -> int:
    if seq_len is None:
        return min(DEFAULT_SEQ_LEN, model.context_length)
    seq = validate.positive_int("seq_len", seq_len)
    if seq > model.context_length:
        raise InvalidArgumentError(
            "seq_len", seq, f"at most {model.name}'s context length of {model.context_length} tokens")
    return seq


def _transformer_step(model: TransformerWorkload, batch: int, seq: int, prec: str, mode: str, optimizer: str):
    """(flops, bytes moved, resident state bytes, activation bytes, items, throughput unit)."""
    n, layers, d = model._matmul_params, model.layers, model._attention_dim
    params, b = model._params, BYTES_PER_VALUE[prec]
    if mode == "inference":
        kv_b = BYTES_PER_VALUE[default_kv_precision(prec)]
        kv_per_token = formulas.kv_cache_bytes_per_token(layers, model.kv_heads, model.head_dim, kv_b)
        kv = formulas.kv_cache_bytes(batch * seq, kv_per_token)
        weights = formulas.weight_bytes(params, b)
        flops = batch * formulas.decode_flops_per_token(n, layers, seq, d)
        return flops, weights + kv, weights, kv, batch, "token/s"
    tokens = batch * seq
    flops = tokens * formulas.training_flops_per_token(n, layers, seq, d)
    act_per_token = formulas.activation_bytes_per_token(model.hidden_size, layers, model.attention_heads, seq) * b / 2
    activations = tokens * act_per_token
    state = params * formulas.training_state_bytes_per_param(b, optimizer)
    traffic = params * formulas.training_traffic_bytes_per_param(b, optimizer) + 2 * activations
    return flops, traffic, state, activations, tokens, "token/s"


def _cnn_step(model: CNNWorkload, batch: int, b: float, mode: str, optimizer: str):
    """(flops, bytes moved, resident state bytes, activation bytes, items, throughput unit)."""
    params = model._params
    activations = batch * model.activation_elements * b
    if mode == "inference":
        weights = formulas.weight_bytes(params, b)
        return batch * model._flops, weights + 2 * activations, weights, activations, batch, "sample/s"
    state = params * formulas.training_state_bytes_per_param(b, optimizer)
    traffic = params * formulas.training_traffic_bytes_per_param(b, optimizer) + 2 * activations
    return 3 * batch * model._flops, traffic, state, activations, batch, "sample/s"


def _fits(hw: HardwareNode, resident: float, activations: float) -> tuple[bool, str]:
    """Whether weights/state and activations fit; on an MCU activations must fit in SRAM."""
    mem = hw.memory
    if mem.sram_capacity is not None:
        sram = si(mem.sram_capacity)
        if resident > mem._capacity:
            return False, f"weights need {resident / 1e6:.3g} MB but {hw.name} has {mem._capacity / 1e6:.3g} MB"
        if activations > sram:
            return False, f"activations need {activations / 1e3:.4g} kB but SRAM holds {sram / 1e3:.4g} kB"
        return True, ""
    need = resident + activations
    if need > mem._capacity:
        return False, f"needs {need / 1e9:.4g} GB but {hw.name} has {mem._capacity / 1e9:.4g} GB"
    return True, ""


class Engine:
    """The roofline entry point of the seeds: ``Engine.solve(model, hardware, …)``."""

    @staticmethod
    def solve(model, hardware, batch_size=1, precision="fp16", efficiency=DEFAULT_EFFICIENCY, **options):
        """Same as :meth:`SingleNodeModel.solve`."""
        return _ENGINE.solve(model, hardware, batch_size, precision, efficiency, **options)


_ENGINE = SingleNodeModel()
