import mlsysim
from mlsysim import Engine, Hardware, Models
model = Models.ResNet50
hw = Hardware.A100
for bs in [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]:
    p = Engine.solve(model, hw, batch_size=bs, precision="fp16", efficiency=0.5)
    print(f"bs={bs:>4d} bottleneck={p.bottleneck:<10s} "
          f"T_compute={p.latency_compute.to('ms'):~P.3f} "
          f"T_memory={p.latency_memory.to('ms'):~P.3f} "
          f"throughput={p.throughput:~P.1f}")
