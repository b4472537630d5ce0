"""The public surface: everything in ``__all__`` imports, and the seeds' import paths exist."""

import importlib

import pytest

import mlsysim


@pytest.mark.parametrize("name", mlsysim.__all__)
def test_public_names_import(name):
    assert getattr(mlsysim, name) is not None


@pytest.mark.parametrize(("module", "names"), [
    ("mlsysim.core.constants", ["Q_", "ureg", "NVLINK_H100_BW", "INFINIBAND_NDR_BW", "BYTES_FP16"]),
    ("mlsysim.hardware.types", ["HardwareNode", "ComputeCore", "MemoryHierarchy"]),
    ("mlsysim.models.registry", ["Models"]),
    ("mlsysim.solvers", ["Engine", "SingleNodeModel", "ServingModel", "CompressionModel"]),
    ("mlsysim.show", ["table", "info", "banner"]),
])
def test_seed_import_paths(module, names):
    mod = importlib.import_module(module)
    for name in names:
        assert hasattr(mod, name), f"{module} lacks {name}"


def test_one_unit_registry():
    from mlsysim.core.constants import Q_, ureg

    assert ureg is mlsysim.ureg and Q_ is mlsysim.Q_
