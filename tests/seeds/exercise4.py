from mlsysim import ParallelismOptimizer, Models, Systems
optimizer = ParallelismOptimizer()
model = Models.Llama3_70B
fleet = Systems.Clusters.Research_256 # 256 H100s
from mlsysim.systems.types import Fleet
from mlsysim.systems.registry import Nodes, Fabrics
fleet_64 = Fleet(
    name="64-GPU H100 Cluster",
    node=Nodes.DGX_H100,
    count=8, # 8 nodes x 8 GPUs = 64
    fabric=Fabrics.InfiniBand_NDR
)
result = optimizer.solve(
    model, fleet_64,
    batch_size=512,
    precision="fp16",
    efficiency=0.4,
    overlap_comm=True
)
print(f"Best config: {result.best_config}")
print(f"Best MFU: {result.best_mfu:.3f}")
print(f"Best step time: {result.best_step_time:~P.1f}")
print(f"Configs explored: {result.total_searched}")
# Print top candidates
for c in result.top_candidates[:10]:
    cfg = c['config']
    print(f" TP={cfg['tp']:>2d} PP={cfg['pp']:>2d} DP={cfg['dp']:>2d} "
          f"MFU={c['mfu']:.3f}")
