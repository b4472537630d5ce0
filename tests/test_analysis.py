"""Sensitivity (real elasticities) and synthesis (the inverse roofline)."""

import pytest

from mlsysim import Q_, Engine, Hardware, Models, SensitivitySolver, SynthesisSolver, Systems

sens, synth = SensitivitySolver(), SynthesisSolver()


def _share(step, term):
    b = step.breakdown
    return getattr(b, term) / step.latency.to("s").magnitude


def test_memory_bound_decode_has_bandwidth_elasticity_minus_its_memory_share():
    # Per-kernel costs do not scale with bandwidth: the elasticity is minus the memory share of the step.
    r = sens.solve(Models.Llama3_8B, Hardware.H100)
    assert r.binding_constraint == "memory_bandwidth"
    share = _share(Engine.solve(Models.Llama3_8B, Hardware.H100), "memory")
    assert 0.85 < share < 1 and r.sensitivities["memory_bandwidth"] == pytest.approx(-share, abs=0.02)
    assert abs(r.sensitivities["peak_flops"]) < 0.05


def test_training_step_is_bound_by_compute():
    r = sens.solve(Models.Llama3_70B, Hardware.H100, mode="training", batch_size=4)
    assert r.binding_constraint == "peak_flops"
    share = _share(Engine.solve(Models.Llama3_70B, Hardware.H100, 4, "bf16", mode="training"), "compute")
    assert r.sensitivities["peak_flops"] == pytest.approx(-share, abs=0.02)


def test_dispatch_tax_shows_as_a_positive_share():
    r = sens.solve(Models.DS_CNN, Hardware.nRF52840, precision="int8")
    assert 0 < r.sensitivities["dispatch_tax"] < 0.01
    share = _share(Engine.solve(Models.DS_CNN, Hardware.nRF52840, precision="int8"), "compute")
    assert r.sensitivities["peak_flops"] == pytest.approx(-share, abs=0.02) and share > 0.8


@pytest.mark.parametrize(("model", "hw", "opts"), [
    (Models.ResNet50, Hardware.A100, {}), (Models.GPT2, Hardware.V100, {"mode": "training"}),
    (Models.MobileNetV2, Hardware.Jetson_AGX_Orin, {"batch_size": 64}),
])
def test_never_all_zero(model, hw, opts):
    assert any(abs(v) > 0.1 for v in sens.solve(model, hw, **opts).sensitivities.values())


def test_fleet_sensitivities_include_the_network():
    r = sens.solve(Models.Llama3_8B, fleet=Systems.Clusters.Research_256, tp_size=1, overlap_comm=False)
    assert r.sensitivities["network_bw"] < 0 and r.sensitivities["peak_flops"] < 0


def test_a_200ms_training_step_of_70b_needs_petaflops():
    r = synth.solve(Models.Llama3_70B, Q_("200 ms"), mode="training")
    assert r.required_flops.to("PFLOP/s").magnitude > 4
    assert r.required_memory.to("TB").magnitude > 1  # 16 bytes per parameter
    assert r.matching_hardware == []


def test_synthesis_matches_are_real():
    r = synth.solve(Models.Llama3_8B, Q_("20 ms"))
    assert "H100" in r.matching_hardware and "V100" not in r.matching_hardware
    for name in r.matching_hardware:
        assert Hardware.get(name).memory.bandwidth >= r.required_bw
