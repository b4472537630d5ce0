import mlsysim
Engine = mlsysim.Engine
from mlsysim import SustainabilityModel, Systems
from mlsysim.systems.types import Fleet, Node, NetworkFabric
from mlsysim.core.constants import Q_
from mlsysim.show import table, info
# 256-GPU cluster: 32 DGX H100 nodes
fleet = Fleet(
    name="256-GPU Training Cluster",
    node=Systems.Nodes.DGX_H100,
    count=32,
    fabric=Systems.Fabrics.InfiniBand_NDR
)
solver = SustainabilityModel()
# Quebec: hydroelectric grid
res_quebec = solver.solve(
    fleet=fleet, duration_days=30,
    datacenter=mlsysim.Infra.Grids.Quebec
)
# Poland: coal-heavy grid
res_poland = solver.solve(
    fleet=fleet, duration_days=30,
    datacenter=mlsysim.Infra.Grids.Poland
)
carbon_q = res_quebec.carbon_footprint_kg / 1000 # tonnes
carbon_p = res_poland.carbon_footprint_kg / 1000
ratio = carbon_p / carbon_q if carbon_q > 0 else 0
table(
    ["Region", "Carbon (tonnes CO2)"],
    [
        ["Quebec (Hydro)", f"{carbon_q:.1f}"],
        ["Poland (Coal)", f"{carbon_p:.1f}"],
    ]
)
info(Ratio=f"{ratio:.0f}x")
grids = [
    mlsysim.Infra.Grids.Quebec,
    mlsysim.Infra.Grids.Norway,
    mlsysim.Infra.Grids.US_Avg,
    mlsysim.Infra.Grids.Poland,
]
region_results = {}
rows = []
for grid in grids:
    r = solver.solve(fleet=fleet, duration_days=30, datacenter=grid)
    energy_mwh = r.total_energy_kwh.magnitude / 1000
    carbon_t = r.carbon_footprint_kg / 1000
    water_kl = r.water_usage_liters / 1000
    region_results[r.region_name] = r
    rows.append([r.region_name, f"{energy_mwh:,.1f}", f"{carbon_t:,.1f}", f"{water_kl:,.1f}", f"{r.pue:.2f}"])
table(["Region", "Energy (MWh)", "Carbon (t)", "Water (kL)", "PUE"], rows)
# 30 days in Quebec
res_30d_quebec = solver.solve(
    fleet=fleet, duration_days=30,
    datacenter=mlsysim.Infra.Grids.Quebec
)
# 10 days in Poland (1/3 the training time)
res_10d_poland = solver.solve(
    fleet=fleet, duration_days=10,
    datacenter=mlsysim.Infra.Grids.Poland
)
c_q = res_30d_quebec.carbon_footprint_kg / 1000
c_p = res_10d_poland.carbon_footprint_kg / 1000
table(
    ["Scenario", "Carbon (tonnes CO2)"],
    [
        ["30 days in Quebec", f"{c_q:.1f}"],
        ["10 days in Poland", f"{c_p:.1f}"],
    ]
)
info(Ratio=f"{c_p/c_q:.1f}x")
from mlsysim import EconomicsModel
econ = EconomicsModel()
carbon_price = 50 # USD per tonne CO2
rows = []
for grid in grids:
    tco = econ.solve(fleet=fleet, duration_days=30, grid=grid)
    carbon_cost = (tco.carbon_footprint_kg / 1000) * carbon_price
    total = tco.tco_usd + carbon_cost
    rows.append([tco.region_name, f"${tco.tco_usd:,.0f}", f"${carbon_cost:,.0f}", f"${total:,.0f}"])
table(["Region", "TCO ($)", "Carbon Cost ($)", "Total ($)"], rows)
