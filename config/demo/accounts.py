"""The demo's names and accounts (ARCHITECTURE.md §6). Plain data: no Django imports, so the
``make run`` banner can print them before Django is set up."""

DEMO_PASSWORD = "jifenbao-demo"  # noqa: S105 - the published demo password (README)
COUNTY = ("zouping", "邹平市")
TOWNSHIPS = [
    ("changshan", "长山镇", "changshan"),
    ("weiqiao", "魏桥镇", "weiqiao"),
]
TOWNSHIP_ACCOUNTS = [
    ("town_admin", "乡镇管理员"),
    ("village_leader", "村级网格长"),
    ("info_admin", "信息管理员"),
    ("microgrid_leader", "微网格长"),
    ("group_leader", "联户小组长"),
    ("group_leader_other", "联户小组长（另一村）"),
    ("merchant", "共富超市店员"),
    ("resident", "村民"),
]
PUBLIC_ACCOUNTS = [("county_viewer", "邹平市委组织部"), ("platform_admin", "平台管理员")]
