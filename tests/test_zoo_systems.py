"""The wider systems zoo: sources, hand-checked link conventions, and solves on the new entries."""

from __future__ import annotations

import re

import pytest

from mlsysim import Q_, DistributedModel, Hardware, MLSysimError, Models, ServingModel, Systems
from mlsysim.core import constants
from mlsysim.systems import registry
from mlsysim.systems.types import Fleet

NEW_NODES = ["DGX_H200", "GB200_NVL72", "TPUv5p_Slice", "MI300X_Platform"]
NEW_FABRICS = ["NVLink3", "NVLink4", "NVLink5", "RoCE_800G", "TPU_ICI"]
NEW_CLUSTERS = ["H200_SuperPOD_4SU", "GB200_SuperPOD_SU", "MI300X_1K"]
NEW_CONSTANTS = ["NVLINK_GB200_BW", "NVLINK3_BW", "NVLINK4_BW", "NVLINK5_BW", "INFINITY_FABRIC_MI300X_BW",
                 "TPU_V5P_ICI_BW", "ETHERNET_800G_BW"]
SEEDS = {
    "DGX_1": "nvidia2017dgx1", "DGX_A100": "nvidia2020dgxa100", "DGX_H100": "nvidia2023dgxh100",
    "DGX_B200": "nvidia2024b200", "InfiniBand_HDR": "nvidia2023connectx7", "InfiniBand_NDR": "nvidia2023connectx7",
    "InfiniBand_XDR": "nvidia2023connectx7", "Ethernet_400G": "gangidi2024rdma", "Research_256": "nvidia2023dgxh100",
    "Production_1K": "nvidia2023dgxh100", "Frontier_16K": "dubey2024llama3",
}
CITATION = re.compile(r"\[@([^\]]+)\]")


def _gbps(bytes_per_s: float) -> float:
    return bytes_per_s / 1e9


@pytest.mark.parametrize("name", NEW_NODES + NEW_FABRICS + NEW_CLUSTERS)
def test_every_new_entry_is_registered_and_cites_a_source(name, bib_keys):
    entry = Systems.get(name)
    assert entry.source in bib_keys, f"{name} cites {entry.source!r}"


@pytest.mark.parametrize(("name", "entry"), Systems.items(), ids=Systems.names())
def test_citations_in_notes_resolve(name, entry, bib_keys):
    for group in CITATION.findall(getattr(entry, "notes", None) or ""):
        for key in (k.strip().lstrip("@") for k in group.split(";")):
            assert key in bib_keys, f"{name}'s notes cite {key!r}"


@pytest.mark.parametrize(("name", "source"), SEEDS.items())
def test_the_seed_names_are_unchanged(name, source):
    assert Systems.get(name).source == source
    assert sorted(f.total_accelerators for f in (Systems.Clusters.Research_256, Systems.Clusters.Production_1K,
                                                   Systems.Clusters.Frontier_16K)) == [256, 1024, 16384]


def test_new_constants_are_exported_and_keep_the_vendor_convention():
    assert all(name in constants.__all__ and hasattr(constants, name) for name in NEW_CONSTANTS)
    # NVLink 5 (GB200 NVL72): 1.8 TB/s bidirectional per GPU, 900 GB/s each way
    assert constants.NVLINK_GB200_BW.to("TB/s").magnitude == pytest.approx(1.8)
    assert constants.per_direction(constants.NVLINK_GB200_BW) == Q_(900, "GB/s")
    assert constants.NVLINK3_BW == Q_(600, "GB/s") and constants.NVLINK4_BW == Q_(900, "GB/s")
    assert constants.NVLINK5_BW == constants.NVLINK_B200_BW
    # MI300X: 896 GB/s over seven x16 links, both directions: 64 GB/s each way per link
    assert constants.per_direction(constants.INFINITY_FABRIC_MI300X_BW) / 7 == Q_(64, "GB/s")
    # TPU v5p ICI: 1,200 GB/s bidirectional = the 4,800 Gb/s per direction of Google's older table
    assert constants.per_direction(constants.TPU_V5P_ICI_BW).to("Gbps").magnitude == pytest.approx(4800)
    # Ethernet/InfiniBand stay per port per direction
    assert constants.ETHERNET_800G_BW.to("GB/s").magnitude == pytest.approx(100)


def test_gb200_nvl72_is_one_72_gpu_nvlink5_domain():
    node = Systems.Nodes.GB200_NVL72
    assert node.accelerators_per_node == 72 and node.accelerator is Hardware.GB200
    assert node.intra_node_convention == "bidirectional"
    assert node.intra_node_bw == constants.NVLINK_GB200_BW
    assert node.intra_node_bw.to("TB/s").magnitude == pytest.approx(1.8)
    assert constants.per_direction(node.intra_node_bw) == Q_(900, "GB/s")
    assert node.link_bandwidth == pytest.approx(900e9) == Systems.Fabrics.NVLink5.port_bandwidth
    assert 72 * node.intra_node_bw.to("TB/s").magnitude == pytest.approx(130, rel=0.01)  # NVIDIA's rack figure
    assert node.nics == 72  # one 400 Gb/s ConnectX-7 per GPU, four per compute tray
    assert node.unit_cost is None and node.max_power is None  # no citable figure: left empty


def test_tpu_v5p_slice_is_a_one_cube_slice_on_ici():
    node = Systems.Nodes.TPUv5p_Slice
    assert node.accelerators_per_node == 64 == 4 * 4 * 4 and node.accelerator is Hardware.TPUv5p
    assert node.intra_node_bw == Q_(1200, "GB/s")
    assert node.link_bandwidth == pytest.approx(600e9) == Systems.Fabrics.TPU_ICI.port_bandwidth


def test_dgx_h200_is_the_dgx_h100_chassis_with_h200():
    h200, h100 = Systems.Nodes.DGX_H200, Systems.Nodes.DGX_H100
    assert h200.accelerator.name.startswith("NVIDIA H200") and h200.accelerators_per_node == 8
    assert h200.intra_node_bw == h100.intra_node_bw == Q_(900, "GB/s")
    assert h200.link_bandwidth == pytest.approx(450e9) and h200.nics == 8
    assert h200.max_power.to("kW").magnitude == pytest.approx(10.2)
    assert h200.unit_cost is None  # no published system price: solvers price its GPUs and the server overhead


def test_mi300x_platform_reads_infinity_fabric_like_nvlink():
    node = Systems.Nodes.MI300X_Platform
    assert node.accelerator.name == "AMD Instinct MI300X" and node.accelerators_per_node == 8
    assert node.intra_node_convention == "bidirectional"
    assert _gbps(node.link_bandwidth) == pytest.approx(448)
    assert node.unit_cost is None and node.node_power is None  # no citable figure: left empty


@pytest.mark.parametrize(("name", "gb_per_s_each_way"), [
    ("NVLink3", 300), ("NVLink4", 450), ("NVLink5", 900), ("TPU_ICI", 600), ("RoCE_800G", 100),
    ("Ethernet_400G", 50), ("InfiniBand_NDR", 50),
])
def test_fabric_bandwidth_is_per_port_per_direction(name, gb_per_s_each_way):
    assert _gbps(Systems.Fabrics.get(name).port_bandwidth) == pytest.approx(gb_per_s_each_way)


def test_nvlink_fabrics_halve_the_node_figures_they_come_from():
    assert Systems.Fabrics.NVLink4.port_bandwidth == pytest.approx(Systems.Nodes.DGX_H100.link_bandwidth)
    assert Systems.Fabrics.NVLink5.port_bandwidth == pytest.approx(Systems.Nodes.DGX_B200.link_bandwidth)
    assert Systems.Fabrics.NVLink5.latency_s < Systems.Fabrics.InfiniBand_NDR.latency_s


def test_no_alias_duplicates_an_entry():
    entries = [id(e) for _, e in Systems.items()]
    assert len(entries) == len(set(entries))
    assert not hasattr(registry, "RoCE_400G") and "RoCE_400G" not in Systems.Fabrics


@pytest.mark.parametrize(("name", "nodes", "gpus"), [
    ("H200_SuperPOD_4SU", 128, 1024), ("GB200_SuperPOD_SU", 8, 576), ("MI300X_1K", 128, 1024),
])
def test_cluster_shapes(name, nodes, gpus):
    fleet = Systems.Clusters.get(name)
    assert fleet.count == nodes and fleet.total_accelerators == gpus
    assert fleet.fabric is Systems.Fabrics.InfiniBand_NDR  # every one of them: NDR, one 400 Gb/s port per GPU


def test_training_solves_on_the_new_clusters():
    dist = DistributedModel()
    h200 = dist.solve(Models.Llama3_70B, Systems.Clusters.H200_SuperPOD_4SU, tp_size=8, pp_size=1)
    amd = dist.solve(Models.Llama3_70B, Systems.Clusters.MI300X_1K, tp_size=8, pp_size=1)
    for r in (h200, amd):
        assert r.feasible and r.dp_size == 128 and 0 < r.mfu < r.scaling_efficiency <= 1
    # same NDR fabric and the same gradient bytes: the data-parallel all-reduce takes the same time
    assert h200.dp_communication_latency.to("ms").magnitude == pytest.approx(
        amd.dp_communication_latency.to("ms").magnitude)
    # 450 vs 448 GB/s each way inside the node: tensor-parallel traffic within half a percent
    assert h200.tp_communication_latency.to("ms").magnitude == pytest.approx(
        amd.tp_communication_latency.to("ms").magnitude, rel=5e-3)


def test_tensor_parallelism_past_eight_gpus_stays_on_nvlink_in_an_nvl72():
    dist = DistributedModel()
    nvl72 = dist.solve(Models.Llama3_70B, Systems.Clusters.GB200_SuperPOD_SU, tp_size=32, batch_size=576)
    assert nvl72.feasible and nvl72.dp_size == 18
    with pytest.raises(MLSysimError, match="at most 8"):  # an 8-GPU node cannot host TP=32
        dist.solve(Models.Llama3_70B, Fleet(name="b", node=Systems.Nodes.DGX_B200, count=72,
                                            fabric=Systems.Fabrics.InfiniBand_NDR), tp_size=32, batch_size=576)
    tp8 = dist.solve(Models.Llama3_70B, Systems.Clusters.GB200_SuperPOD_SU, tp_size=8, batch_size=576)
    assert tp8.feasible and tp8.tp_communication_latency < nvl72.tp_communication_latency


def test_serving_solves_on_the_new_nodes():
    for node in (Systems.Nodes.DGX_H200, Systems.Nodes.MI300X_Platform):
        r = ServingModel().solve(Models.Llama3_70B, node, seq_len=4096, batch_size=64)
        assert r.feasible and r.tp_size == 8
        assert r.memory_capacity.to("GB").magnitude > 140  # per GPU: 141 GB H200, 192 GB MI300X
    h200 = ServingModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H200, seq_len=4096, batch_size=64)
    h100 = ServingModel().solve(Models.Llama3_70B, Systems.Nodes.DGX_H100, seq_len=4096, batch_size=64)
    assert h200.itl < h100.itl and h200.max_batch_size > h100.max_batch_size  # more, faster HBM; same compute
    # an NVL72 replica of TP=8 leaves the rest of the rack to other replicas; a v5p slice splits over its 64 chips
    nvl72 = ServingModel().solve(Models.Llama3_70B, Systems.Nodes.GB200_NVL72, seq_len=4096, batch_size=64, tp_size=8)
    assert nvl72.feasible and nvl72.replicas == 9
    tpu = ServingModel().solve(Models.Llama3_70B, Systems.Nodes.TPUv5p_Slice, seq_len=4096, batch_size=64,
                               precision="bf16")
    assert tpu.feasible and tpu.tp_size == 64
