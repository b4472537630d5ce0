from mlsysim import (
    EconomicsModel, ServingModel, Hardware, Models,
    Systems, Infra
)
from mlsysim.systems.types import Fleet, Node, NetworkFabric
from mlsysim.systems.registry import Nodes, Fabrics
serving = ServingModel()
econ = EconomicsModel()
model = Models.Llama3_8B
configs = [
    ("A100 cluster", Hardware.A100, Nodes.DGX_A100, 20), # ~20 nodes
    ("H100 cluster", Hardware.H100, Nodes.DGX_H100, 8), # ~8 nodes
    ("B200 cluster", Hardware.B200, Nodes.DGX_B200, 4), # ~4 nodes
]
for name, hw, node_template, n_nodes in configs:
    fleet = Fleet(
        name=name, node=node_template, count=n_nodes,
        fabric=Fabrics.InfiniBand_NDR, region=Infra.US_Avg
    )
    # Economics: 365-day TCO
    tco = econ.solve(fleet, duration_days=365, mfu=0.3)
    # Serving: per-GPU capacity
    r = serving.solve(model, hw, seq_len=4096, batch_size=32, precision="fp16")
    total_gpus = fleet.total_accelerators
    print(f"\n=== {name} ({total_gpus} GPUs) ===")
    print(f" TCO: ${tco.tco_usd:,.0f}")
    print(f" TTFT: {r.ttft:~P.1f}")
    print(f" ITL: {r.itl:~P.2f}")
    print(f" Feasible: {r.feasible}")
    print(f" Per-GPU mem: {r.total_memory_required:~P.1f}")
