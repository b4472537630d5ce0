from mlsysim import ServingModel, Hardware, Models
serving = ServingModel()
model = Models.Llama3_8B
hw = Hardware.H100
for bs in [1, 2, 4, 8, 16, 32, 64, 128]:
    r = serving.solve(model, hw, seq_len=4096, batch_size=bs, precision="fp16")
    print(f"bs={bs:>4d} feasible={r.feasible} "
          f"mem={r.total_memory_required:~P.1f} "
          f"kv_cache={r.kv_cache_size:~P.1f} "
          f"TTFT={r.ttft:~P.1f} ITL={r.itl:~P.2f}")
