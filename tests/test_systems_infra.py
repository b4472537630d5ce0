"""Fleet and grid registries: sources, the seeds' names, and typed link conventions."""

import importlib

import pytest

from mlsysim import Q_, Datacenter, Facility, Infra, MLSysimError, SpecError, Systems
from mlsysim.infra.types import GridProfile

ENTRIES = Systems.items() + Infra.items()


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[n for n, _ in ENTRIES])
def test_every_entry_cites_a_source(name, entry, bib_keys):
    assert entry.source in bib_keys, f"{name} cites {entry.source!r}"


def test_research_256_is_32_dgx_h100():
    fleet = Systems.Clusters.Research_256
    assert fleet.count == 32 and fleet.node is Systems.Nodes.DGX_H100 and fleet.total_accelerators == 256


def test_cluster_classes_exist():
    sizes = sorted(f.total_accelerators for f in Systems.Clusters)
    assert {256, 1024, 16384} <= set(sizes)  # the seeds' research, production and frontier clusters


@pytest.mark.parametrize(("module", "names"), [
    ("mlsysim.systems.types", ["Node", "NetworkFabric", "Fleet"]),
    ("mlsysim.systems.registry", ["Systems", "Nodes", "Fabrics"]),
    ("mlsysim.infra.registry", ["Grids", "Infra"]),
    ("mlsysim.infra.types", ["GridProfile"]),
    ("mlsysim.infrastructure.registry", ["Infrastructure"]),
])
def test_seed_import_paths(module, names):
    mod = importlib.import_module(module)
    assert all(hasattr(mod, n) for n in names)


def test_nvlink_is_bidirectional_and_infiniband_per_direction():
    node = Systems.Nodes.DGX_H100
    assert node.intra_node_bw == Q_(900, "GB/s") and node.link_bandwidth == pytest.approx(450e9)
    assert Systems.Fabrics.InfiniBand_NDR._port_bw == pytest.approx(50e9)


def test_required_grids_and_aliases():
    for name in ["Quebec", "Norway", "Sweden", "France", "US_Avg", "Iowa", "Virginia", "Poland"]:
        assert name in Infra.Grids
    assert Infra.US_Avg is Infra.Grids.US_Avg and Infra.Quebec is Infra.Grids.Quebec
    assert Infra.Datacenters.GCP_Iowa.site_pue == pytest.approx(1.10)
    assert Infra.Facilities.Hyperscale.pue < Infra.Facilities.IndustryAverage.pue


def test_quebec_is_the_cleanest_and_poland_the_dirtiest():
    by_intensity = sorted(Infra.Grids, key=lambda g: g.carbon_intensity)
    assert by_intensity[0].name == "Quebec" and by_intensity[-1].name == "Poland"


def test_grid_validation():
    with pytest.raises(SpecError, match="carbon intensity"):
        GridProfile(name="x", carbon_intensity=Q_(25, "g"), electricity_price=Q_(0.1, "USD/kWh"),
                    primary_source="hydro")
    with pytest.raises(SpecError, match="pue"):
        Facility(name="x", pue=0.9, wue=Q_(1, "L/kWh"))
    with pytest.raises(SpecError, match="facility class"):
        Datacenter(name="x", grid=Infra.US_Avg)  # neither a class nor its own PUE and WUE
    with pytest.raises(SpecError, match="sum to 1"):
        Infra.US_Avg.model_copy(update={"generation_mix": {"coal": 0.5}})


def test_unknown_grid_is_named():
    with pytest.raises(MLSysimError, match="did you mean Quebec"):
        Infra.Grids.Quebek  # noqa: B018
