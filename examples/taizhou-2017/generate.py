#!/usr/bin/env python3
# -*- coding: utf-8 -*-
#
# ALL DATA WRITTEN BY THIS SCRIPT IS INVENTED.
#
# Every person, birth date, work unit, society figure and district statistic below is
# fictitious sample data for testing `reformcheck` against the Taizhou reform plan
# (泰办发〔2017〕22号). Names are random combinations of common surnames and given-name
# characters; any resemblance to a real person is coincidental. District names are the
# real 市(区) of Taizhou only so that the sample looks like a real self-assessment sheet;
# their figures are made up.
#
# 本脚本生成的所有数据均为虚构的示例数据，人名、出生日期、单位及统计数字均不对应任何真实个人或单位。
#
# Usage:  python3 generate.py          (writes the six CSV files next to this script)
# Deterministic: fixed seed, Python 3.11 standard library only. The expected results are
# computed independently by oracle.py (python3 oracle.py > EXPECTED.md).
#
# Shapes the data is built to have (as-of 2026-11-28, districts year 2025):
#   delegates         300 rows; 206 certain front-line (68.67%, fail), 0 unknown;
#                     108 certain aged <= 45 + 1 unknown (month-only 1980年11月), pass.
#   committee         80 rows; 55 certain front-line + 1 unknown (unit type and flag both
#                     empty) -> indeterminate; 25 standing, 19 front-line -> pass;
#                     6 part-time vice chairs, 行业领域 生物医药 twice -> fail.
#   society_delegates 6 societies; 泰州市机械工程学会 exactly 12/24 = 1/2 -> fail (strict >).
#   society_council   6 societies; 生物医药 15/25 = 3/5 (pass), standing 6/9 = 2/3 (pass);
#                     机械工程 11/20 fail; 船舶 standing 3/6 fail; 农学会 young 9/30 fail;
#                     电子学会 young exactly 5/15 = 1/3 incl. a 1975-11-28 birthday (pass).
#   societies         12 societies; 船舶 growth exactly 10/200 = 5% (pass); one new society
#                     with 0 members at the end of last year (not_applicable).
#   districts         7 districts x 2024/2025; 高港区 2025 funding exactly 3.00 yuan/person;
#                     海陵区 has no parks; 医药高新区 is not a 市(区) for 八(一).
#   societies         also two 市级 societies with an unreadable rating (one linked both
#                     ways: pass; one not: indeterminate) and a 县级 3A society (out of 四(一)).
#   city              2019, 2023-2025 (2019 is before the 2020 due date); no report in 2024 (city.annual_report fails naming 2024);
#                     2025 funding exactly 3.00 yuan/person.
#   previous/         the previous congress: 180/250 = 72% front-line (206/300 is below it).

import csv
import datetime as dt
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent
SEED = 20170324
AS_OF = dt.date(2026, 11, 28)

rng = random.Random(SEED)

# --------------------------------------------------------------------------------------
# invented names
# --------------------------------------------------------------------------------------
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严戴孔汤缪仇储")
GIVEN = list(
    "志明华伟军平海晓红玉秀英芳丽静敏燕霞峰磊涛斌强鹏杰超勇宁波辉俊健林文洁婷雪琳颖欣宇浩凯"
    "鑫睿晨蕾瑶璐佳嘉泽航翔雯倩岚彬昊楠怡菁逸铭诚舟润澄亮荣云飞春桂兰梅琴秋锋毅坤")
# combinations that happen to be well-known people's names are never used
BANNED = {"王志文", "陈建斌", "王建国", "李建国", "黄晓明", "赵丽颖", "王俊凯", "刘晓庆",
          "李宇春", "张国立", "刘春华", "李春华", "胡春华"}


class NamePool:
    def __init__(self):
        self.used = set()

    def new(self):
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            if name[1] == name[2] and rng.random() < 0.8:
                continue  # reduplicated given names are rarer
            if name in BANNED or name in self.used:
                continue
            self.used.add(name)
            return name


# --------------------------------------------------------------------------------------
# birth dates
# --------------------------------------------------------------------------------------
def rand_date(lo, hi):
    span = (hi - lo).days
    return lo + dt.timedelta(days=rng.randint(0, span))


def fmt_date(d, month_only_ok=True):
    """Mostly ISO; a few other spellings office staff type. Month-only spellings are never
    used for November (a November birth month leaves the age on 11-28 undecided)."""
    r = rng.random()
    if r < 0.86:
        return d.isoformat()
    if r < 0.90:
        return f"{d.year}/{d.month}/{d.day}"
    if r < 0.93:
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if r < 0.96:
        return f"{d.year}年{d.month}月{d.day}日"
    if month_only_ok and d.month != 11:
        if r < 0.98:
            return f"{d.year}.{d.month:02d}"
        return f"{d.year}年{d.month}月"
    return d.isoformat()


# --------------------------------------------------------------------------------------
# work units (invented)
# --------------------------------------------------------------------------------------
PLACES = ["泰州", "泰州", "兴化", "靖江", "泰兴", "姜堰"]
BRANDS = ["恒睿", "华泽", "瑞科", "康迪", "海澄", "弘远", "博达", "新禾", "江航", "润丰",
          "宏晟", "盛泰", "凯瑞", "天禾", "锦程", "远帆", "启明", "嘉诚", "朗润", "科捷"]
TRADES = ["生物科技有限公司", "医药有限公司", "船舶重工有限公司", "机械制造有限公司",
          "电子科技有限公司", "新能源科技有限公司", "化工有限公司", "智能装备有限公司",
          "食品有限公司", "农业发展有限公司", "新材料股份有限公司", "检测技术有限公司"]
COLLEGES = ["泰州滨江学院", "泰州医药职业学院", "泰州工程职业技术学院", "江淮理工大学泰州校区",
            "泰州凤城师范专科学校"]
INSTITUTES = ["泰州市生物医药技术研究院", "泰州市船舶工程研究所", "泰州市农业技术研究所",
              "泰州市新材料研究院", "泰州市智能制造研究院", "泰州市水产技术研究所"]
TOWNS = ["兴化市青湖镇", "兴化市柳川镇", "兴化市桃源镇", "泰兴市杏林镇", "泰兴市金湾镇",
         "靖江市凤栖镇", "姜堰区白鹭镇", "姜堰区梅溪镇", "海陵区清风街道", "高港区江畔街道"]
TOWN_SUFFIX = {"镇": "人民政府", "道": "办事处"}
SOCIAL_ORGS = ["泰州市科普志愿者协会", "泰州市青年科技工作者协会", "泰州市老科技工作者协会",
               "泰州市农村专业技术协会联合会", "泰州市创新创业服务中心"]
GOV = ["泰州市科学技术局", "泰州市工业和信息化局", "泰州市农业农村局", "泰州市卫生健康委员会",
       "泰州市教育局", "海陵区科学技术局", "兴化市科学技术局", "靖江市科学技术局",
       "泰兴市农业农村局", "姜堰区工业和信息化局", "高港区教育局", "泰州医药高新区科技局"]
HOSPITALS = ["泰州仁和医院", "泰州康华医院", "兴化市第三人民医院", "靖江市中西医结合医院",
             "泰兴市妇幼保健院"]


def unit_for(unit_type):
    if unit_type == "企业":
        return rng.choice(PLACES) + rng.choice(BRANDS) + rng.choice(TRADES)
    if unit_type == "高校":
        return rng.choice(COLLEGES)
    if unit_type == "科研院所":
        return rng.choice(INSTITUTES)
    if unit_type == "乡镇（街道）":
        t = rng.choice(TOWNS)
        return t + TOWN_SUFFIX[t[-1]]
    if unit_type == "社会组织":
        return rng.choice(SOCIAL_ORGS)
    if unit_type == "党政机关":
        return rng.choice(GOV)
    if unit_type == "医院":
        return rng.choice(HOSPITALS)
    raise ValueError(unit_type)


def write_csv(name, header, rows):
    path = OUT / name
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path.name}: {len(rows)} rows")


# ======================================================================================
# delegates.csv — 300 congress delegates
# ======================================================================================
def gen_delegates():
    names = NamePool()
    recs = []  # [unit_type, explicit frontline cell]
    for t, n in [("企业", 105), ("高校", 32), ("科研院所", 24), ("乡镇（街道）", 22),
                 ("社会组织", 12)]:
        recs += [[t, ""] for _ in range(n)]
    derived_yes = list(range(len(recs)))           # 195 rows, front-line by unit type
    enterprise = [i for i in derived_yes if recs[i][0] == "企业"]
    overrides = rng.sample(enterprise, 2)          # enterprise staff explicitly marked 否
    for i in overrides:
        recs[i][1] = "否"
    redundant = rng.sample([i for i in derived_yes if i not in overrides], 15)
    for i in redundant:
        recs[i][1] = "是"                          # filled in although derivable
    gov = [["党政机关", ""] for _ in range(85)]
    gov[0][1] = "是"                               # explicit cell wins over the unit type
    for g in gov[1:6]:
        g[1] = "否"
    recs += gov
    recs += [["医院", "是"] for _ in range(12)] + [["医院", "否"] for _ in range(8)]
    assert len(recs) == 300
    rng.shuffle(recs)

    # ages: 108 certainly <= 45 on 2026-11-28, 1 undecidable, 191 certainly older
    idx = list(range(300))
    rng.shuffle(idx)
    young, ambiguous, old = idx[:108], idx[108], idx[109:]
    births = {}
    for i in young:
        births[i] = fmt_date(rand_date(dt.date(1981, 1, 1), dt.date(1996, 12, 31)))
    for i in old:
        births[i] = fmt_date(rand_date(dt.date(1957, 1, 1), dt.date(1980, 10, 31)))
    births[young[0]] = "1980-11-28"   # 45 on 2026-11-28 (turns 46 the day after) -> young
    births[young[1]] = "1984-02-29"
    births[young[2]] = "1980/12/1"
    births[old[0]] = "1980-11-27"     # 46 on 2026-11-28 -> not young
    births[old[1]] = "1976-02-29"
    births[old[2]] = "1979.03"
    births[young[3]] = "1982年7月"
    births[ambiguous] = "1980年11月"   # 45 or 46 depending on the day -> unknown

    rows = []
    for i, (t, fl) in enumerate(recs):
        rows.append([names.new(), births[i], unit_for(t), t, fl])
    write_csv("delegates.csv", ["姓名", "出生日期", "工作单位", "单位类型", "是否基层一线"], rows)


# ======================================================================================
# committee.csv — 80 full-committee members
# ======================================================================================
FIELDS = ["生物医药", "高端装备制造", "船舶海工", "新能源", "电子信息", "现代农业",
          "医疗卫生", "化工新材料", "教育", "建筑工程", "科学普及"]
FRONT_TYPES = ["企业", "企业", "企业", "高校", "科研院所", "乡镇（街道）", "社会组织"]


def gen_committee():
    names = NamePool()
    members = []  # dicts

    def add(front, standing, vice, field=None):
        # front: True / False / None (None: unit type and flag both left empty)
        if front is None:
            ut, fl = "", ""
        elif front:
            if rng.random() < 0.12:
                ut, fl = "医院", "是"
            else:
                ut = rng.choice(FRONT_TYPES)
                fl = "是" if rng.random() < 0.15 else ""
        else:
            r = rng.random()
            if r < 0.15:
                ut, fl = "医院", "否"
            elif r < 0.22:
                ut, fl = "高校", "否"       # e.g. university administration
            else:
                ut = "党政机关"
                fl = "否" if rng.random() < 0.15 else ""
        members.append({
            "name": names.new(), "unit_type": ut, "frontline": fl,
            "standing": "是" if standing else "否", "vice": "是" if vice else "否",
            "field": field or rng.choice(FIELDS)})

    # 6 part-time vice chairs, all standing; 4 front-line; 生物医药 appears twice
    vice_fields = ["生物医药", "高端装备制造", "生物医药", "船舶海工", "电子信息", "现代农业"]
    for j, f in enumerate(vice_fields):
        add(j < 4, True, True, f)
    # 19 other standing members -> standing total 25, front-line 4 + 15 = 19
    for j in range(19):
        add(j < 15, True, False)
    # 55 ordinary members: 55 - 19 = 36 front-line, 1 unknown, 18 not
    for j in range(55):
        add(True if j < 36 else (None if j == 36 else False), False, False)
    assert len(members) == 80
    # order: vice chairs and standing members first (as rosters usually are), then others
    head, tail = members[:25], members[25:]
    rng.shuffle(head)
    rng.shuffle(tail)
    rows = []
    for m in head + tail:
        if m["standing"] == "是":
            b = rand_date(dt.date(1962, 1, 1), dt.date(1984, 12, 31))
        else:
            b = rand_date(dt.date(1965, 1, 1), dt.date(1993, 12, 31))
        rows.append([m["name"], fmt_date(b), m["unit_type"], m["frontline"], m["standing"],
                     m["vice"], m["field"]])
    write_csv("committee.csv",
              ["姓名", "出生日期", "单位类型", "是否基层一线", "是否常委", "是否兼职副主席", "行业领域"],
              rows)


# ======================================================================================
# society_delegates.csv and society_council.csv
# ======================================================================================
S_BIO, S_MECH, S_SHIP, S_AGRI, S_ELEC, S_CHEM = (
    "泰州市生物医药学会", "泰州市机械工程学会", "泰州市船舶与海洋工程学会", "泰州市农学会",
    "泰州市电子学会", "泰州市化工学会")

# society, delegates n, certain front-line k, unknown u
SOC_DELEGATES = [
    (S_BIO, 30, 20, 0),
    (S_MECH, 24, 12, 0),   # exactly 1/2 -> fails "超过/主要为" (> 1/2)
    (S_SHIP, 18, 11, 0),
    (S_AGRI, 40, 27, 1),   # one empty cell; 27/40 passes even if it is 否
    (S_ELEC, 15, 9, 0),
    (S_CHEM, 22, 14, 0),
]

# society, council n, front-line k, unknown u, standing s, standing front-line sk, aged<=50 y
SOC_COUNCIL = [
    (S_BIO, 25, 15, 0, 9, 6, 12),    # 3/5 exactly; standing 2/3 exactly
    (S_MECH, 20, 11, 0, 7, 5, 8),    # 11/20 < 3/5
    (S_SHIP, 18, 13, 0, 6, 3, 7),    # standing 3/6 < 2/3
    (S_AGRI, 30, 22, 0, 8, 6, 9),    # young/middle 9/30 < 1/3
    (S_ELEC, 15, 10, 0, 5, 4, 5),    # young/middle exactly 5/15 (incl. 1975-11-28)
    (S_CHEM, 21, 13, 1, 8, 6, 10),   # one empty front-line cell (non-standing)
]


def gen_society_delegates():
    rows = []
    for soc, n, k, u in SOC_DELEGATES:
        names = NamePool()
        cells = ["是"] * k + [""] * u + ["否"] * (n - k - u)
        rng.shuffle(cells)
        rows += [[soc, names.new(), c] for c in cells]
    write_csv("society_delegates.csv", ["学会名称", "姓名", "是否基层一线"], rows)


def gen_society_council():
    rows = []
    for soc, n, k, u, s, sk, y in SOC_COUNCIL:
        names = NamePool()
        # (是否基层一线, 是否常务理事)
        recs = [("是", "是")] * sk + [("否", "是")] * (s - sk)
        nk = k - sk
        recs += [("是", "否")] * nk + [("", "否")] * u + [("否", "否")] * (n - s - nk - u)
        assert len(recs) == n
        # order: standing members first, the rest shuffled
        st, rest = recs[:s], recs[s:]
        rng.shuffle(st)
        rng.shuffle(rest)
        recs = st + rest
        idx = list(range(n))
        rng.shuffle(idx)
        births = {}
        for i in idx[:y]:      # 50 or younger on 2026-11-28: born 1975-11-28 or later
            births[i] = fmt_date(rand_date(dt.date(1976, 1, 1), dt.date(1993, 12, 31)))
        for i in idx[y:]:      # 51 or older: born 1975-11-27 or earlier
            births[i] = fmt_date(rand_date(dt.date(1956, 1, 1), dt.date(1975, 10, 31)))
        if soc == S_ELEC:
            births[idx[0]] = "1975-11-28"   # 50 on 2026-11-28 -> counts as young/middle
            births[idx[y]] = "1975-11-27"   # 51 on 2026-11-28 -> does not
        for i, (fl, standing) in enumerate(recs):
            rows.append([soc, names.new(), births[i], fl, standing])
    write_csv("society_council.csv", ["学会名称", "姓名", "出生日期", "是否基层一线", "是否常务理事"],
              rows)


# ======================================================================================
# societies.csv — 12 societies
# ======================================================================================
def gen_societies():
    Y, N = "是", "否"
    # name, level, rating, members_start, members_new, upper, lower, sec_prof, sec_entity,
    # supervisory, party_working_group, party_branch, decoupled
    rows = [
        [S_BIO, "市级", "5A", 680, 52, Y, Y, Y, Y, Y, Y, Y, Y],
        [S_MECH, "市级", "4A", 420, 18, Y, N, Y, Y, Y, Y, Y, Y],
        [S_SHIP, "市级", "3A", 200, 10, Y, Y, N, Y, Y, Y, N, N],   # growth exactly 5%
        [S_AGRI, "市级", "4A", 960, 75, Y, Y, Y, Y, N, Y, Y, Y],
        [S_ELEC, "市级", "3A", 310, 22, N, N, Y, N, Y, N, Y, Y],
        [S_CHEM, "市级", "2A", 265, 11, N, Y, Y, Y, "", Y, Y, ""],  # 监事会 not filled in
        ["泰州市计算机学会", "市级", "", 350, 41, N, N, Y, Y, Y, Y, Y, Y],
        ["泰州市土木建筑学会", "市级", "3A", 540, 30, Y, Y, Y, Y, Y, Y, Y, Y],
        ["泰州市中医药学会", "市级", "4A", 430, 20, Y, Y, N, N, N, Y, N, N],
        ["泰州市人工智能学会", "市级", "", 0, 38, N, N, N, Y, Y, N, N, Y],  # founded 2025
        ["兴化市农学会", "县级", "2A", 150, 9, Y, N, N, N, N, Y, Y, N],
        ["靖江市机械工程学会", "县级", "", 120, 4, N, N, N, N, N, N, Y, N],
        # rating unreadable: linked both ways, so pass whatever the rating (3A+ or not)
        ["泰州市物理学会", "市级", "待评", 180, 12, Y, Y, Y, Y, Y, Y, Y, Y],
        # rating unreadable and not linked down: fails only if rated 3A+ -> indeterminate
        ["泰州市光学学会", "市级", "待评", 90, 3, Y, N, N, N, Y, Y, Y, Y],
        # 县级 and 3A: outside 四(一)'s 市级学会, so no link result
        ["泰兴市电子学会", "县级", "3A", 110, 6, N, N, N, N, Y, N, Y, N],
    ]
    write_csv("societies.csv",
              ["学会名称", "级别", "评估等级", "上年末个人会员数", "本年新增个人会员数",
               "上联国家或省级学会", "下带县级学会", "秘书长职业化", "秘书处实体化", "设立监事会",
               "理事会党的工作小组", "办事机构党支部", "与行政机关脱钩"],
              rows)


# ======================================================================================
# districts.csv — 7 市(区) x 2024, 2025
# ======================================================================================
def gen_districts():
    Y, N = "是", "否"
    D = ["海陵区", "高港区", "医药高新区", "姜堰区", "兴化市", "靖江市", "泰兴市"]
    # per year: district -> (independent, party_group, annual_report,
    #   townships, townships_with_kx, townships_with_agri, parks, parks_with_kx,
    #   above_scale, above_scale_with_kx, hitech, hitech_with_kx,
    #   population, popsci_funding, science_literacy)
    y2024 = {
        "海陵区": (Y, Y, Y, 9, 9, 6, 0, 0, 205, 109, 138, 84, 833000, "2676431.20", "17.1%"),
        "高港区": (Y, N, Y, 7, 7, 7, 3, 2, 258, 128, 149, 86, 398000, "1122357.40", "15.6%"),
        "医药高新区": (N, Y, N, 6, 5, 4, 2, 2, 190, 91, 214, 137, 301000, "1101662.80", "0.176"),
        "姜堰区": (Y, Y, Y, 15, 14, 15, 4, 3, 512, 226, 198, 104, 691000, "1934826.15", "14.4%"),
        "兴化市": (Y, Y, Y, 35, 31, 33, 5, 4, 604, 251, 171, 90, 1101000, "2367148.52", "0.131"),
        "靖江市": (Y, Y, Y, 10, 10, 10, 4, 4, 709, 381, 276, 170, 671000, "2012997.30", "15.9%"),
        "泰兴市": (Y, Y, Y, 16, 15, 16, 6, 4, 871, 441, 312, 184, 967000, "2320813.77", "0.139"),
    }
    y2025 = {
        "海陵区": (Y, Y, Y, 9, 9, 7, 0, 0, 210, 118, 150, 95, 836000, "2850763.48", "17.8%"),
        "高港区": (Y, Y, Y, 7, 7, 7, 3, 3, 265, 140, 160, 96, 400000, "1200000.00", "16.2%"),
        "医药高新区": (N, Y, Y, 6, 6, 5, 2, 2, 198, 99, 230, 151, 306000, "1178135.20", "0.183"),
        "姜堰区": (Y, Y, Y, 15, 15, 15, 4, 3, 520, 243, 210, 118, 688000, "2029612.35", "15.0%"),
        "兴化市": (Y, Y, Y, 35, 33, 35, 5, 5, 611, 270, 180, 101, 1093000, "2524817.90", "0.138"),
        "靖江市": (Y, Y, N, 10, 10, 10, 4, 4, 720, 402, 290, 188, 673000, "2099745.60", "16.5%"),
        "泰兴市": (Y, Y, Y, 16, 16, 16, 6, 5, 890, 470, 330, 205, 963000, "2465291.06", "14.6%"),
    }
    # 科协负责人参加同级人大常委会 / 政协常委会 (八(一)); 医药高新区 has neither body.
    heads = {
        2024: {"海陵区": (Y, Y), "高港区": (Y, N), "医药高新区": (N, N), "姜堰区": (Y, Y),
               "兴化市": (Y, Y), "靖江市": (Y, Y), "泰兴市": (N, N)},
        2025: {"海陵区": (Y, Y), "高港区": (Y, Y), "医药高新区": (N, N), "姜堰区": (Y, Y),
               "兴化市": (Y, N), "靖江市": (Y, Y), "泰兴市": (Y, Y)},
    }
    rows = []
    for year, table in [(2024, y2024), (2025, y2025)]:
        for d in D:
            rows.append([d, year, *table[d], *heads[year][d]])
    write_csv("districts.csv",
              ["市（区）", "年度", "独立建制", "设立党组", "听取科协工作汇报", "乡镇（街道）数",
               "已建科协组织的乡镇（街道）数", "农技协覆盖的乡镇（街道）数", "园区数",
               "已建科协组织的园区数", "规模以上工业企业数", "已建科协组织的规模以上工业企业数",
               "高新技术企业数", "已建科协组织的高新技术企业数", "常住人口", "财政科普经费（元）",
               "公民具备科学素质比例", "科协负责人参加同级人大常委会", "科协负责人参加同级政协常委会"],
              rows)


# ======================================================================================
# city.csv — the 市科协's own items, 2019 and 2023-2025
# ======================================================================================
def gen_city():
    Y, N = "是", "否"
    # year, annual_report, population, popsci_funding (市本级), plate, transfer group,
    # maker alliance, advisory committee, university federation, joint party committee
    rows = [
        # 2019 ends before the 2020 due date: its 2.50 yuan/person is pending, not a failure
        [2019, Y, 4600000, "11500000.00", N, Y, N, Y, N, N],
        [2023, Y, 4520000, "11800000.00", Y, Y, N, Y, N, Y],
        [2024, N, 4510000, "12000000.00", Y, Y, N, Y, N, Y],   # no report in 2024
        [2025, Y, 4500000, "13500000.00", Y, Y, N, Y, Y, Y],   # exactly 3.00 yuan/person
    ]
    write_csv("city.csv",
              ["年度", "市委、市政府听取科协工作汇报", "常住人口", "市本级财政科普经费（元）",
               "市科技馆增挂青少年科技创新活动中心牌子", "成立承接政府转移职能工作协调小组",
               "成立青少年科学创客联盟", "成立专家决策咨询委员会", "成立高校科协联合会",
               "成立科技社团联合党委"],
              rows)


# ======================================================================================
# previous/delegates.csv — the previous congress (250 delegates, 180 front-line = 72%)
# ======================================================================================
def gen_previous_delegates():
    names = NamePool()
    rows = [[names.new(), "企业", ""] for _ in range(150)]
    rows += [[names.new(), "高校", "是"] for _ in range(30)]
    rows += [[names.new(), "党政机关", ""] for _ in range(60)]
    rows += [[names.new(), "医院", "否"] for _ in range(10)]
    rng.shuffle(rows)
    (OUT / "previous").mkdir(exist_ok=True)
    write_csv("previous/delegates.csv", ["姓名", "单位类型", "是否基层一线"], rows)


if __name__ == "__main__":
    gen_delegates()
    gen_committee()
    gen_society_delegates()
    gen_society_council()
    gen_societies()
    gen_districts()
    gen_city()
    gen_previous_delegates()
