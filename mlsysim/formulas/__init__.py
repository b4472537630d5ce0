"""Pure formulas the solvers compose, one module per family.

Each function is plain arithmetic, so it accepts pint Quantities (the tests
call it that way, and a wrong unit raises `DimensionalityError`) or floats
in SI units (the solvers call it that way, for speed).  Docstrings name the
equation and its source.
"""

from .collectives import (
    hierarchical_allreduce_time,
    point_to_point_time,
    ring_allgather_time,
    ring_allreduce_bytes,
    ring_allreduce_time,
    small_allreduce_time,
)
from .memory import (
    OPTIMIZER_STATE_BYTES,
    checkpoint_bytes_per_param,
    quantized_bits_per_weight,
    training_state_bytes_per_param,
    training_traffic_bytes_per_param,
    weight_bytes,
)
from .parallel import SCHEDULES, microbatches_in_flight, pipeline_bubble_fraction, pipeline_idle_time
from .queueing import erlang_b, erlang_c, erlang_c_array, mmc_mean_wait, mmc_wait_percentile
from .reliability import (
    checkpoint_overhead,
    checkpoint_write_time,
    daly_goodput,
    daly_interval,
    failure_probability,
    fleet_mtbf,
    young_daly_interval,
)
from .roofline import arithmetic_intensity, compute_time, energy, memory_time, ridge_point, roofline_latency
from .scaling import (
    CHINCHILLA_TOKENS_PER_PARAM,
    chinchilla_parameters,
    chinchilla_tokens,
    training_compute,
)
from .speculative import speculative_tokens_per_step
from .sustainability import (
    carbon_emissions,
    embodied_carbon,
    facility_energy,
    host_power,
    mix_intensity,
    node_power,
    water_use,
)
from .transformer import (
    activation_bytes_per_token,
    decode_flops_per_token,
    distinct_experts_fraction,
    kv_cache_bytes,
    kv_cache_bytes_per_token,
    prefill_flops_per_token,
    training_flops_per_token,
)

__all__ = [
    "CHINCHILLA_TOKENS_PER_PARAM",
    "carbon_emissions",
    "embodied_carbon",
    "checkpoint_bytes_per_param",
    "checkpoint_overhead",
    "checkpoint_write_time",
    "daly_goodput",
    "daly_interval",
    "chinchilla_parameters",
    "chinchilla_tokens",
    "facility_energy",
    "failure_probability",
    "fleet_mtbf",
    "hierarchical_allreduce_time",
    "mix_intensity",
    "mmc_mean_wait",
    "mmc_wait_percentile",
    "small_allreduce_time",
    "speculative_tokens_per_step",
    "node_power",
    "host_power",
    "pipeline_bubble_fraction",
    "pipeline_idle_time",
    "microbatches_in_flight",
    "SCHEDULES",
    "point_to_point_time",
    "ring_allgather_time",
    "ring_allreduce_bytes",
    "ring_allreduce_time",
    "training_compute",
    "water_use",
    "young_daly_interval",
    "OPTIMIZER_STATE_BYTES",
    "activation_bytes_per_token",
    "arithmetic_intensity",
    "compute_time",
    "decode_flops_per_token",
    "distinct_experts_fraction",
    "energy",
    "erlang_b",
    "erlang_c",
    "erlang_c_array",
    "kv_cache_bytes",
    "kv_cache_bytes_per_token",
    "memory_time",
    "prefill_flops_per_token",
    "quantized_bits_per_weight",
    "ridge_point",
    "roofline_latency",
    "training_flops_per_token",
    "training_state_bytes_per_param",
    "training_traffic_bytes_per_param",
    "weight_bytes",
]
