"""What one served request costs a replica: the one definition every serving solver uses.

A replica (one device, or `tp × pp` GPUs of a node) runs up to `batch` requests at once under
continuous, iteration-level batching [@yu2022orca].  A request of `input_len` prompt tokens that
generates `output_len` tokens costs the replica

    g = prefill + output_len × ITL / batch            (seconds of the replica's time)

* **prefill**: the replica time of its prompt (one prompt at a time under continuous batching; its
  share of the batch's prefill for a static batch), less what a prefix-cache hit saves [@zheng2024sglang];
* **ITL**: one decode step of `batch` requests at their average context `input_len + output_len / 2`
  (with speculative decoding, a verification step and its drafts divided by the tokens they yield
  [@leviathan2023fast]).

Everything else follows from g.  The replica completes at most 1/g requests per second; its output
throughput is `output_len / g` tokens per second, prefill included.  Under a Poisson load λ:

* prefills take the fraction λ·prefill of the replica, so decode steps wait for them and the mean
  inter-token latency stretches to ITL / (1 − λ·prefill): prefill/decode interference;
* a request holds one of `batch` decode slots for S(λ) = `output_len` × that mean ITL, and waits for a
  slot as in an M/M/c queue with c = `batch` [@harchol2013performance].  The offered load λ·S(λ) is
  below c exactly when λ·g < 1, so the queue and the replica's capacity agree on the stable boundary;
* without chunked prefill a decode step can wait for a whole prompt; with a token budget per step
  [@agrawal2024sarathi] it waits for one chunk of `budget − batch` prompt tokens, and the prompt reaches
  its first token after ⌈prompt / chunk⌉ steps.

Memory is checked at the context the batch holds: on average `input_len + output_len / 2` per request
under continuous batching (requests are at every stage of their generation), rounded up to paged-KV blocks
with half a block wasted per request [@kwon2023pagedattention]; the full `input_len + output_len` for a
static batch.  A shared prefix is stored once.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

from .. import formulas
from ..core import validate
from ..core.assumptions import Assumptions, resolve
from ..core.errors import InvalidArgumentError
from ..core.precision import Precisions
from ..core.units import Quantity, quantity
from ..hardware.types import HardwareNode
from ..models.types import TransformerWorkload, decoder_only
from ..systems.types import Node
from .serving import ServingModel, ServingResult, largest_batch

Schedule = Literal["continuous", "static"]


@dataclasses.dataclass(frozen=True)
class SpeculativeDecoding:
    """Speculative decoding: a drafter proposes `draft_tokens` (γ) tokens, the target checks them in one step.

    Each drafted token is accepted with probability `acceptance_rate` (α); a step yields
    (1 − α^(γ+1)) / (1 − α) tokens on average [@leviathan2023fast, Eq. (1)].  `draft_model` is the small
    model that drafts (its γ decode steps and its prompt's prefill are charged to the replica, its weights and
    KV cache to memory); `None` is self-drafting whose cost the model neglects (n-gram or prompt lookup).
    Pass it as `speculative=` to `request_cost`, `TailLatencyModel` or `DeploymentSearch`.

    Attributes:
        draft_tokens: tokens drafted per verification step (γ), at least 1.
        acceptance_rate: probability that the target accepts one drafted token (α), in [0, 1].
        draft_model: the model that drafts, or None for self-drafting at no modelled cost.

    Example:
        >>> from mlsysim import Models, SpeculativeDecoding
        >>> round(SpeculativeDecoding(draft_tokens=4, acceptance_rate=0.8).tokens_per_step, 2)
        3.36
        >>> SpeculativeDecoding(4, 0.8, draft_model=Models.Llama3_2_1B).draft_model.name
        'Llama-3.2-1B'
    """

    draft_tokens: int
    acceptance_rate: float
    draft_model: TransformerWorkload | None = None

    def __post_init__(self) -> None:
        validate.positive_int("draft_tokens", self.draft_tokens)
        validate.probability("acceptance_rate", self.acceptance_rate, "a probability in [0, 1], e.g. 0.7", closed=True)
        if self.draft_model is not None:
            validate.instance("draft_model", self.draft_model, TransformerWorkload, "a transformer such as "
                              "Models.Llama3_8B, or None for self-drafting")

    @property
    def tokens_per_step(self) -> float:
        """Expected tokens one verification step yields (1 to γ + 1)."""
        return formulas.speculative_tokens_per_step(self.draft_tokens, self.acceptance_rate)


@dataclasses.dataclass(frozen=True)
class RequestCost:
    """The replica time one request costs, and the queue it implies: what `request_cost` returns.

    Fields are SI floats (seconds, requests/s, GB); the properties give Quantities, and the methods
    evaluate the queue at an arrival rate (requests/s) as an M/M/c system of decode slots
    [@harchol2013performance].

    Attributes:
        model: the model's name.
        hardware: the device's or node's name.
        batch_size: requests decoding at once (the replica's decode slots).
        input_len: prompt tokens per request.
        output_len: generated tokens per request.
        prefill_s: seconds of replica time one request's prefill takes.
        itl_s: seconds per generated token in a full batch with no prompts to prefill (speculation included).
        plain_itl_s: seconds of one plain decode step (without speculative decoding).
        stall_s: seconds a decode step waits when it also runs one prompt (or one chunk of it).
        prompt_steps: decode steps a prompt is spread over (1 unless chunked prefill splits it).
        tokens_per_step: tokens each request gains per decode step (1 without speculative decoding).
        feasible: whether the batch fits in memory.
        reason: why the design is infeasible ("" when it is feasible).
        max_batch_size: the most requests that fit in memory at this context.
        memory_gb: GB one GPU needs at `batch_size`.
        serving: the `ServingResult` of the decode step behind these figures.

    Example:
        >>> from mlsysim import Hardware, Models, request_cost
        >>> r = request_cost(Models.Llama3_8B, Hardware.H100, input_len=1024, output_len=256, batch_size=32)
        >>> r.feasible, r.stable(5.0)
        (True, True)
        >>> print(f"capacity {r.capacity:.1f~P}, P99 TTFT at 5 req/s {r.ttft_s(5.0, 0.99) * 1e3:.0f} ms")
        capacity ... 1/s, P99 TTFT at 5 req/s ... ms
    """

    model: str
    hardware: str
    batch_size: int
    input_len: int
    output_len: int
    prefill_s: float
    """replica time of one request's prompt (its share of a static batch's prefill)"""
    itl_s: float
    """time per generated token of one request in a full batch, with no arrivals to prefill"""
    plain_itl_s: float
    """the same without speculative decoding (equal to `itl_s` when it is off)"""
    stall_s: float
    """the most one decode step waits for prefill work: a whole prompt, or one chunk"""
    prompt_steps: int
    """steps a prompt takes to reach its first token (1 without chunked prefill)"""
    tokens_per_step: float
    feasible: bool
    reason: str
    max_batch_size: int
    memory_gb: float
    """memory one GPU of the replica needs at this batch (GB)"""
    serving: ServingResult = dataclasses.field(repr=False, compare=False)

    @property
    def gpu_time_s(self) -> float:
        """g = prefill + output_len × ITL / batch: replica seconds per request."""
        return self.prefill_s + self.output_len * self.itl_s / self.batch_size

    @property
    def capacity_per_s(self) -> float:
        """Requests per second the replica completes when always busy: 1 / g (0 when it does not fit)."""
        return 1.0 / self.gpu_time_s if self.feasible else 0.0

    @property
    def prefill(self) -> Quantity:
        """One request's prefill time (ms)."""
        return quantity(self.prefill_s * 1e3, "ms")

    @property
    def itl(self) -> Quantity:
        """Time per generated token in a full batch with no arrivals to prefill (ms)."""
        return quantity(self.itl_s * 1e3, "ms")

    @property
    def gpu_time(self) -> Quantity:
        """Replica time per request, g (ms)."""
        return quantity(self.gpu_time_s * 1e3, "ms")

    @property
    def capacity(self) -> Quantity:
        """Requests per second the replica completes when always busy (1/s)."""
        return quantity(self.capacity_per_s, "1/s")

    @property
    def throughput(self) -> Quantity:
        """Output tokens per second when always busy, prefill included: output_len / g (token/s)."""
        return quantity(self.output_len * self.capacity_per_s, "token/s")

    @property
    def speedup(self) -> float:
        """Speculative decoding's gain in time per token (below 1: it slows decoding down)."""
        return self.plain_itl_s / self.itl_s

    def stable(self, rate: float) -> bool:
        """Whether arrivals at `rate` stay below the capacity (and the replica fits in memory).

        Args:
            rate: arrivals per second.

        Returns:
            True when the queue is stable.
        """
        return self.feasible and rate * self.gpu_time_s < 1.0

    def mean_itl_s(self, rate: float) -> float:
        """Mean inter-token latency at `rate`, seconds: ITL / (1 − rate × prefill); inf when prefills fill the replica.

        Args:
            rate: arrivals per second.
        """
        busy = rate * self.prefill_s
        return self.itl_s / (1.0 - busy) if busy < 1.0 else math.inf

    def worst_itl_s(self, rate: float) -> float:
        """Seconds of a decode step that also waits for one prompt (or one chunk of it): mean ITL + stall.

        Args:
            rate: arrivals per second.
        """
        return self.mean_itl_s(rate) + (self.stall_s if rate > 0 else 0.0)

    def slot_time_s(self, rate: float) -> float:
        """Seconds a request holds a decode slot at `rate`: output_len × mean ITL.

        Args:
            rate: arrivals per second.
        """
        return self.output_len * self.mean_itl_s(rate)

    def first_token_s(self, rate: float) -> float:
        """Seconds from admission to the first token: the prefill, or its chunks each riding on a decode step.

        Args:
            rate: arrivals per second.
        """
        if self.prompt_steps == 1:
            return self.prefill_s
        return self.prompt_steps * (self.mean_itl_s(rate) * self.tokens_per_step + self.stall_s)

    def wait_s(self, rate: float, percentile: float | None = None) -> float:
        """Seconds of queueing for a decode slot: the mean, or a percentile; inf when the queue is unstable.

        Args:
            rate: arrivals per second.
            percentile: a quantile in (0, 1) (0.99 for P99), or None for the mean.
        """
        if not self.stable(rate):
            return math.inf
        if rate <= 0:
            return 0.0
        mu = 1.0 / self.slot_time_s(rate)
        if percentile is None:
            return formulas.mmc_mean_wait(rate, mu, self.batch_size)
        return formulas.mmc_wait_percentile(rate, mu, self.batch_size, percentile)

    def ttft_s(self, rate: float, percentile: float) -> float:
        """Seconds to the first token at `rate`: the wait's percentile + the first-token time.

        Args:
            rate: arrivals per second.
            percentile: a quantile in (0, 1) (0.99 for P99).
        """
        return self.wait_s(rate, percentile) + self.first_token_s(rate)

    def latency_s(self, rate: float, percentile: float) -> float:
        """Seconds of end-to-end latency at `rate`: the wait's percentile + first token + the slot time.

        Args:
            rate: arrivals per second.
            percentile: a quantile in (0, 1) (0.99 for P99).
        """
        return self.ttft_s(rate, percentile) + self.slot_time_s(rate)


def request_cost(model: TransformerWorkload, hardware: HardwareNode | Node, input_len: int | None = None,
                 output_len: int | None = None, batch_size: int | None = None,
                 precision: str | Precisions | None = None, *, tp_size: int | None = None,
                 pp_size: int | None = None, ep_size: int | None = None, schedule: Schedule = "continuous",
                 chunk_tokens: int | None = None,
                 prefix_hit_rate: float | None = None, speculative: SpeculativeDecoding | None = None,
                 efficiency: float | None = None, assumptions: Assumptions | None = None) -> RequestCost:
    """What one request of `input_len` + `output_len` tokens costs a replica running `batch_size` at once.

    The replica time per request is g = prefill + output_len × ITL / batch; the KV cache is paged in
    blocks of `Assumptions.kv_block_tokens` [@kwon2023pagedattention].

    Args:
        model: a transformer from `Models.Language`.
        hardware: the serving device, or a node whose GPUs the replica splits (as in `ServingModel.solve`).
        input_len: prompt tokens; default `Assumptions.request_input_tokens`.
        output_len: generated tokens; default `Assumptions.request_output_tokens`.
        batch_size: requests decoding at once; default `Assumptions.replica_concurrency`.
        precision: a precision name or a `Precisions`; default `Assumptions.precision`.
        tp_size: tensor-parallel GPUs (as in `ServingModel.solve`).
        pp_size: pipeline stages (as in `ServingModel.solve`).
        ep_size: expert-parallel groups (as in `ServingModel.solve`).
        schedule: "continuous" (requests join and leave every step [@yu2022orca]) or "static" (a batch starts
            together: its prompts are prefilled together and its memory is checked at the full context).
        chunk_tokens: chunked prefill's token budget per step (decode tokens included) [@agrawal2024sarathi];
            default None: prompts are prefilled whole.
        prefix_hit_rate: fraction of each prompt found in a prefix cache [@zheng2024sglang]; default None (0):
            with a hit, that part's prefill is skipped and its KV cache is stored once for the whole batch.
        speculative: speculative decoding (a `SpeculativeDecoding`); default None, off.
        efficiency: a flat fraction of the dense peak; default None: the size-dependent curve.
        assumptions: the modelling defaults; default `Assumptions()`.

    Returns:
        The replica time, the memory and the queue one request implies.

    Example:
        >>> from mlsysim import Hardware, Models, request_cost
        >>> r = request_cost(Models.Llama3_8B, Hardware.H100, input_len=1024, output_len=256, batch_size=32)
        >>> r.capacity_per_s == 1 / (r.prefill_s + 256 * r.itl_s / 32)
        True
    """
    a = resolve(assumptions)
    decoder_only(model, "Llama3_8B")
    n_in = validate.positive_int("input_len", a.request_input_tokens if input_len is None else input_len)
    n_out = validate.positive_int("output_len", a.request_output_tokens if output_len is None else output_len)
    batch = validate.positive_int("batch_size", a.replica_concurrency if batch_size is None else batch_size)
    if schedule not in ("continuous", "static"):
        raise InvalidArgumentError("schedule", schedule, "'continuous' or 'static'")
    hit = 0.0 if prefix_hit_rate is None else validate.probability("prefix_hit_rate", prefix_hit_rate,
                                                            "a fraction in [0, 1), e.g. 0.5", closed=False)
    if speculative is not None:
        validate.instance("speculative", speculative, SpeculativeDecoding, "SpeculativeDecoding(draft_tokens=4, "
                          "acceptance_rate=0.7) or None")
    limit = model.context_length
    if n_in + n_out > limit:  # name the argument the user can shrink: the one that alone overflows, else the prompt
        culprit, value, other = ("output_len", n_out, f"input_len is {n_in}") if n_out >= limit else \
            ("input_len", n_in, f"output_len is {n_out}")
        raise InvalidArgumentError(culprit, value, f"input_len + output_len within {model.name}'s context of "
                                   f"{limit} tokens ({other})")
    solver = ServingModel()
    opts: dict[str, Any] = dict(precision=precision, efficiency=efficiency, tp_size=tp_size, pp_size=pp_size,
                                ep_size=ep_size, assumptions=a)
    draft_opts = {**opts, "ep_size": None}  # a dense draft model runs on the replica without experts to spread
    decode_ctx = n_in + n_out // 2
    static = schedule == "static"
    served_prompt = max(1, round(n_in * (1 - hit)))

    prompt_batch = batch if static else 1
    prefill = solver.solve(model, hardware, seq_len=served_prompt, batch_size=prompt_batch, **opts)
    prefill_s = prefill.ttft_s / prompt_batch
    plain = solver.solve(model, hardware, seq_len=decode_ctx, batch_size=batch, **opts)
    plain_itl = plain.itl_s
    step, tokens, draft = plain_itl, 1.0, None
    if speculative is not None:
        gamma = speculative.draft_tokens
        verify = solver.solve(model, hardware, seq_len=decode_ctx, batch_size=batch, query_tokens=gamma + 1, **opts)
        step = verify.itl_s
        if speculative.draft_model is not None:
            draft = solver.solve(speculative.draft_model, hardware, seq_len=decode_ctx, batch_size=batch,
                                 **draft_opts)
            step += gamma * draft.itl_s
            draft_prompt = solver.solve(speculative.draft_model, hardware, seq_len=served_prompt,
                                        batch_size=prompt_batch, **draft_opts)
            prefill_s += draft_prompt.ttft_s / prompt_batch
        tokens = speculative.tokens_per_step

    stall, prompt_steps = (prefill_s * prompt_batch, 1)
    if chunk_tokens is not None:
        budget = validate.positive_int("chunk_tokens", chunk_tokens)
        if budget <= batch:
            raise InvalidArgumentError("chunk_tokens", chunk_tokens, f"more than the batch of {batch} decode tokens "
                                       "each step carries, so that prompt tokens fit beside them")
        prompt_steps = math.ceil(served_prompt / (budget - batch))
        stall = prefill_s / prompt_steps

    memory = _memory(model, hardware, n_in, n_out, batch, hit, static, a, speculative, solver, opts)
    return RequestCost(
        model=model.name, hardware=hardware.name, batch_size=batch, input_len=n_in, output_len=n_out,
        prefill_s=prefill_s, itl_s=step / tokens, plain_itl_s=plain_itl, stall_s=stall, prompt_steps=prompt_steps,
        tokens_per_step=tokens, serving=plain, **memory)


def generation_throughput(model: TransformerWorkload, hardware: HardwareNode | Node, batch_size: int,
                          input_len: int, output_len: int, precision: str | Precisions | None = None, **options):
    """Output tokens per second of a static batch: `batch_size` prompts of `input_len` tokens prefilled
    together, then `output_len` decode steps at the average context `input_len + output_len / 2`.

    The request cost with `schedule="static"`: output_len / (batch prefill / batch + output_len × ITL / batch),
    whether or not the batch fits (`request_cost(...).feasible` says).

    Args:
        model: a transformer from `Models.Language`.
        hardware: the serving device or node.
        batch_size: prompts in the batch.
        input_len: prompt tokens per request.
        output_len: generated tokens per request.
        precision: a precision name or a `Precisions`; default `Assumptions.precision`.
        **options (Any): further keywords of `request_cost` (`tp_size`, `speculative`, `assumptions`, …).

    Returns:
        (Quantity): tokens/s.

    Example:
        >>> from mlsysim import Hardware, Models, generation_throughput
        >>> tps = generation_throughput(Models.Llama3_8B, Hardware.H100, 8, 128, 128)
        >>> tps.units
        <Unit('token / second')>
    """
    cost = request_cost(model, hardware, input_len, output_len, batch_size, precision, schedule="static", **options)
    return quantity(cost.output_len / cost.gpu_time_s, "token/s")


def hardware_capacity(hardware: HardwareNode | Node) -> float:
    """Memory of one GPU of `hardware` (bytes)."""
    device = hardware.accelerator if isinstance(hardware, Node) else hardware
    return device.si.memory_capacity


def held_context(input_len: int, output_len: int, batch: int, prefix_hit_rate: float, static: bool,
                 block_tokens: int) -> int:
    """Tokens of KV cache one request holds on average: its context in paged blocks, a shared prefix once.

    Continuous batching holds requests at every stage of generation, `input_len + output_len / 2` on average;
    a static batch reaches `input_len + output_len` together.  Each request wastes half a block on average
    [@kwon2023pagedattention]; a prefix-cache hit of `prefix_hit_rate` of the prompt is held once per batch.

    Example:
        >>> from mlsysim.solvers.request import held_context
        >>> held_context(1024, 256, 32, 0.0, False, 16)
        1160
    """
    own = input_len * (1 - prefix_hit_rate) + (output_len if static else output_len / 2)
    shared = input_len * prefix_hit_rate / batch
    return max(1, math.ceil(own + shared + block_tokens / 2))


def _memory(model, hardware, n_in, n_out, batch, hit, static, a, speculative, solver, opts) -> dict:
    """Feasibility, the largest batch and the per-GPU memory at the context the batch holds (target + draft)."""
    draft_opts = {**opts, "ep_size": None}
    held = held_context(n_in, n_out, batch, hit, static, a.kv_block_tokens)
    target = solver.solve(model, hardware, seq_len=min(held, model.context_length), batch_size=batch, **opts)
    terms = target.memory_per_gpu_bytes
    per_request = (terms["kv_cache"] + terms["logits"]) / batch
    need = sum(terms.values())
    if speculative is not None and speculative.draft_model is not None:
        draft = solver.solve(speculative.draft_model, hardware, seq_len=min(held, speculative.draft_model.context_length),
                             batch_size=batch, **draft_opts)
        extra = draft.memory_per_gpu_bytes
        need += extra["weights"] + extra["kv_cache"] + extra["logits"]
        per_request += (extra["kv_cache"] + extra["logits"]) / batch
    capacity = hardware_capacity(hardware)
    max_batch = largest_batch(need - per_request * batch, per_request, capacity)
    feasible = need <= capacity
    reason = ""
    if not feasible:
        reason = (target.reason if not target.feasible else
                  f"the target and draft models need {need / 1e9:.4g} GB per GPU but a GPU holds "
                  f"{capacity / 1e9:.4g} GB; at most {max_batch} requests fit")
    return {"feasible": feasible, "reason": reason, "max_batch_size": max_batch, "memory_gb": need / 1e9}
